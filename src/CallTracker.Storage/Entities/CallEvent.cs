namespace CallTracker.Storage.Entities;

/// <summary>One call attempt reported by a CRM: usually a failure, sometimes an answered call.</summary>
public sealed class CallEvent
{
    public int ProjectId { get; set; }

    /// <summary>The client's id; posting it again stores nothing new.</summary>
    public Guid EventId { get; set; }

    /// <summary>When the call ended, in UTC. Reports, ordering and retention go by this time.</summary>
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>The client's own time when it was implausible and replaced by <see cref="ReceivedAt"/>.</summary>
    public DateTimeOffset? ReportedOccurredAt { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>The final response code, or <c>null</c> when the call ended with none.</summary>
    public int? SipCode { get; set; }

    /// <summary><c>2xx</c> to <c>6xx</c>, or <c>none</c>: derived from the code, stored for the report.</summary>
    public required string ResponseClass { get; set; }

    public string? ReasonPhrase { get; set; }

    public string? LocalCause { get; set; }

    /// <summary>The first Reason header's protocol (<c>Q.850</c>, <c>SIP</c>, ...).</summary>
    public string? ReasonProtocol { get; set; }

    public int? ReasonCause { get; set; }

    public string? ReasonText { get; set; }

    /// <summary>jsonb array of <c>{"name","value"}</c> in wire order; an object would lose the order.</summary>
    public string Headers { get; set; } = "[]";

    /// <summary>The status line and headers of the raw response, when sent; the body is never kept.</summary>
    public string? SipMessage { get; set; }

    public string? PhoneNumber { get; set; }

    public string? Agent { get; set; }

    public string? CallId { get; set; }

    public required string Direction { get; set; }

    public string? Trunk { get; set; }

    public bool? Ringing { get; set; }

    public int? PostDialDelayMs { get; set; }

    public int? RingDurationMs { get; set; }

    /// <summary>jsonb object of string to string.</summary>
    public string Tags { get; set; } = "{}";

    /// <summary>jsonb object, kept as the client sent it (less NUL characters).</summary>
    public string? Extra { get; set; }

    /// <summary>True when NUL characters were removed from any field before storing.</summary>
    public bool NulRemoved { get; set; }
}
