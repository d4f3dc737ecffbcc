namespace CallTracker.Api.Alerts;

/// <summary>
/// What one alert says, whatever carries it: the e-mail's subject and bodies, the webhook's JSON and the
/// Slack-compatible text are all made from this. Built by the rule evaluator when a rule fires or clears.
/// </summary>
/// <remarks>
/// It is also the documented webhook schema (README, Alerts): add fields, never rename or remove one.
/// Phone numbers never go in it: receivers are outside the project's access control.
/// </remarks>
public sealed record AlertMessage
{
    /// <summary>The alert's id in the history (GET /api/v1/projects/{id}/alerts).</summary>
    public required long AlertId { get; init; }

    public required int ProjectId { get; init; }

    public required string ProjectName { get; init; }

    public required long RuleId { get; init; }

    public required string RuleName { get; init; }

    /// <summary><c>fired</c> when the rule's condition started to hold, <c>resolved</c> when it cleared.</summary>
    public required string Kind { get; init; }

    /// <summary>new_issue, regression, event_count or event_share.</summary>
    public required string Trigger { get; init; }

    /// <summary>One line a person reads first: "Network errors on trunk viettel-1: 42 in 5 min (limit 20)".</summary>
    public required string Summary { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary>The window the numbers are from; null for new_issue and regression.</summary>
    public int? WindowMinutes { get; init; }

    /// <summary>Matching events in the window (or the issue's events so far).</summary>
    public long? Count { get; init; }

    /// <summary>For event_share: matching events among all attempts in the window, in percent.</summary>
    public double? SharePercent { get; init; }

    /// <summary>The rule's threshold: N events, or P percent.</summary>
    public double? Threshold { get; init; }

    public IReadOnlyList<AlertCode> TopCodes { get; init; } = [];

    public IReadOnlyList<AlertOutcome> TopOutcomes { get; init; } = [];

    /// <summary>The issue (new_issue, regression), when there is one.</summary>
    public long? IssueId { get; init; }

    /// <summary>Where to look: the issue or the report, under CallTracker:Alerts:PublicUrl.</summary>
    public required string Link { get; init; }
}

/// <summary>A SIP code (or, with no code, a local cause) among the matching events.</summary>
public sealed record AlertCode(int? Code, string? LocalCause, string Phrase, long Count);

/// <summary>An outcome among the matching events, with what to do about it.</summary>
public sealed record AlertOutcome(string Outcome, string Label, string Remedy, long Count);
