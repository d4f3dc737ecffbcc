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

    /// <summary>
    /// What happened to the call (<c>busy</c>, <c>unreachable</c>, ...). Null only for events stored before
    /// outcomes existed, between the migration and the start-up backfill that fills them.
    /// </summary>
    public string? Outcome { get; set; }

    /// <summary>What decided the outcome: <c>code</c>, <c>q850</c>, <c>local_cause</c> or <c>class</c>.</summary>
    public string? OutcomeBasis { get; set; }

    /// <summary>The issue this failure belongs to (hex SHA-256 of its fingerprint); null for answered calls.</summary>
    public string? Fingerprint { get; set; }

    /// <summary>The title of its issue; not stored with the event, only used to create the issue.</summary>
    [System.ComponentModel.DataAnnotations.Schema.NotMapped]
    public string? IssueTitle { get; set; }

    /// <summary>The first Q.850 cause among the Reason values, the one that refines a general code.</summary>
    public int? Q850Cause { get; set; }

    /// <summary>jsonb array of every Reason value: protocol, cause, text, location, raw, parsed.</summary>
    public string Reasons { get; set; } = "[]";

    /// <summary>jsonb array of the Warning header values: code, agent, text.</summary>
    public string SipWarnings { get; set; } = "[]";

    /// <summary>Seconds from the Retry-After header: when the far end says a retry may succeed.</summary>
    public int? RetryAfterSeconds { get; set; }

    /// <summary>jsonb array of <c>{"name","value"}</c> in wire order; an object would lose the order.</summary>
    public string Headers { get; set; } = "[]";

    /// <summary>The status line and headers of the raw response, when sent; the body is never kept.</summary>
    public string? SipMessage { get; set; }

    /// <summary>The number as dialled, verbatim.</summary>
    public string? PhoneNumber { get; set; }

    public string? PhoneE164 { get; set; }

    public string? PhoneRegion { get; set; }

    /// <summary>mobile, fixed_line, ... from libphonenumber's metadata.</summary>
    public string? PhoneType { get; set; }

    public bool? PhoneValid { get; set; }

    /// <summary>The operator the number's range was allocated to (not the trunk, and not after porting).</summary>
    public string? PhoneCarrier { get; set; }

    public string? PhoneExtension { get; set; }

    /// <summary>True when an old 11-digit Vietnamese mobile number was stored as the 10-digit one it became.</summary>
    public bool PhoneConverted { get; set; }

    /// <summary>Why the number could not be read, or what is doubtful about it (an old city landline).</summary>
    public string? PhoneProblem { get; set; }

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
