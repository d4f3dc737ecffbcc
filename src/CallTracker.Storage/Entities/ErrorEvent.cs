namespace CallTracker.Storage.Entities;

/// <summary>
/// An event from a Sentry SDK that carries no SIP data: a JavaScript exception in the CRM, a log
/// message. Kept whole (less what identifies a person's machine), so that nothing the SDK sent is lost.
/// </summary>
public sealed class ErrorEvent
{
    public int ProjectId { get; set; }

    public Guid EventId { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>fatal, error, warning, info or debug, as the SDK sent it.</summary>
    public required string Level { get; set; }

    public string? Message { get; set; }

    public string? ExceptionType { get; set; }

    public string? ExceptionValue { get; set; }

    public string? Platform { get; set; }

    public string? Release { get; set; }

    public string? Environment { get; set; }

    /// <summary>jsonb object of string to string.</summary>
    public string Tags { get; set; } = "{}";

    public string? RequestUrl { get; set; }

    /// <summary>The SDK's user id (in a CRM, usually the agent); never the IP address.</summary>
    public string? UserId { get; set; }

    public string? Sdk { get; set; }

    /// <summary>The issue this error belongs to (hex SHA-256 of its fingerprint).</summary>
    public string? Fingerprint { get; set; }

    /// <summary>The title of its issue; not stored with the event, only used to create the issue.</summary>
    [System.ComponentModel.DataAnnotations.Schema.NotMapped]
    public string? IssueTitle { get; set; }

    /// <summary>
    /// jsonb: the event as the SDK sent it, without the user's IP address, cookies and credential
    /// headers, and without NUL characters.
    /// </summary>
    public required string Payload { get; set; }
}
