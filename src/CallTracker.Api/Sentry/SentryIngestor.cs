using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CallTracker.Api.Events;
using CallTracker.Api.Hosting;
using CallTracker.Api.Ingestion;
using CallTracker.Api.Security;
using CallTracker.Sip;
using CallTracker.Storage;
using CallTracker.Storage.Entities;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using static CallTracker.Api.Http.Problems;

namespace CallTracker.Api.Sentry;

/// <summary>Reads, authenticates, maps and stores what a Sentry SDK posts.</summary>
public sealed partial class SentryIngestor(
    CallTrackerDbContext db, EventParser parser, IngestQueue queue, ServiceMetrics metrics, IngestKeyCache keys,
    ProjectOrigins origins, IngestLimits ingestLimits, IOptions<CallTrackerOptions> options, TimeProvider clock,
    ILogger<SentryIngestor> logger)
{
    private static readonly HashSet<string> EventItems = ["event"];

    /// <summary>Relay corrects a client clock that is an hour or more off; smaller drifts are left alone.</summary>
    private static readonly TimeSpan ClockDriftToCorrect = TimeSpan.FromMinutes(55);

    public async Task<IResult> HandleAsync(
        HttpContext http, int projectId, bool isEnvelope, CancellationToken cancellationToken)
    {
        var limits = options.Value.Sentry;
        var receivedAt = clock.GetUtcNow();

        // Our own limits apply while reading (413 with CORS headers), not Kestrel's default, which would
        // answer a larger but valid envelope with a bare 413 before we could read it.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        if (http.Request.ContentLength > limits.MaxEnvelopeBytes)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Request too large",
                $"The body may be at most {limits.MaxEnvelopeBytes} bytes.");
        }

        if (!ProjectOrigins.Allows(await origins.ForProjectAsync(projectId, cancellationToken), http.Request))
        {
            return Problem(StatusCodes.Status403Forbidden, "Origin not allowed",
                "Pages on this origin may not send this project's events; an admin can add it to the " +
                "project's allowedOrigins (PATCH /api/v1/project).");
        }

        // Limits and corrupt streams surface deep inside the streaming reads, so they arrive here as
        // exceptions (thrown by LimitedStream, the decoders and EnvelopeReader) and become 413, 415 and 400.
        try
        {
            await using var body = await BodyDecoding.DecodeAsync(
                http.Request, limits.MaxEnvelopeBytes, limits.MaxDecompressedEnvelopeBytes, cancellationToken);
            return isEnvelope
                ? await EnvelopeAsync(http, projectId, body, receivedAt, cancellationToken)
                : await StoreAsync(http, projectId, body, receivedAt, cancellationToken);
        }
        catch (UnsupportedEncodingException exception)
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported encoding", exception.Message);
        }
        catch (PayloadTooLargeException exception)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Request too large", exception.Message);
        }
        catch (InvalidDataException exception)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad request",
                $"The body could not be read: {exception.Message}");
        }
    }

    private async Task<IResult> EnvelopeAsync(
        HttpContext http, int projectId, Stream body, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var limits = options.Value.Sentry;
        var reader = new EnvelopeReader(body, limits.MaxEventBytes);
        using var header = await reader.ReadHeaderAsync(cancellationToken);
        if (header is null || header.RootElement.ValueKind != JsonValueKind.Object)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad request", "The envelope is empty or has no header.");
        }

        var envelope = header.RootElement;
        var key = SentryAuth.KeyFromRequest(http.Request);
        if (key is null && SentryAuth.ParseDsn(Text(envelope, "dsn")) is { } dsn && dsn.ProjectId == projectId)
        {
            key = dsn.Key;
        }

        if (!await IsProjectKeyAsync(projectId, key, cancellationToken))
        {
            return Forbidden();
        }

        var headerEventId = ParseEventId(Text(envelope, "event_id"));
        var sentAt = PlausibleSentAt(ParseTimestamp(envelope, "sent_at"));

        // Read to the end before storing anything: a limit broken by a later item must not leave the
        // event stored behind a 413. An envelope carries at most one event, as in Sentry's protocol,
        // so this holds one payload of at most MaxEventBytes.
        byte[]? eventPayload = null;
        while (await reader.ReadItemAsync(EventItems, limits.MaxEventBytes, cancellationToken) is { } item)
        {
            if (item.Payload is null)
            {
                continue;
            }

            if (eventPayload is not null)
            {
                return Problem(StatusCodes.Status400BadRequest, "Bad request",
                    "An envelope carries at most one event.");
            }

            eventPayload = item.Payload;
        }

        if (eventPayload is null)
        {
            return Answer(headerEventId);
        }

        using var payload = ParsePayload(eventPayload);
        if (payload is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad request", "The event item is not a JSON object.");
        }

        if (await RefusedAsync(http, projectId, key!, cancellationToken) is { } refused)
        {
            return refused;
        }

        // The envelope header's event_id wins over the payload's (Sentry's envelope rules).
        var eventId = headerEventId ?? ParseEventId(Text(payload.RootElement, "event_id")) ?? Guid.NewGuid();
        return await StoreEventAsync(projectId, payload.RootElement, eventId, sentAt, receivedAt)
            ? Answer(eventId)
            : Busy();
    }

    private async Task<IResult> StoreAsync(
        HttpContext http, int projectId, Stream body, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var key = SentryAuth.KeyFromRequest(http.Request);
        if (!await IsProjectKeyAsync(projectId, key, cancellationToken))
        {
            return Forbidden();
        }

        using var buffer = new MemoryStream();
        var limited = new LimitedStream(body, options.Value.Sentry.MaxEventBytes, "event");
        await limited.CopyToAsync(buffer, cancellationToken);
        using var payload = ParsePayload(buffer.ToArray());
        if (payload is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad request", "The body is not a JSON event object.");
        }

        if (await RefusedAsync(http, projectId, key!, cancellationToken) is { } refused)
        {
            return refused;
        }

        // A missing event_id is generated, as the protocol says (Bugsink answered 500 here once).
        var eventId = ParseEventId(Text(payload.RootElement, "event_id")) ?? Guid.NewGuid();
        return await StoreEventAsync(projectId, payload.RootElement, eventId, null, receivedAt)
            ? Answer(eventId)
            : Busy();
    }

    /// <summary>Queues the event for the next commit and waits for it; false when the queue is full.</summary>
    private async Task<bool> StoreEventAsync(
        int projectId, JsonElement sentry, Guid eventId, DateTimeOffset? sentAt, DateTimeOffset receivedAt)
    {
        var occurredAt = OccurredAt(sentry, sentAt, receivedAt);
        var mapped = SentryEventMapper.Map(sentry, eventId, occurredAt, receivedAt, projectId);

        if (mapped.FailedCall is { } failedCall)
        {
            using var native = JsonDocument.Parse(failedCall.ToJsonString());
            var errors = new Errors();
            if (parser.Parse(native.RootElement, "", projectId, receivedAt, errors) is { } parsed)
            {
                return await CommitAsync([parsed.Event], [], "failed-call");
            }

            // Nothing an SDK sends is lost: SIP data that does not validate is kept as an error event.
            logger.LogWarning(
                "A Sentry event's SIP data did not validate ({Problems} problems); kept as an error event",
                errors.Count);
        }

        var error = mapped.Error ?? SentryEventMapper.ToError(sentry, eventId, occurredAt, receivedAt, projectId);
        error.OccurredAt = Plausible(error.OccurredAt, receivedAt);
        return await CommitAsync([], [error], "error");
    }

    private async Task<bool> CommitAsync(IReadOnlyList<CallEvent> calls, IReadOnlyList<ErrorEvent> errors, string kind)
    {
        if (queue.TryWrite(calls, errors) is not { } commit)
        {
            metrics.Reject("queue_full");
            return false;
        }

        var stored = await commit;
        var count = stored.Calls.Count + stored.Errors.Count;
        metrics.Stored("sentry", count, 1 - count);
        logger.LogInformation("Stored {Stored} {Kind} event from a Sentry SDK for project {ProjectId}",
            count, kind, calls.Count > 0 ? calls[0].ProjectId : errors[0].ProjectId);
        return true;
    }

    /// <summary>
    /// The event's own time, corrected by the envelope's <c>sent_at</c> when the client's clock is an hour
    /// or more off; the time received when there is none. A bad <c>sent_at</c> is simply not used.
    /// </summary>
    private static DateTimeOffset OccurredAt(JsonElement sentry, DateTimeOffset? sentAt, DateTimeOffset receivedAt)
    {
        var timestamp = ParseTimestamp(sentry, "timestamp") ?? receivedAt;
        if (sentAt is not { } sent || (receivedAt - sent).Duration() < ClockDriftToCorrect)
        {
            return timestamp;
        }

        // Sums near the ends of the calendar would overflow; such a timestamp is replaced anyway.
        var corrected = timestamp.UtcTicks + (receivedAt - sent).Ticks;
        return corrected > DateTimeOffset.MinValue.UtcTicks && corrected < DateTimeOffset.MaxValue.UtcTicks
            ? new DateTimeOffset(corrected, TimeSpan.Zero)
            : receivedAt;
    }

    /// <summary>A sent_at that could be a real clock (after 2000, within a year of ours); otherwise none.</summary>
    private DateTimeOffset? PlausibleSentAt(DateTimeOffset? sentAt) =>
        sentAt is { } sent && sent.Year >= 2000 && (clock.GetUtcNow() - sent).Duration() < TimeSpan.FromDays(366)
            ? sent
            : null;

    private DateTimeOffset Plausible(DateTimeOffset occurredAt, DateTimeOffset receivedAt)
    {
        var ingestion = options.Value.Ingestion;
        return occurredAt > receivedAt + ingestion.MaxFutureSkew || occurredAt < receivedAt - ingestion.MaxAge
            ? receivedAt
            : occurredAt;
    }

    /// <summary>RFC 3339 with any number of fraction digits and Z or an offset, or Unix seconds.</summary>
    public static DateTimeOffset? ParseTimestamp(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var seconds)
            && seconds is > 0 and < 253_402_300_799)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        // RFC 3339 only (a time without an offset is UTC, as Sentry reads it); .NET reads at most seven
        // fraction digits and Sentry SDKs send up to nine.
        var text = value.GetString()!;
        if (!Rfc3339().IsMatch(text))
        {
            return null;
        }

        text = LongFraction().Replace(text, match => match.Groups[1].Value);
        var styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, styles, out var parsed) ? parsed : null;
    }

    /// <summary>The DSN's key is this project's: from the cache of known keys, else the database.</summary>
    private async Task<bool> IsProjectKeyAsync(int projectId, string? key, CancellationToken cancellationToken) =>
        await keys.FindProjectAsync(key, db, cancellationToken) == projectId;

    /// <summary>
    /// The event as JSON that PostgreSQL and both mappings can take: valid UTF-8, no duplicate keys, no
    /// NUL characters (removed, as on the native endpoint), no lone surrogate escapes; null if not an object.
    /// </summary>
    private static JsonDocument? ParsePayload(byte[] payload)
    {
        // System.Text.Json checks UTF-8 only when a string is read, which would be too late.
        if (!System.Text.Unicode.Utf8.IsValid(payload))
        {
            throw new InvalidDataException("an event is not valid UTF-8.");
        }

        try
        {
            var strict = new JsonDocumentOptions { AllowDuplicateProperties = false };
            using var document = JsonDocument.Parse(payload, strict);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            // Breadcrumbs and extras can hold whole SIP messages: credentials and SDP go before anything
            // of the event is mapped or kept.
            var cleaned = new FieldReader(document.RootElement, "", new Errors()).CleanJson(document.RootElement);
            return JsonDocument.Parse(Credentials.ScrubJson(JsonNode.Parse(cleaned))!.ToJsonString());
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"an event is not valid JSON: {exception.Message}", exception);
        }
        catch (InvalidOperationException exception)
        {
            // Thrown by GetString for a lone surrogate escape such as "\ud800".
            throw new InvalidDataException("an event holds a string that is not valid Unicode.", exception);
        }
    }

    private static Guid? ParseEventId(string? text) =>
        Guid.TryParse(text, out var id) && id != Guid.Empty ? id : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static Ok<object> Answer(Guid? eventId) =>
        TypedResults.Ok(eventId is { } id ? new { id = id.ToString("N") } : (object)new { });

    /// <summary>
    /// The key's rate and the project's quota, for one event; a refusal also in Sentry's own header, which
    /// the SDKs obey by holding back that kind of item for the time it says.
    /// </summary>
    private async Task<IResult?> RefusedAsync(
        HttpContext http, int projectId, string key, CancellationToken cancellationToken)
    {
        if (await ingestLimits.TakeAsync(projectId, key, 1, cancellationToken) is not { } refusal)
        {
            return null;
        }

        metrics.Reject(refusal.Kind == LimitKind.Rate ? "rate_limited" : "quota_exceeded");
        http.Response.Headers.RetryAfter = refusal.RetryAfterSeconds;
        http.Response.Headers["X-Sentry-Rate-Limits"] = refusal.SentryRateLimits;
        return Problem(StatusCodes.Status429TooManyRequests, "Too many events",
            $"{refusal.Detail} This event was not stored; retry after {refusal.RetryAfterSeconds} s.");
    }

    private static ProblemHttpResult Busy() =>
        Problem(StatusCodes.Status503ServiceUnavailable, "Busy",
            "Too many events are waiting to be stored; this one was not. Retry in a second.");

    private static ProblemHttpResult Forbidden() =>
        Problem(StatusCodes.Status403Forbidden, "Forbidden",
            "The DSN's key is missing, wrong or not this project's: check the key and project id in the DSN.");

    [GeneratedRegex(@"(\.\d{7})\d+")]
    private static partial Regex LongFraction();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$")]
    private static partial Regex Rfc3339();
}
