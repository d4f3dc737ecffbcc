namespace CallTracker.Storage.Entities;

/// <summary>
/// Calls of one project in one UTC hour with the same values of every report dimension, counted as they
/// are stored (in the same statement), so that a report reads rows per hour rather than per event.
/// </summary>
/// <remarks>
/// A missing value is stored as 0 or the empty string, not null, so that it is part of the primary key
/// and the upsert finds its row (PostgreSQL treats nulls in a unique key as all different).
/// </remarks>
public sealed class CallRollup
{
    public int ProjectId { get; set; }

    /// <summary>The UTC hour the calls ended in.</summary>
    public DateTimeOffset Hour { get; set; }

    public required string ResponseClass { get; set; }

    /// <summary>The response code; 0 for calls with none.</summary>
    public int SipCode { get; set; }

    /// <summary>For calls with no code, what the client saw; empty otherwise.</summary>
    public required string LocalCause { get; set; }

    /// <summary>The first Q.850 cause; 0 for none.</summary>
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
