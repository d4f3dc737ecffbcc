namespace CallTracker.Storage.Entities;

/// <summary>
/// One line of a project's alert history: a rule fired or cleared, what was said and to whom, and whether
/// each delivery got through (GET /api/v1/projects/{id}/alerts).
/// </summary>
public sealed class Alert
{
    public int ProjectId { get; set; }

    public long Id { get; set; }

    /// <summary>
    /// The rule that fired. Not a foreign key on purpose: the history outlives a deleted rule, so that what
    /// was sent last week can still be read after someone removed the rule.
    /// </summary>
    public long RuleId { get; set; }

    /// <summary><c>fired</c> or <c>resolved</c>.</summary>
    public required string Kind { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Summary { get; set; }

    /// <summary>jsonb: the AlertMessage as sent (API project, Alerts/AlertMessage.cs), in camelCase.</summary>
    public string Message { get; set; } = "{}";

    /// <summary>jsonb: an array of <see cref="AlertDelivery"/>, one per e-mail address and webhook.</summary>
    public string Deliveries { get; set; } = "[]";
}

public static class AlertKinds
{
    public const string Fired = "fired";
    public const string Resolved = "resolved";
}
