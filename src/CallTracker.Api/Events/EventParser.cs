using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CallTracker.Api.Hosting;
using CallTracker.Sip;
using CallTracker.Storage.Entities;

namespace CallTracker.Api.Events;

/// <summary>An event that passed validation, with what the client should hear about it.</summary>
public sealed record ParsedEvent(CallEvent Event, List<string> Warnings);

/// <summary>
/// Turns one posted JSON object into an event, collecting every problem instead of stopping at the
/// first, so that a client fixes a whole batch in one round trip.
/// </summary>
/// <remarks>
/// Reads <see cref="JsonElement"/> by hand rather than binding a DTO: binding stops at the first bad
/// field and cannot tell "486" from 486 or a missing offset from UTC, which is exactly what clients
/// get wrong. NUL characters are removed from every string (PostgreSQL text and jsonb reject them),
/// and the event is flagged <c>nulRemoved</c>.
/// </remarks>
public sealed partial class EventParser(IngestionOptions options, CallEventEnricher enricher, PhonePrivacy privacy)
{
    private static readonly HashSet<string> KnownFields =
    [
        "eventId", "occurredAt", "sipCode", "reasonPhrase", "localCause", "headers", "sipMessage", "phoneNumber",
        "agent", "callId", "direction", "trunk", "ringing", "postDialDelayMs", "ringDurationMs", "tags", "extra",
        "fingerprint",
    ];

    /// <summary>The whole message may be large (its SDP body is dropped); what is kept is bounded below.</summary>
    private const int MaxSipMessageLength = 512 * 1024;
    private const int MaxSipHeadLength = 64 * 1024;
    private const int MaxExtraBytes = 16 * 1024;
    private const int MaxHeaders = 200;
    private const int MaxTags = 50;

    public ParsedEvent? Parse(
        JsonElement element, string path, int projectId, DateTimeOffset receivedAt, Errors errors)
    {
        try
        {
            return ParseObject(element, path, projectId, receivedAt, errors);
        }
        catch (InvalidOperationException) when (element.ValueKind == JsonValueKind.Object)
        {
            // System.Text.Json refuses to decode a lone surrogate escape such as "\ud800" as a string.
            errors.Add(path.Length == 0 ? "body" : path,
                "The event holds a string that is not valid UTF-8 or Unicode (e.g. a lone \\uD800 escape).");
            return null;
        }
    }

    private ParsedEvent? ParseObject(
        JsonElement element, string path, int projectId, DateTimeOffset receivedAt, Errors errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path.Length == 0 ? "body" : path, "An event must be a JSON object (or send an array of them).");
            return null;
        }

        var reader = new FieldReader(element, path, errors);
        var warnings = new List<string>();

        foreach (var property in element.EnumerateObject().Where(property => !KnownFields.Contains(property.Name)))
        {
            warnings.Add($"Unknown field '{property.Name}' was ignored.");
        }

        var errorsBefore = errors.Count;
        var eventId = reader.Guid("eventId") ?? Guid.NewGuid();
        var occurredAt = ReadOccurredAt(reader, receivedAt, warnings, out var reportedOccurredAt);
        var sipCode = ReadSipCode(reader);
        var localCause = ReadLocalCause(reader, warnings);
        var reasonPhrase = reader.String("reasonPhrase", 500);
        if (reasonPhrase is not null && sipCode is null && reader.Get("sipMessage") is null)
        {
            warnings.Add("reasonPhrase was given without a sipCode; the call is counted as having no final response.");
        }

        var headers = ReadHeaders(reader);
        var callId = reader.String("callId", 500);
        string? sipMessage = null;

        if (reader.String("sipMessage", MaxSipMessageLength) is { } message)
        {
            if (!SipResponseParser.TryParse(message, out var response, out var parseError))
            {
                errors.Add(reader.PathOf("sipMessage"), parseError!.Message);
            }
            else
            {
                if (sipCode is not null && sipCode != response!.Code)
                {
                    errors.Add(reader.PathOf("sipCode"),
                        $"sipCode {sipCode} disagrees with the status line of sipMessage ({response.Code}).");
                }

                if (response!.Head.Length > MaxSipHeadLength || response.Headers.Count > MaxHeaders)
                {
                    errors.Add(reader.PathOf("sipMessage"), $"sipMessage may have at most {MaxHeaders} header " +
                        $"lines and {MaxSipHeadLength / 1024} KiB before its body.");
                }

                if (reader.Get("headers") is not null || reader.Get("reasonPhrase") is not null)
                {
                    warnings.Add("headers and reasonPhrase were ignored: they are taken from sipMessage.");
                }

                foreach (var line in response!.IgnoredLines)
                {
                    warnings.Add($"sipMessage has a line that is not a header, ignored: '{line}'.");
                }

                sipCode = response.Code;
                reasonPhrase = response.ReasonPhrase;
                headers = response.Headers;
                sipMessage = Credentials.Scrub(response.Head);
                callId ??= response.Headers.GetFirst("Call-ID");
            }
        }

        var direction = reader.String("direction", 8) ?? "outbound";
        if (direction is not ("outbound" or "inbound"))
        {
            errors.Add(reader.PathOf("direction"), "direction must be 'outbound' or 'inbound'.");
        }

        var call = new CallEvent
        {
            ProjectId = projectId,
            EventId = eventId,
            OccurredAt = occurredAt ?? receivedAt,
            ReportedOccurredAt = reportedOccurredAt,
            ReceivedAt = receivedAt,
            SipCode = sipCode,
            ResponseClass = ResponseClass.Of(sipCode),
            ReasonPhrase = reasonPhrase,
            LocalCause = localCause ?? (sipCode is null ? "unknown" : null),
            PhoneNumber = reader.String("phoneNumber", 64),
            Agent = reader.String("agent", 200),
            CallId = callId,
            Direction = direction,
            Trunk = reader.String("trunk", 200),
            Ringing = reader.Boolean("ringing"),
            PostDialDelayMs = reader.Milliseconds("postDialDelayMs"),
            RingDurationMs = reader.Milliseconds("ringDurationMs"),
            Tags = ReadTags(reader),
            Extra = ReadExtra(reader),
            SipMessage = sipMessage is null ? null : reader.Clean(sipMessage),
        };

        // Credentials never reach the database: not the headers that carry them, nor passwords inside others.
        var kept = new SipHeaders((headers ?? SipHeaders.Empty)
            .Where(header => !Credentials.IsCredentialHeader(header.Name))
            .Select(header => header with { Value = Credentials.ScrubHeaderValue(header.Name, header.Value) }));
        call.Headers = CallEventEnricher.WriteHeaders(kept);
        enricher.Enrich(call, kept, privacy.Fingerprint(ReadFingerprint(reader)));

        // After the number has been read for its country and carrier, and before anything is stored.
        privacy.Apply(call);

        if (reader.NulRemoved)
        {
            call.NulRemoved = true;
            warnings.Add("NUL characters, which cannot be stored, were removed.");
        }

        if (reader.NumbersAsText)
        {
            warnings.Add("extra holds numbers past what can be stored (1e131072 and more, or more than 16383 " +
                "decimals); they were kept as text.");
        }

        return errors.Count == errorsBefore ? new ParsedEvent(call, warnings) : null;
    }

    private DateTimeOffset? ReadOccurredAt(
        FieldReader reader, DateTimeOffset receivedAt, List<string> warnings, out DateTimeOffset? reported)
    {
        reported = null;
        var value = reader.Get("occurredAt");
        if (value is null)
        {
            reader.Error("occurredAt", "occurredAt is required: when the call ended, e.g. 2026-12-04T09:15:00+07:00.");
            return null;
        }

        var occurredAt = ParseInstant(value.Value, out var problem);
        if (occurredAt is null)
        {
            reader.Error("occurredAt", $"occurredAt {problem}");
            return null;
        }

        if (occurredAt > receivedAt + options.MaxFutureSkew || occurredAt < receivedAt - options.MaxAge)
        {
            reported = occurredAt;
            warnings.Add("occurredAt was too far from the server's clock; the time received was used instead.");
            return receivedAt;
        }

        return occurredAt;
    }

    /// <summary>
    /// Reads an instant: ISO 8601 with an offset or Z, or Unix epoch milliseconds. A local time with no
    /// offset is refused rather than guessed: a CRM in UTC+7 would otherwise shift every call by 7 hours.
    /// </summary>
    public static DateTimeOffset? ParseInstant(JsonElement value, out string problem)
    {
        problem = "";
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (value.TryGetInt64(out var milliseconds) && IsPlausibleEpochMilliseconds(milliseconds))
            {
                return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
            }

            problem = "as a number must be Unix epoch milliseconds (after 2000), e.g. 1764832500000.";
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problem = "must be an ISO 8601 string with an offset, e.g. 2026-12-04T09:15:00+07:00.";
            return null;
        }

        return ParseInstant(value.GetString()!, out problem);
    }

    /// <summary>From 2000 to the end of year 9999: seconds or microseconds by mistake fall outside.</summary>
    public static bool IsPlausibleEpochMilliseconds(long milliseconds) =>
        milliseconds is >= 946_684_800_000 and <= 253_402_300_799_999;

    public static DateTimeOffset? ParseInstant(string text, out string problem)
    {
        problem = "";
        if (!IsoDateTime().IsMatch(text))
        {
            problem = $"'{Shorten(text)}' is not an ISO 8601 date and time, e.g. 2026-12-04T09:15:00+07:00.";
            return null;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            problem = $"'{Shorten(text)}' is not a valid date and time, or is out of range.";
            return null;
        }

        if (!HasOffset().IsMatch(text))
        {
            problem = $"'{Shorten(text)}' has no UTC offset: add Z or one such as +07:00.";
            return null;
        }

        return parsed.ToUniversalTime();
    }

    private static int? ReadSipCode(FieldReader reader)
    {
        var value = reader.Get("sipCode");
        if (value is null)
        {
            return null;
        }

        const string Expected = "must be a final response code 200-699, or 0 or null when the call ended with none";
        if (value.Value.ValueKind != JsonValueKind.Number)
        {
            reader.Error("sipCode", $"sipCode {Expected}; it must be a JSON number, e.g. 486.");
            return null;
        }

        // 486.0 is the same JSON number as 486; 486.5 is not a code.
        if (!value.Value.TryGetDecimal(out var number) || number != decimal.Truncate(number)
            || number is not (0 or >= ResponseClass.MinFinalCode and <= ResponseClass.MaxFinalCode))
        {
            reader.Error("sipCode", $"sipCode {Expected}; got {Shorten(value.Value.GetRawText())}.");
            return null;
        }

        return number == 0 ? null : (int)number;
    }

    private static string? ReadLocalCause(FieldReader reader, List<string> warnings)
    {
        var cause = reader.String("localCause", 64);
        if (cause is null || LocalCauses.Names.Contains(cause))
        {
            return cause;
        }

        // Refusing the event would lose a real failure because of a client's vocabulary.
        var known = string.Join(", ", LocalCauses.All.Select(local => local.Name));
        warnings.Add($"localCause '{cause}' is not one of {known}; stored as 'unknown'.");
        return "unknown";
    }

    private static SipHeaders? ReadHeaders(FieldReader reader)
    {
        var value = reader.Get("headers");
        if (value is null)
        {
            return null;
        }

        if (value.Value.ValueKind != JsonValueKind.Object)
        {
            reader.Error("headers", "headers must be an object of header name to a string or an array of strings.");
            return null;
        }

        var headers = new List<SipHeader>();
        foreach (var header in value.Value.EnumerateObject())
        {
            var name = reader.Clean(header.Name).Trim();
            var values = header.Value.ValueKind switch
            {
                JsonValueKind.String => [header.Value.GetString()!],
                JsonValueKind.Array when header.Value.EnumerateArray().All(IsString)
                    => header.Value.EnumerateArray().Select(item => item.GetString()!).ToList(),
                _ => null,
            };

            if (name.Length == 0 || values is null)
            {
                reader.Error("headers", $"header '{Shorten(name)}' must have a name and a string or array of strings.");
                continue;
            }

            headers.AddRange(values.Select(text => new SipHeader(name, reader.Clean(text))));
        }

        if (headers.Count > MaxHeaders)
        {
            reader.Error("headers", $"headers may hold at most {MaxHeaders} values.");
        }

        return new SipHeaders(headers);
    }

    /// <summary>The client's own grouping: up to 10 strings, "{{ default }}" for the default parts.</summary>
    private static List<string>? ReadFingerprint(FieldReader reader)
    {
        var value = reader.Get("fingerprint");
        if (value is null)
        {
            return null;
        }

        if (value.Value.ValueKind != JsonValueKind.Array || value.Value.GetArrayLength() is 0 or > 10
            || value.Value.EnumerateArray().Any(part => part.ValueKind != JsonValueKind.String))
        {
            reader.Error("fingerprint",
                "fingerprint must be an array of 1 to 10 strings, e.g. [\"{{ default }}\", \"crm-7\"].");
            return null;
        }

        return value.Value.EnumerateArray().Select(part => reader.Clean(part.GetString()!)).ToList();
    }

    private static string ReadTags(FieldReader reader)
    {
        var value = reader.Get("tags");
        if (value is null)
        {
            return "{}";
        }

        if (value.Value.ValueKind != JsonValueKind.Object)
        {
            reader.Error("tags", "tags must be an object of string to string, e.g. {\"campaign\": \"winter-sale\"}.");
            return "{}";
        }

        var tags = new Dictionary<string, string>();
        foreach (var tag in value.Value.EnumerateObject())
        {
            if (tag.Value.ValueKind != JsonValueKind.String)
            {
                reader.Error("tags", $"tag '{Shorten(tag.Name)}' must have a string value.");
                continue;
            }

            var name = reader.Clean(tag.Name);
            var text = reader.Clean(tag.Value.GetString()!);
            if (name.Length is 0 or > 64 || text.Length > 200)
            {
                reader.Error("tags", $"tag '{Shorten(name)}': names are 1-64 characters, values at most 200.");
                continue;
            }

            tags[name] = Credentials.Scrub(text);
        }

        if (tags.Count > MaxTags)
        {
            reader.Error("tags", $"tags may hold at most {MaxTags} entries.");
        }

        return JsonSerializer.Serialize(tags);
    }

    private static string? ReadExtra(FieldReader reader)
    {
        var value = reader.Get("extra");
        if (value is null)
        {
            return null;
        }

        if (value.Value.ValueKind != JsonValueKind.Object)
        {
            reader.Error("extra", "extra must be a JSON object.");
            return null;
        }

        // Extra data may carry a whole SIP message or a CRM's config: credentials and SDP go before it is kept.
        var json = Credentials.ScrubJson(JsonNode.Parse(reader.CleanJson(value.Value)))!.ToJsonString();
        if (Encoding.UTF8.GetByteCount(json) > MaxExtraBytes)
        {
            reader.Error("extra", $"extra may be at most {MaxExtraBytes / 1024} KiB of JSON.");
            return null;
        }

        return json;
    }

    private static bool IsString(JsonElement item) => item.ValueKind == JsonValueKind.String;

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$",
        RegexOptions.IgnoreCase)]
    private static partial Regex IsoDateTime();

    [GeneratedRegex(@"(Z|[+-]\d{2}:?\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex HasOffset();
}
