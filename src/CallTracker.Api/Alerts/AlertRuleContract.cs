using System.Text.Json.Serialization;
using CallTracker.Storage.Entities;

namespace CallTracker.Api.Alerts;

/// <summary>
/// The body of POST and PATCH /api/v1/projects/{id}/alert-rules. On PATCH a field left out keeps its value, inside
/// filter and actions too (a list given replaces that list). A field the API does not know is a 400, not ignored:
/// a misspelt filter would otherwise watch every event.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
[JsonNumberHandling(JsonNumberHandling.Strict)]
public sealed record AlertRuleBody
{
    /// <example>Network errors on the carrier trunk</example>
    public string? Name { get; init; }

    /// <summary>
    /// new_issue (a new kind of failure appeared), regression (a resolved one is back), event_count (more than
    /// threshold matching events in windowMinutes) or event_share (matching events above threshold percent of
    /// all attempts in windowMinutes, from minimumEvents attempts on; it needs answered calls sent too).
    /// </summary>
    /// <example>event_count</example>
    public string? Trigger { get; init; }

    /// <summary>
    /// event_count: N events, a whole number 1-1000000; event_share: P percent, more than 0, at most 100.
    /// </summary>
    /// <example>20</example>
    public double? Threshold { get; init; }

    /// <summary>The window M in minutes, 1-1440; event_count and event_share only.</summary>
    /// <example>5</example>
    public int? WindowMinutes { get; init; }

    /// <summary>event_share only: no alert below this many attempts in the window, 1-1000000; 20 by default.</summary>
    /// <example>null</example>
    public int? MinimumEvents { get; init; }

    /// <summary>
    /// Which events count. Left out, every failure for event_count and event_share; for new_issue and regression
    /// the outcomes someone can act on (every failure but busy, no_answer, declined, unreachable, cancelled).
    /// </summary>
    public AlertFilterBody? Filter { get; init; }

    /// <summary>Who to tell: at least one e-mail address or webhook.</summary>
    public AlertActionsBody? Actions { get; init; }

    /// <summary>Minutes a rule that fired waits before it fires again, 0-10080; 30 by default.</summary>
    /// <example>30</example>
    public int? CooldownMinutes { get; init; }

    /// <summary>A disabled rule is kept but never fires; true by default.</summary>
    /// <example>true</example>
    public bool? Enabled { get; init; }
}

/// <summary>Which events a rule looks at: each list given must match (any of its values), and every tag.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
[JsonNumberHandling(JsonNumberHandling.Strict)]
public sealed record AlertFilterBody
{
    /// <summary>Outcomes from GET /api/v1/sip/outcomes.</summary>
    /// <example>["network_error"]</example>
    public string[]? Outcomes { get; init; }

    /// <summary>3xx, 4xx, 5xx, 6xx or none (no final response).</summary>
    /// <example>["5xx"]</example>
    public string[]? Classes { get; init; }

    /// <summary>SIP response codes, 300-699.</summary>
    /// <example>[503]</example>
    public int[]? Codes { get; init; }

    /// <example>[]</example>
    public string[]? Agents { get; init; }

    /// <example>["viettel-1"]</example>
    public string[]? Trunks { get; init; }

    /// <example>{"campaign": "renewals"}</example>
    public Dictionary<string, string>? Tags { get; init; }
}

/// <summary>Who a rule tells.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
[JsonNumberHandling(JsonNumberHandling.Strict)]
public sealed record AlertActionsBody
{
    /// <example>["oncall@example.com"]</example>
    public string[]? Emails { get; init; }

    public AlertWebhookBody[]? Webhooks { get; init; }
}

/// <summary>A webhook to POST each alert to.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
[JsonNumberHandling(JsonNumberHandling.Strict)]
public sealed record AlertWebhookBody
{
    /// <summary>An absolute http or https URL.</summary>
    /// <example>https://hooks.example.com/calltracker</example>
    public string? Url { get; init; }

    /// <summary>json (the alert, signed with the secret) or slack (a Slack-compatible body); json by default.</summary>
    /// <example>json</example>
    public string? Format { get; init; }

    /// <summary>
    /// The HMAC key the receiver checks the signature with, 16-256 characters. Write-only: never returned. On
    /// PATCH, a webhook given again with the same URL and no secret keeps the secret it had.
    /// </summary>
    /// <example>a-long-random-shared-secret</example>
    public string? Secret { get; init; }
}

/// <summary>An alert rule as the API shows it: the webhooks' secrets are never in it.</summary>
public sealed record AlertRuleDetails
{
    /// <example>7</example>
    public required long Id { get; init; }

    /// <example>Network errors on the carrier trunk</example>
    public required string Name { get; init; }

    /// <example>event_count</example>
    public required string Trigger { get; init; }

    /// <example>20</example>
    public required double? Threshold { get; init; }

    /// <example>5</example>
    public required int? WindowMinutes { get; init; }

    /// <example>null</example>
    public required int? MinimumEvents { get; init; }

    public required AlertFilter Filter { get; init; }

    public required AlertActionsDetails Actions { get; init; }

    /// <example>30</example>
    public required int CooldownMinutes { get; init; }

    /// <example>true</example>
    public required bool Enabled { get; init; }

    /// <summary>ok or firing: whether the rule's condition holds now, as the evaluator last saw it.</summary>
    /// <example>ok</example>
    public required string State { get; init; }

    /// <example>null</example>
    public required DateTimeOffset? LastFiredAt { get; init; }

    /// <example>2026-12-04T08:00:00Z</example>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <example>2026-12-04T08:00:00Z</example>
    public required DateTimeOffset UpdatedAt { get; init; }
}

public sealed record AlertActionsDetails
{
    /// <example>["oncall@example.com"]</example>
    public required string[] Emails { get; init; }

    public required AlertWebhookDetails[] Webhooks { get; init; }
}

/// <summary>A webhook as shown: whether it has a secret, never the secret.</summary>
public sealed record AlertWebhookDetails
{
    /// <example>https://hooks.example.com/calltracker</example>
    public required string Url { get; init; }

    /// <example>json</example>
    public required string Format { get; init; }

    /// <example>true</example>
    public required bool SecretSet { get; init; }

    /// <summary>
    /// Only in the answer that made it: the secret CallTracker generated for a json webhook given without one.
    /// Keep it with the receiver to check the X-CallTracker-Signature header; it is never shown again.
    /// </summary>
    /// <example>9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08</example>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Secret { get; init; }
}

/// <summary>A page of the alert history, newest first.</summary>
public sealed record AlertPage
{
    public required IReadOnlyList<AlertDetails> Items { get; init; }

    /// <summary>Pass as <c>cursor</c> for the next page; null on the last page.</summary>
    public string? NextCursor { get; init; }
}

/// <summary>One alert: a rule fired or cleared, what it said, and how each delivery went.</summary>
public sealed record AlertDetails
{
    /// <example>118</example>
    public required long Id { get; init; }

    /// <summary>The rule's id; the rule may have been deleted since.</summary>
    /// <example>7</example>
    public required long RuleId { get; init; }

    /// <summary>fired or resolved.</summary>
    /// <example>fired</example>
    public required string Kind { get; init; }

    /// <example>2026-12-04T09:40:00Z</example>
    public required DateTimeOffset At { get; init; }

    /// <example>Network errors on trunk viettel-1: 42 in 5 min (limit 20)</example>
    public required string Summary { get; init; }

    /// <summary>The alert as sent, in the webhook's JSON schema.</summary>
    public required AlertMessage? Message { get; init; }

    /// <summary>One per e-mail address and webhook: pending, sent or failed, with the last error.</summary>
    public required IReadOnlyList<AlertDelivery> Deliveries { get; init; }
}
