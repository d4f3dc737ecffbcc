namespace CallTracker.Storage.Entities;

/// <summary>
/// When to tell the team (issue 8): a trigger, a filter of the events it looks at, and who to tell. Managed
/// through /api/v1/projects/{id}/alert-rules; read by the rule evaluator, which also keeps its state.
/// </summary>
public sealed class AlertRule
{
    public int ProjectId { get; set; }

    public long Id { get; set; }

    public required string Name { get; set; }

    /// <summary>new_issue, regression, event_count or event_share (see <see cref="AlertTriggers"/>).</summary>
    public required string Trigger { get; set; }

    /// <summary>N events for event_count, P percent for event_share; null for the other triggers.</summary>
    public double? Threshold { get; set; }

    /// <summary>The window M in minutes (1-1440) for event_count and event_share; null for the others.</summary>
    public int? WindowMinutes { get; set; }

    /// <summary>For event_share: no alert below this many attempts in the window; null for the others.</summary>
    public int? MinimumEvents { get; set; }

    /// <summary>jsonb, an <see cref="AlertFilter"/>: which events the rule looks at.</summary>
    public string Filter { get; set; } = "{}";

    /// <summary>jsonb, <see cref="AlertActions"/>: e-mail addresses and webhooks, the webhooks' secrets too.</summary>
    public string Actions { get; set; } = "{}";

    public int CooldownMinutes { get; set; } = 30;

    public bool Enabled { get; set; } = true;

    /// <summary><c>ok</c> or <c>firing</c>, kept by the evaluator so that it sends one "back to normal".</summary>
    public string State { get; set; } = AlertRuleStates.Ok;

    public DateTimeOffset? LastFiredAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public static class AlertTriggers
{
    public const string NewIssue = "new_issue";
    public const string Regression = "regression";
    public const string EventCount = "event_count";
    public const string EventShare = "event_share";

    public static IReadOnlyList<string> All { get; } = [NewIssue, Regression, EventCount, EventShare];

    /// <summary>Triggers that count events in a window, and so need a threshold and a window.</summary>
    public static bool IsWindowed(string trigger) => trigger is EventCount or EventShare;
}

public static class AlertRuleStates
{
    public const string Ok = "ok";
    public const string Firing = "firing";
}
