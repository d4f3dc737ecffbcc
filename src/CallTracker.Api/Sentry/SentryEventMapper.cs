using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CallTracker.Sip;
using CallTracker.Storage.Entities;

namespace CallTracker.Api.Sentry;

/// <summary>What a Sentry event became: a failed call (in the native contract's shape) or an error event.</summary>
public sealed record MappedEvent(JsonObject? FailedCall, ErrorEvent? Error);

/// <summary>
/// Turns a Sentry event into a CallTracker event. The convention, most specific first:
/// <list type="number">
/// <item>a context <c>sip</c>: an object with the native event's fields (<c>sipCode</c>, <c>reasonPhrase</c>,
/// <c>headers</c>, <c>sipMessage</c>, <c>phoneNumber</c>, <c>agent</c>, <c>callId</c>, <c>localCause</c>, ...);</item>
/// <item>tags: <c>sip.code</c> or <c>sip.status</c>, <c>sip.reason</c>, <c>sip.call_id</c>,
/// <c>sip.local_cause</c>, <c>phone</c>, <c>agent</c>, <c>trunk</c>;</item>
/// <item>extras of the native names (and <c>phone</c>, <c>to</c> for the number);</item>
/// <item><c>user.id</c> names the agent when nothing else does.</item>
/// </list>
/// An event with a SIP code, a raw SIP message or a local cause is a failed call; any other is an error.
/// </summary>
public static class SentryEventMapper
{
    private static readonly string[] NativeFields =
    [
        "sipCode", "reasonPhrase", "localCause", "headers", "sipMessage", "phoneNumber", "agent", "callId",
        "direction", "trunk", "ringing", "postDialDelayMs", "ringDurationMs",
    ];

    /// <summary>Tag names of the convention, with the native field each one fills.</summary>
    private static readonly (string Tag, string Field)[] TagFields =
    [
        ("sip.code", "sipCode"), ("sip.status", "sipCode"), ("sip.status_code", "sipCode"),
        ("sip.reason", "reasonPhrase"), ("sip.call_id", "callId"), ("sip.local_cause", "localCause"),
        ("phone", "phoneNumber"), ("agent", "agent"), ("trunk", "trunk"),
    ];

    public static MappedEvent Map(
        JsonElement sentry, Guid eventId, DateTimeOffset occurredAt, DateTimeOffset receivedAt, int projectId)
    {
        var tags = Tags(sentry);
        var sip = new JsonObject();

        // Least specific first, so that a more specific place overwrites what a general one said.
        if (sentry.TryGetProperty("extra", out var extra) && extra.ValueKind == JsonValueKind.Object)
        {
            Copy(extra, sip);
            CopyAlias(extra, sip, "phone", "phoneNumber");
            CopyAlias(extra, sip, "to", "phoneNumber");
        }

        foreach (var (tag, field) in TagFields)
        {
            if (tags.TryGetValue(tag, out var value))
            {
                sip[field] = field == "sipCode" ? CodeNode(value) : JsonValue.Create(value);
            }
        }

        var hasContext = sentry.TryGetProperty("contexts", out var contexts)
            && contexts.ValueKind == JsonValueKind.Object
            && contexts.TryGetProperty("sip", out var context) && context.ValueKind == JsonValueKind.Object;
        if (hasContext)
        {
            Copy(contexts.GetProperty("sip"), sip);
        }

        if (!sip.ContainsKey("agent") && UserId(sentry) is { } user)
        {
            sip["agent"] = user;
        }

        var isFailedCall = hasContext || sip.ContainsKey("sipCode") || sip.ContainsKey("sipMessage")
            || sip.ContainsKey("localCause");
        if (!isFailedCall)
        {
            return new MappedEvent(null, ToError(sentry, eventId, occurredAt, receivedAt, projectId, tags));
        }

        // Sentry's own fingerprint ({{ default }} included) carries over to the issue.
        if (sentry.TryGetProperty("fingerprint", out var fingerprint) && fingerprint.ValueKind == JsonValueKind.Array)
        {
            sip["fingerprint"] = JsonNode.Parse(fingerprint.GetRawText());
        }

        sip["eventId"] = eventId.ToString();
        sip["occurredAt"] = occurredAt.ToString("O", CultureInfo.InvariantCulture);
        sip["tags"] = new JsonObject(tags
            .Where(tag => !TagFields.Any(known => known.Tag == tag.Key))
            .Take(50)
            .Select(tag => KeyValuePair.Create(tag.Key, (JsonNode?)JsonValue.Create(tag.Value))));
        sip["extra"] = new JsonObject
        {
            ["sentry"] = new JsonObject
            {
                ["message"] = Message(sentry),
                ["level"] = Text(sentry, "level"),
                ["release"] = Text(sentry, "release"),
                ["environment"] = Text(sentry, "environment"),
                ["platform"] = Text(sentry, "platform"),
            },
        };
        return new MappedEvent(sip, null);
    }

    /// <summary>The error event a failed-call mapping falls back to when its SIP data does not validate.</summary>
    public static ErrorEvent ToError(
        JsonElement sentry, Guid eventId, DateTimeOffset occurredAt, DateTimeOffset receivedAt, int projectId,
        IReadOnlyDictionary<string, string>? tags = null)
    {
        var exception = LastException(sentry);
        var request = sentry.TryGetProperty("request", out var requestValue)
            && requestValue.ValueKind == JsonValueKind.Object
                ? requestValue
                : (JsonElement?)null;

        var exceptionType = exception is { } type ? Text(type, "type") : null;
        var exceptionValue = exception is { } value ? Text(value, "value") : null;
        var message = Message(sentry);
        var defaults = IssueFingerprint.ErrorDefaultParts(exceptionType, exceptionValue, message);

        return new ErrorEvent
        {
            ProjectId = projectId,
            EventId = eventId,
            OccurredAt = occurredAt,
            ReceivedAt = receivedAt,
            Level = Text(sentry, "level") is { Length: > 0 and <= 16 } level ? level : "error",
            Message = message,
            ExceptionType = exceptionType,
            ExceptionValue = exceptionValue,
            Platform = Truncate(Text(sentry, "platform"), 64),
            Release = Text(sentry, "release"),
            Environment = Text(sentry, "environment"),
            Tags = JsonSerializer.Serialize(tags ?? Tags(sentry)),
            RequestUrl = request is { } url ? Text(url, "url") : null,
            UserId = UserId(sentry),
            Sdk = sentry.TryGetProperty("sdk", out var sdk) && sdk.ValueKind == JsonValueKind.Object
                ? $"{Text(sdk, "name")}/{Text(sdk, "version")}"
                : null,
            Payload = WithoutPersonalData(sentry),
            Fingerprint = IssueFingerprint.HashError(IssueFingerprint.Resolve(ClientFingerprint(sentry), defaults)),
            IssueTitle = IssueFingerprint.ErrorTitle(exceptionType, exceptionValue, message),
        };
    }

    /// <summary>Sentry's fingerprint array, when it is one of strings (others are ignored, as Sentry does).</summary>
    private static List<string>? ClientFingerprint(JsonElement sentry) =>
        sentry.TryGetProperty("fingerprint", out var fingerprint) && fingerprint.ValueKind == JsonValueKind.Array
            && fingerprint.GetArrayLength() is > 0 and <= 10
            && fingerprint.EnumerateArray().All(part => part.ValueKind == JsonValueKind.String)
                ? fingerprint.EnumerateArray()
                    .Select(part => part.GetString()!.Replace("\0", "", StringComparison.Ordinal))
                    .ToList()
                : null;

    /// <summary>Tags as Sentry allows them: an object of string values, or an array of [key, value] pairs.</summary>
    public static Dictionary<string, string> Tags(JsonElement sentry)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!sentry.TryGetProperty("tags", out var value))
        {
            return tags;
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var tag in value.EnumerateObject())
            {
                tags[tag.Name] = Scalar(tag.Value);
            }
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var pair in value.EnumerateArray().Where(pair => pair.ValueKind == JsonValueKind.Array))
            {
                if (pair.GetArrayLength() == 2 && pair[0].ValueKind == JsonValueKind.String)
                {
                    tags[pair[0].GetString()!] = Scalar(pair[1]);
                }
            }
        }

        return tags;
    }

    /// <summary>"486" from a tag becomes the number 486; anything else stays text, for the validator.</summary>
    private static JsonValue? CodeNode(string value) =>
        int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            ? JsonValue.Create(code)
            : JsonValue.Create(value);

    private static void Copy(JsonElement source, JsonObject target)
    {
        foreach (var field in NativeFields)
        {
            if (source.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                target[field] = field == "sipCode" && value.ValueKind == JsonValueKind.String
                    ? CodeNode(value.GetString()!)
                    : JsonNode.Parse(value.GetRawText());
            }
        }
    }

    private static void CopyAlias(JsonElement source, JsonObject target, string alias, string field)
    {
        if (!target.ContainsKey(field) && source.TryGetProperty(alias, out var value)
            && value.ValueKind == JsonValueKind.String)
        {
            target[field] = value.GetString();
        }
    }

    private static string? Message(JsonElement sentry)
    {
        if (!sentry.TryGetProperty("message", out var message))
        {
            return sentry.TryGetProperty("logentry", out var entry)
                ? Text(entry, "formatted") ?? Text(entry, "message")
                : null;
        }

        return message.ValueKind == JsonValueKind.String
            ? message.GetString()
            : message.ValueKind == JsonValueKind.Object ? Text(message, "formatted") ?? Text(message, "message") : null;
    }

    private static JsonElement? LastException(JsonElement sentry)
    {
        if (!sentry.TryGetProperty("exception", out var exception))
        {
            return null;
        }

        var values = exception.ValueKind == JsonValueKind.Object && exception.TryGetProperty("values", out var list)
            ? list
            : exception;
        return values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0
            ? values[values.GetArrayLength() - 1]
            : null;
    }

    private static string? UserId(JsonElement sentry) =>
        sentry.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object ? Text(user, "id") : null;

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            && value.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? Scalar(value)
            : null;

    private static string Scalar(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    private static string? Truncate(string? text, int length) =>
        text is null || text.Length <= length ? text : text[..length];

    /// <summary>
    /// The payload without what identifies a person's machine or session: the user's IP address, cookies,
    /// and credential or cookie headers of the captured request.
    /// </summary>
    private static string WithoutPersonalData(JsonElement sentry)
    {
        var node = JsonNode.Parse(sentry.GetRawText())!.AsObject();
        if (node["user"] is JsonObject user)
        {
            user.Remove("ip_address");
        }

        if (node["request"] is JsonObject request)
        {
            request.Remove("cookies");
            request.Remove("env");
            if (request["headers"] is JsonObject headers)
            {
                foreach (var name in headers.Select(header => header.Key).ToList()
                    .Where(name => name.Equals("Cookie", StringComparison.OrdinalIgnoreCase)
                        || name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
                        || name.Equals("X-Forwarded-For", StringComparison.OrdinalIgnoreCase)))
                {
                    headers.Remove(name);
                }
            }
        }

        return node.ToJsonString();
    }
}
