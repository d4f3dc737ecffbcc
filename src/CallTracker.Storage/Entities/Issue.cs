namespace CallTracker.Storage.Entities;

/// <summary>
/// Failed calls (or error events from a Sentry SDK) grouped by fingerprint, like a Sentry issue: one line to
/// work through.
/// </summary>
public sealed class Issue
{
    public int ProjectId { get; set; }

    public long Id { get; set; }

    /// <summary>Hex SHA-256 of the fingerprint parts; unique in the project.</summary>
    public required string Fingerprint { get; set; }

    /// <summary><c>call</c> (failed calls) or <c>error</c> (CRM exceptions and messages from a Sentry SDK).</summary>
    public required string Kind { get; set; }

    public required string Title { get; set; }

    /// <summary>The failed calls' outcome; null for error issues, which have no call.</summary>
    public string? Outcome { get; set; }

    /// <summary>The failed calls' response class; null for error issues.</summary>
    public string? ResponseClass { get; set; }

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

    /// <summary>When a new event last reopened it after it was resolved; null if it never was.</summary>
    public DateTimeOffset? ReopenedAt { get; set; }

    public DateTimeOffset FirstSeen { get; set; }

    public DateTimeOffset LastSeen { get; set; }

    public long EventCount { get; set; }
}
