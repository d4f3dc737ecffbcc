using System.Text.Json;

namespace CallTracker.Storage.Entities;

/// <summary>
/// The shapes of the alert tables' jsonb columns, shared by the API that writes the rules, the evaluator
/// and the delivery. Stored in camelCase like the API's JSON; a renamed property silently reads as empty
/// from rows already stored, so add properties, never rename one.
/// </summary>
public static class AlertJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json)
        where T : new() => JsonSerializer.Deserialize<T>(json, Options) ?? new T();
}

/// <summary>
/// Which events a rule looks at: an event matches when it matches every list that is not empty (any value
/// of a list) and carries every tag.
/// </summary>
public sealed record AlertFilter
{
    public string[] Outcomes { get; init; } = [];

    /// <summary>3xx, 4xx, 5xx, 6xx or none.</summary>
    public string[] Classes { get; init; } = [];

    public int[] Codes { get; init; } = [];

    public string[] Agents { get; init; } = [];

    public string[] Trunks { get; init; } = [];

    public Dictionary<string, string> Tags { get; init; } = [];
}

/// <summary>Who a rule tells, as stored: the webhooks' secrets are here and nowhere in the API's answers.</summary>
public sealed record AlertActions
{
    public string[] Emails { get; init; } = [];

    public AlertWebhook[] Webhooks { get; init; } = [];
}

/// <param name="Format"><c>json</c> (the AlertMessage, signed) or <c>slack</c> (a Slack-compatible body).</param>
/// <param name="Secret">The HMAC key the receiver checks the signature with; null for an unsigned webhook.</param>
public sealed record AlertWebhook(string Url, string Format, string? Secret);

/// <summary>One delivery of an alert, as the history shows it.</summary>
/// <param name="Channel"><c>email</c> or <c>webhook</c>.</param>
/// <param name="Target">The e-mail address or the webhook's URL.</param>
/// <param name="Status"><c>pending</c>, <c>sent</c> or <c>failed</c>.</param>
/// <param name="LastError">Why the last attempt failed, without secrets; null when it did not.</param>
public sealed record AlertDelivery(
    string Channel, string Target, string Status, int Attempts, string? LastError, DateTimeOffset? SentAt);
