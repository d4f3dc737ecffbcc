namespace CallTracker.Storage.Entities;

/// <summary>Failed calls grouped by fingerprint, like a Sentry issue: one line to work through.</summary>
public sealed class Issue
{
    public int ProjectId { get; set; }

    public long Id { get; set; }

    /// <summary>Hex SHA-256 of the fingerprint parts; unique in the project.</summary>
    public required string Fingerprint { get; set; }

    public required string Title { get; set; }

    public required string Outcome { get; set; }

    public required string ResponseClass { get; set; }

    public int? SipCode { get; set; }

    public int? Q850Cause { get; set; }

    public string? LocalCause { get; set; }

    public string? Trunk { get; set; }

    /// <summary>unresolved, resolved or ignored.</summary>
    public required string Status { get; set; }

    /// <summary>Set when a resolved issue got a new event, unless its outcome is customer behaviour.</summary>
    public bool Regression { get; set; }

    /// <summary>Busy, no answer, declined, unreachable, cancelled: a new event on it is not news.</summary>
    public bool CustomerBehaviour { get; set; }

    public DateTimeOffset FirstSeen { get; set; }

    public DateTimeOffset LastSeen { get; set; }

    public long EventCount { get; set; }
}
