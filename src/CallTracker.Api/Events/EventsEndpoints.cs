using System.Buffers;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using CallTracker.Api.Hosting;
using CallTracker.Api.Http;
using CallTracker.Api.Ingestion;
using CallTracker.Api.Security;
using CallTracker.Sip;
using CallTracker.Sip.Phones;
using CallTracker.Storage;
using CallTracker.Storage.Entities;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using static CallTracker.Api.Http.Problems;

namespace CallTracker.Api.Events;

/// <summary>Failed-call events: the CRM posts them, ops read them back.</summary>
public static class EventsEndpoints
{
    public const string IngestCorsPolicy = IngestCorsPolicyProvider.NativePolicy;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapEventsEndpoints(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/api/v1/events").WithTags("Events");

        events.MapPost("", IngestAsync)
            .RequireAuthorization(Authentication.IngestPolicy)
            .RequireCors(IngestCorsPolicy)
            .WithMetadata(new EventBatchBody())
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Report failed calls (one event, or an array of up to 1,000)")
            .WithDescription(
                "Authenticate with the project's ingest key in X-CallTracker-Key, or in the `key` query " +
                "parameter for browsers. JSON may be sent as text/plain so that a page can post without a " +
                "CORS preflight (at unload, say). A batch is all or nothing: a 400 lists every bad field of " +
                "every bad event by index, and nothing is stored. The 202 comes after the events are committed.");

        events.MapGet("", ListAsync)
            .RequireAuthorization(Authentication.ReadPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("List events, newest first")
            .WithDescription("Every event of the project, answered calls included, unless narrowed: there is " +
                "no default time range. Keyset pagination: pass the response's nextCursor as `cursor`.");

        events.MapGet("{eventId}", GetAsync)
            .RequireAuthorization(Authentication.ReadPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("One event with every stored field, by the client's eventId");

        return app;
    }

    private static async Task<Results<Accepted<IngestResult>, ValidationProblem, ProblemHttpResult>> IngestAsync(
        HttpContext http, ClaimsPrincipal user, EventParser parser, IngestQueue queue, ServiceMetrics metrics,
        ProjectOrigins origins, IngestLimits ingestLimits, IOptions<CallTrackerOptions> options, TimeProvider clock,
        ILogger<EventParser> logger, CancellationToken cancellationToken)
    {
        var limits = options.Value.Ingestion;

        if (!ProjectOrigins.Allows(await origins.ForProjectAsync(user.ProjectId(), cancellationToken), http.Request))
        {
            metrics.Reject("origin");
            return Problem(StatusCodes.Status403Forbidden, "Origin not allowed",
                "Pages on this origin may not post this project's events; an admin can add it to the " +
                "project's allowedOrigins (PATCH /api/v1/project).");
        }

        if (!IsAcceptedContentType(http.Request.ContentType))
        {
            metrics.Reject("unsupported_media_type");
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                "Send the events as JSON with Content-Type application/json (or text/plain from a browser).");
        }

        var body = await ReadBodyAsync(http.Request, limits.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            metrics.Reject("too_large");
            return Problem(StatusCodes.Status413PayloadTooLarge, "Request too large",
                $"The body may be at most {limits.MaxBodyBytes} bytes; send fewer events per request.");
        }

        var (document, syntaxError) = ParseJson(body);
        using var _ = document;
        if (document is null)
        {
            metrics.Reject("invalid");
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [syntaxError!] },
                title: "The body is not valid JSON.");
        }

        var receivedAt = clock.GetUtcNow();
        var projectId = user.ProjectId();
        var errors = new Errors();
        var parsed = ParseEvents(document.RootElement, parser, projectId, receivedAt, limits, errors);
        if (errors.Count > 0)
        {
            metrics.Reject("invalid", Math.Max(1, parsed.Count));
            return TypedResults.ValidationProblem(errors.ToDictionary(),
                title: "Nothing was stored: fix every field listed, then post the whole request again.");
        }

        var unique = parsed.DistinctBy(item => item.Event.EventId).Select(item => item.Event).ToList();
        var refusal = await ingestLimits.TakeAsync(
            projectId, Authentication.IngestKeyOf(http.Request)!, unique.Count, cancellationToken);
        if (refusal is { Kind: LimitKind.TooLarge })
        {
            metrics.Reject("too_large", parsed.Count);
            return Problem(StatusCodes.Status413PayloadTooLarge, "Too many events in one request",
                $"{refusal.Detail} Nothing of this request was stored.");
        }

        if (refusal is not null)
        {
            metrics.Reject(refusal.Kind == LimitKind.Rate ? "rate_limited" : "quota_exceeded", parsed.Count);
            http.Response.Headers.RetryAfter = refusal.RetryAfterSeconds;
            return Problem(StatusCodes.Status429TooManyRequests, "Too many events",
                $"{refusal.Detail} Nothing of this request was stored; retry after {refusal.RetryAfterSeconds} s.");
        }

        // Everything that can reject an event has happened; from here on it is only waiting for the commit.
        if (queue.TryWrite(unique, []) is not { } commit)
        {
            metrics.Reject(queue.IsStopping ? "stopping" : "queue_full", parsed.Count);
            http.Response.Headers.RetryAfter = "1";
            return Problem(StatusCodes.Status503ServiceUnavailable, queue.IsStopping ? "Stopping" : "Busy",
                queue.IsStopping
                    ? "The service is stopping; nothing of this request was stored. Retry in a second."
                    : "Too many events are waiting to be stored; nothing of this request was. Retry in a second.");
        }

        var stored = (await commit).Calls.Select(key => key.EventId).ToHashSet();
        metrics.Stored("native", stored.Count, parsed.Count - stored.Count);

        var results = new List<IngestedEvent>(parsed.Count);
        var claimed = new HashSet<Guid>();
        foreach (var item in parsed)
        {
            // The first occurrence in the request is the one stored; any repeat is a duplicate.
            var isNew = stored.Contains(item.Event.EventId) && claimed.Add(item.Event.EventId);
            results.Add(new IngestedEvent
            {
                EventId = item.Event.EventId,
                Status = isNew ? "stored" : "duplicate",
                Warnings = item.Warnings,
            });
        }

        logger.LogInformation("Stored {Stored} of {Posted} events for project {ProjectId}",
            stored.Count, parsed.Count, projectId);
        return TypedResults.Accepted((string?)null, new IngestResult
        {
            Stored = stored.Count,
            Duplicates = parsed.Count - stored.Count,
            Events = results,
        });
    }

    private static List<ParsedEvent> ParseEvents(
        JsonElement root, EventParser parser, int projectId, DateTimeOffset receivedAt, IngestionOptions limits,
        Errors errors)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            return parser.Parse(root, "", projectId, receivedAt, errors) is { } single ? [single] : [];
        }

        var count = root.GetArrayLength();
        if (count == 0 || count > limits.MaxEventsPerRequest)
        {
            errors.Add("body", $"Send between 1 and {limits.MaxEventsPerRequest} events; got {count}.");
            return [];
        }

        var events = new List<ParsedEvent>(count);
        var index = 0;
        foreach (var element in root.EnumerateArray())
        {
            if (parser.Parse(element, $"[{index}]", projectId, receivedAt, errors) is { } parsed)
            {
                events.Add(parsed);
            }

            index++;
        }

        return events;
    }

    private static bool IsAcceptedContentType(string? contentType)
    {
        var mediaType = contentType?.Split(';')[0].Trim();
        return mediaType is not null && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Reads the body up to the limit; <c>null</c> when it is larger, without reading the rest.</summary>
    private static async Task<byte[]?> ReadBodyAsync(
        HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    private static (JsonDocument? Document, string? Error) ParseJson(byte[] body)
    {
        var json = body.AsMemory();
        if (json.Span.StartsWith(Encoding.UTF8.Preamble))
        {
            json = json[Encoding.UTF8.Preamble.Length..];
        }

        try
        {
            var document = JsonDocument.Parse(json, new JsonDocumentOptions
            {
                MaxDepth = 32,
                AllowDuplicateProperties = false,
            });
            return (document, null);
        }
        catch (JsonException exception)
        {
            return (null, exception.Message);
        }
    }

    /// <param name="from">Events that ended at or after: ISO 8601 with offset or Z, a date or epoch ms.</param>
    /// <param name="to">Events that ended before this instant, same forms.</param>
    /// <param name="class">Response class: 2xx (answered), 3xx, 4xx, 5xx, 6xx or none.</param>
    /// <param name="code">A SIP response code, a number 200-699.</param>
    /// <param name="agent">The agent's id, exactly as posted.</param>
    /// <param name="outcome">An outcome: busy, no_answer, unreachable, ... (see /api/v1/sip/outcomes).</param>
    /// <param name="limit">Events per page, a number 1-500; 50 by default.</param>
    /// <param name="cursor">The nextCursor of the previous page.</param>
    private static async Task<Results<Ok<EventPage>, ValidationProblem>> ListAsync(
        HttpContext http, ClaimsPrincipal user, EventQueries queries, CancellationToken cancellationToken,
        string? from = null, string? to = null, string? @class = null, string? code = null, string? agent = null,
        string? outcome = null, string? limit = null, string? cursor = null)
    {
        var errors = new Errors();
        var request = http.Request;
        var (start, end) = TimeRange.ParseBounds(request, from, to, errors);
        var responseClass = QueryParameters.Text(request, "class", @class, errors);
        var sipCode = QueryParameters.WholeNumber(request, "code", code, errors);
        var agentId = QueryParameters.Text(request, "agent", agent, errors);
        var outcomeName = QueryParameters.Text(request, "outcome", outcome, errors);
        if (outcomeName is not null && !Outcome.All.Contains(outcomeName))
        {
            errors.Add("outcome", $"outcome must be one of {string.Join(", ", Outcome.All)}.");
        }
        var pageSize = QueryParameters.PageSize(request, limit, errors);

        if (responseClass is not null && !ResponseClass.All.Contains(responseClass))
        {
            errors.Add("class", $"class must be one of {string.Join(", ", ResponseClass.All)}.");
        }

        if (sipCode is not null && !ResponseClass.IsFinalCode(sipCode.Value))
        {
            errors.Add("code", "code must be a final response code, 200-699.");
        }

        var after = EventCursors.Decode(QueryParameters.Text(request, "cursor", cursor, errors), errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var filter = new EventFilter(user.ProjectId(), start, end, responseClass, sipCode, agentId, outcomeName);
        var page = await queries.ListAsync(filter, after, pageSize + 1, cancellationToken);

        var next = page.Count > pageSize ? EventCursors.Encode(page[pageSize - 1]) : null;
        var language = Language.Of(http.Request);
        Language.VaryByLanguage(http.Response);
        var full = PhoneAccess.SeesFullNumbers(http);
        var items = page.Take(pageSize).Select(call => ToDetails(call, language, full)).ToList();
        return TypedResults.Ok(new EventPage { Items = items, NextCursor = next });
    }

    /// <param name="eventId">The client's eventId (a UUID).</param>
    private static async Task<Results<Ok<EventDetails>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string eventId, HttpContext http, ClaimsPrincipal user, EventQueries queries,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(eventId, out var id))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["eventId"] = ["eventId must be a UUID such as 3f2b8c1e-0d4a-4e7b-9c61-5a2f0e9d7b10."],
            });
        }

        var call = await queries.FindAsync(user.ProjectId(), id, cancellationToken);
        Language.VaryByLanguage(http.Response);
        return call is null
            ? Problem(StatusCodes.Status404NotFound, "Not found", $"No event {id} in this project.")
            : TypedResults.Ok(ToDetails(call, Language.Of(http.Request), PhoneAccess.SeesFullNumbers(http)));
    }

    /// <summary>
    /// An event as the API shows it. Unless <paramref name="fullNumbers"/>, the phone number is masked, and
    /// hidden wherever else it appears: headers, the raw response, tags and extra data.
    /// </summary>
    internal static EventDetails ToDetails(CallEvent call, string language, bool fullNumbers)
    {
        // A token (numbers stored as HMAC) is shown as it is: it hides the number already. Other numbers (the
        // caller's in From, a diverting party's, a number a CRM put in a tag) are masked as any long digit run.
        var masked = !fullNumbers && call.PhoneNumber is { Length: > 0 } && !PhonePseudonyms.IsToken(call.PhoneNumber);
        string Hide(string text) => fullNumbers ? text
            : PhoneMask.RedactDigitRuns(masked ? PhoneMask.Redact(text, call.PhoneE164, call.PhoneNumber!) : text);
        string? HideOptional(string? text) => text is null ? null : Hide(text);

        var stored = CallEventEnricher.ReadHeaders(call.Headers);
        // Keyed by long name, so that "i" and "call-id" are found as Call-ID; values in wire order.
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        var byName = stored.GroupBy(header => SipHeaders.LongName(header.Name), StringComparer.OrdinalIgnoreCase);
        foreach (var group in byName)
        {
            headers[group.Key] = group.Select(header => Hide(header.Value)).ToList();
        }

        // The explanation follows the same rules that chose the outcome, in the language asked for.
        var reasons = ReasonHeader.ParseAll(stored.GetAll("Reason"));
        var decision = OutcomeRules.Decide(call.SipCode, reasons, call.LocalCause);
        var outcome = call.Outcome ?? decision.Outcome;

        return new EventDetails
        {
            EventId = call.EventId,
            OccurredAt = call.OccurredAt,
            ReportedOccurredAt = call.ReportedOccurredAt,
            ReceivedAt = call.ReceivedAt,
            SipCode = call.SipCode,
            ResponseClass = call.ResponseClass,
            ReasonPhrase = call.ReasonPhrase,
            StandardPhrase = call.SipCode is { } code ? SipStatusCodes.StandardPhrase(code) : null,
            LocalCause = call.LocalCause,
            Outcome = outcome,
            OutcomeLabel = Outcome.Labels[outcome].In(language),
            OutcomeBasis = call.OutcomeBasis ?? decision.Basis,
            Meaning = decision.Meaning.In(language),
            Remedy = decision.Remedy.In(language),
            Q850Cause = call.Q850Cause,
            Reasons = JsonSerializer.Deserialize<List<ReasonDetails>>(call.Reasons, Json) ?? [],
            SipWarnings = JsonSerializer.Deserialize<List<WarningDetails>>(call.SipWarnings, Json) ?? [],
            RetryAfterSeconds = call.RetryAfterSeconds,
            ReasonProtocol = call.ReasonProtocol,
            ReasonCause = call.ReasonCause,
            ReasonText = call.ReasonText,
            Headers = headers,
            SipMessage = HideOptional(call.SipMessage),
            PhoneNumber = masked ? PhoneMask.Mask(call.PhoneE164, call.PhoneNumber!) : call.PhoneNumber,
            PhoneMasked = masked,
            Phone = call.PhoneValid is null ? null : new PhoneDetails
            {
                E164 = masked ? null : call.PhoneE164,
                Region = call.PhoneRegion,
                Type = call.PhoneType,
                Valid = call.PhoneValid.Value,
                Carrier = call.PhoneCarrier,
                Extension = call.PhoneExtension,
                Converted = call.PhoneConverted,
                Problem = call.PhoneProblem,
            },
            Agent = call.Agent,
            CallId = HideOptional(call.CallId),
            Direction = call.Direction,
            Trunk = call.Trunk,
            Ringing = call.Ringing,
            PostDialDelayMs = call.PostDialDelayMs,
            RingDurationMs = call.RingDurationMs,
            Tags = JsonSerializer.Deserialize<Dictionary<string, string>>(JsonStrings.Map(call.Tags, Hide)) ?? [],
            Extra = call.Extra is null ? null
                : JsonSerializer.Deserialize<JsonElement>(JsonStrings.Map(call.Extra, Hide)),
            NulRemoved = call.NulRemoved,
        };
    }

}

/// <summary>Event list cursors: the last event's time and id.</summary>
internal static class EventCursors
{
    public static string Encode(CallEvent last) => Encode(last.OccurredAt, last.EventId);

    public static string Encode(DateTimeOffset occurredAt, Guid eventId) =>
        PageCursor.Encode(occurredAt.UtcTicks, eventId.ToString("N"));

    public static EventCursor? Decode(string? cursor, Errors errors)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        if (PageCursor.Decode(cursor, 2) is [var time, var eventId]
            && long.TryParse(time, out var ticks) && Guid.TryParse(eventId, out var id)
            && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks)
        {
            return new EventCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
        }

        errors.Add("cursor", PageCursor.Invalid);
        return null;
    }
}
