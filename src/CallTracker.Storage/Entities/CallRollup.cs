namespace CallTracker.Storage.Entities;

/// <summary>
/// Calls of one project in one UTC hour (or UTC day) with the same values of the dimensions of one set,
/// counted as they are stored (in the same statement), so that a report reads rows per hour or per day
/// rather than per event. Each event is counted once per grain and set: the base set (class, code, local
/// cause, Q.850 cause, outcome) and the base with agent, with trunk, or with country and carrier, so that a
/// report reads the narrowest set that holds its filters and grouping.
/// </summary>
/// <remarks>
/// A missing value is stored as 0 or the empty string, not null, so that it is part of the primary key
/// and the upsert finds its row (PostgreSQL treats nulls in a unique key as all different).
/// </remarks>
public sealed class CallRollup
{
    public int ProjectId { get; set; }

    /// <summary><c>h</c>: the row counts one UTC hour; <c>d</c>: one UTC day.</summary>
    public required string Grain { get; set; }

    /// <summary>0: base only; 1: with agent; 2: with trunk; 3: with country and carrier.</summary>
    public short DimensionSet { get; set; }

    /// <summary>The start of the UTC hour or day the calls ended in.</summary>
    public DateTimeOffset PeriodStart { get; set; }

    public required string ResponseClass { get; set; }

    /// <summary>The response code; 0 for calls with none.</summary>
    public int SipCode { get; set; }

    /// <summary>For calls with no code, what the client saw; empty otherwise.</summary>
    public required string LocalCause { get; set; }

    /// <summary>The first Q.850 cause; 0 for none, and 0 outside the base set.</summary>
    public int Q850Cause { get; set; }

    public required string Outcome { get; set; }

    public required string Agent { get; set; }

    public required string Trunk { get; set; }

    /// <summary>The number's ISO 3166 region.</summary>
    public required string Country { get; set; }

    /// <summary>The carrier the number's range was allocated to.</summary>
    public required string Carrier { get; set; }

    public long Count { get; set; }
}
