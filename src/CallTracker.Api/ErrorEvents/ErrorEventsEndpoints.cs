using System.Security.Claims;
using System.Text.Json;
using CallTracker.Api.Events;
using CallTracker.Api.Http;
using CallTracker.Api.Security;
using CallTracker.Sip.Phones;
using CallTracker.Storage;
using CallTracker.Storage.Entities;
using Microsoft.AspNetCore.Http.HttpResults;
using static CallTracker.Api.Http.Problems;

namespace CallTracker.Api.ErrorEvents;

/// <summary>Events from Sentry SDKs that carry no SIP data: CRM exceptions and log messages.</summary>
public static class ErrorEventsEndpoints
{
    public static IEndpointRouteBuilder MapErrorEventsEndpoints(this IEndpointRouteBuilder app)
    {
        var errors = app.MapGroup("/api/v1/error-events").WithTags("Error events")
            .RequireAuthorization(Authentication.ReadPolicy);

        errors.MapGet("", ListAsync)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("Error events (exceptions, log messages) sent by Sentry SDKs, newest first");

        errors.MapGet("{eventId}", GetAsync)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One error event with what the SDK sent, by its event id");

        return app;
    }

    /// <param name="limit">Events per page, a number 1-500; 50 by default.</param>
    /// <param name="cursor">The nextCursor of the previous page.</param>
    private static async Task<Results<Ok<ErrorEventPage>, ValidationProblem>> ListAsync(
        HttpContext http, ClaimsPrincipal user, EventQueries queries, CancellationToken cancellationToken,
        string? limit = null, string? cursor = null)
    {
        var errors = new Errors();
        var pageSize = QueryParameters.PageSize(http.Request, limit, errors);

        var after = EventCursors.Decode(QueryParameters.Text(http.Request, "cursor", cursor, errors), errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var page = await queries.ListErrorsAsync(user.ProjectId(), after, pageSize + 1, cancellationToken);
        var last = page.Count > pageSize ? page[pageSize - 1] : null;
        var next = last is null ? null : EventCursors.Encode(last.OccurredAt, last.EventId);
        var full = PhoneAccess.SeesFullNumbers(http);
        var items = page.Take(pageSize).Select(error => ToDetails(error, full)).ToList();
        return TypedResults.Ok(new ErrorEventPage { Items = items, NextCursor = next });
    }

    /// <param name="eventId">The Sentry event id (32 hex digits, or a UUID).</param>
    private static async Task<Results<Ok<ErrorEventDetails>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string eventId, HttpContext http, ClaimsPrincipal user, EventQueries queries,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(eventId, out var id))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["eventId"] = ["eventId must be 32 hex digits or a UUID."],
            });
        }

        var error = await queries.FindErrorAsync(user.ProjectId(), id, cancellationToken);
        return error is null
            ? Problem(StatusCodes.Status404NotFound, "Not found", $"No error event {id:N} in this project.")
            : TypedResults.Ok(ToDetails(error, PhoneAccess.SeesFullNumbers(http)));
    }

    /// <summary>
    /// An error event as the API shows it. Unless <paramref name="fullNumbers"/>, what looks like a phone
    /// number (a run of 8 or more digits) is masked in every text of it, the payload's strings included.
    /// </summary>
    public static ErrorEventDetails ToDetails(ErrorEvent error, bool fullNumbers) => new()
    {
        EventId = error.EventId.ToString("N"),
        OccurredAt = error.OccurredAt,
        ReceivedAt = error.ReceivedAt,
        Level = error.Level,
        Message = fullNumbers || error.Message is null ? error.Message : PhoneMask.RedactDigitRuns(error.Message),
        ExceptionType = error.ExceptionType,
        ExceptionValue = fullNumbers || error.ExceptionValue is null
            ? error.ExceptionValue
            : PhoneMask.RedactDigitRuns(error.ExceptionValue),
        Platform = error.Platform,
        Release = error.Release,
        Environment = error.Environment,
        Tags = JsonSerializer.Deserialize<Dictionary<string, string>>(Hide(error.Tags, fullNumbers)) ?? [],
        RequestUrl = fullNumbers || error.RequestUrl is null ? error.RequestUrl
            : PhoneMask.RedactDigitRuns(error.RequestUrl),
        UserId = error.UserId,
        Sdk = error.Sdk,
        Payload = JsonSerializer.Deserialize<JsonElement>(Hide(error.Payload, fullNumbers)),
    };

    private static string Hide(string json, bool fullNumbers) =>
        fullNumbers ? json : JsonStrings.Map(json, PhoneMask.RedactDigitRuns);
}

/// <summary>A page of error events, newest first.</summary>
public sealed record ErrorEventPage
{
    public required IReadOnlyList<ErrorEventDetails> Items { get; init; }

    /// <summary>Pass as <c>cursor</c> for the next page; null on the last page.</summary>
    public string? NextCursor { get; init; }
}

/// <summary>An event from a Sentry SDK that is not a failed call.</summary>
public sealed record ErrorEventDetails
{
    /// <summary>The Sentry event id, 32 hex digits.</summary>
    /// <example>9ec79c33ec9942ab8353589fcb2e04dc</example>
    public required string EventId { get; init; }

    /// <example>2026-12-04T02:15:00Z</example>
    public required DateTimeOffset OccurredAt { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>fatal, error, warning, info or debug.</summary>
    /// <example>error</example>
    public required string Level { get; init; }

    /// <example>Failed to load the contact list</example>
    public string? Message { get; init; }

    /// <example>TypeError</example>
    public string? ExceptionType { get; init; }

    /// <example>Cannot read properties of undefined (reading 'phone')</example>
    public string? ExceptionValue { get; init; }

    /// <example>javascript</example>
    public string? Platform { get; init; }

    /// <example>crm@4.2.0</example>
    public string? Release { get; init; }

    /// <example>production</example>
    public string? Environment { get; init; }

    public required IReadOnlyDictionary<string, string> Tags { get; init; }

    /// <example>https://crm.example.test/calls</example>
    public string? RequestUrl { get; init; }

    /// <summary>The SDK's user id (in a CRM, usually the agent).</summary>
    /// <example>agent-007</example>
    public string? UserId { get; init; }

    /// <example>sentry.javascript.browser/8.0.0</example>
    public string? Sdk { get; init; }

    /// <summary>The event as the SDK sent it, without IP address, cookies and credential headers.</summary>
    public required JsonElement Payload { get; init; }
}
