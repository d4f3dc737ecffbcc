using System.Security.Claims;
using CallTracker.Api.ErrorEvents;
using CallTracker.Api.Events;
using CallTracker.Api.Http;
using CallTracker.Api.Security;
using CallTracker.Sip;
using CallTracker.Sip.Phones;
using CallTracker.Storage;
using CallTracker.Storage.Entities;
using Microsoft.AspNetCore.Http.HttpResults;
using static CallTracker.Api.Http.Problems;

namespace CallTracker.Api.Issues;

/// <summary>Failed calls grouped like Sentry issues: what to work through each morning.</summary>
public static class IssuesEndpoints
{
    private static readonly string[] Statuses = ["unresolved", "resolved", "ignored"];
    private static readonly string[] Sorts =
        [EventQueries.SortLastSeen, EventQueries.SortFirstSeen, EventQueries.SortCount];

    public static IEndpointRouteBuilder MapIssuesEndpoints(this IEndpointRouteBuilder app)
    {
        var issues = app.MapGroup("/api/v1/issues").WithTags("Issues").RequireAuthorization(Authentication.ReadPolicy);

        issues.MapGet("", ListAsync)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("Issues (grouped failures), most recent first, or by first seen or event count");
        issues.MapGet("{id}", GetAsync)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One issue with its latest event, its reach and its failures per day");
        issues.MapGet("{id}/events", EventsAsync)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The events of one issue, newest first")
            .WithDescription(
                "Failed calls for a call issue. For an error issue (kind error) the items are error events, in " +
                "the shape of GET /api/v1/error-events.");
        issues.MapPatch("{id}", PatchAsync)
            .RequireAuthorization(Authentication.WritePolicy)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Change an issue's status: unresolved, resolved or ignored");

        return app;
    }

    /// <param name="kind">call (failed calls) or error (exceptions and messages from Sentry SDKs).</param>
    /// <param name="status">unresolved, resolved or ignored.</param>
    /// <param name="outcome">An outcome name (see /api/v1/sip/outcomes).</param>
    /// <param name="class">Response class: 3xx, 4xx, 5xx, 6xx or none.</param>
    /// <param name="code">A SIP response code.</param>
    /// <param name="from">Issues seen at or after: ISO 8601 with offset or Z, a date or epoch ms.</param>
    /// <param name="to">Issues first seen before, same forms.</param>
    /// <param name="sort">lastSeen (default), firstSeen or count; always highest first.</param>
    /// <param name="limit">Issues per page, 1-500; 50 by default.</param>
    /// <param name="cursor">The nextCursor of the previous page.</param>
    private static async Task<Results<Ok<IssuePage>, ValidationProblem>> ListAsync(
        HttpContext http, ClaimsPrincipal user, EventQueries queries, CancellationToken cancellationToken,
        string? kind = null, string? status = null, string? outcome = null, string? @class = null,
        string? code = null, string? from = null, string? to = null, string? sort = null, string? limit = null,
        string? cursor = null)
    {
        var request = http.Request;
        var errors = new Errors();
        var (start, end) = TimeRange.ParseBounds(request, from, to, errors);
        var filter = new IssueFilter(
            user.ProjectId(),
            QueryParameters.OneOf(request, "sort", sort, Sorts, errors) ?? EventQueries.SortLastSeen,
            QueryParameters.OneOf(request, "kind", kind, IssueKinds.All, errors),
            QueryParameters.OneOf(request, "status", status, Statuses, errors),
            QueryParameters.OneOf(request, "outcome", outcome, Outcome.All, errors),
            QueryParameters.OneOf(request, "class", @class, ResponseClass.Failures, errors),
            QueryParameters.WholeNumber(request, "code", code, errors),
            start,
            end);
        var pageSize = QueryParameters.PageSize(request, limit, errors);

        var after = DecodeCursor(QueryParameters.Text(request, "cursor", cursor, errors), filter.Sort, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var page = await queries.ListIssuesAsync(filter, after, pageSize + 1, cancellationToken);
        var next = page.Count > pageSize ? EncodeCursor(page[pageSize - 1], filter.Sort) : null;
        var language = Language.Of(request);
        Language.VaryByLanguage(http.Response);
        var full = PhoneAccess.SeesFullNumbers(http);
        var items = page.Take(pageSize).Select(issue => Summary(issue, language, full)).ToList();
        return TypedResults.Ok(new IssuePage { Items = items, NextCursor = next });
    }

    /// <param name="id">The issue's id.</param>
    /// <param name="tz">IANA time zone of the per-day counts, e.g. Asia/Ho_Chi_Minh; UTC by default.</param>
    private static async Task<Results<Ok<IssueDetails>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string id, HttpContext http, ClaimsPrincipal user, EventQueries queries, CancellationToken cancellationToken,
        string? tz = null)
    {
        var errors = new Errors();
        var timeZone = TimeZones.Parse(http.Request, tz, errors);
        var (issue, invalid, missing) = await FindAsync(id, user, queries, errors, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        if (issue is null)
        {
            return missing!;
        }

        var language = Language.Of(http.Request);
        Language.VaryByLanguage(http.Response);
        var full = PhoneAccess.SeesFullNumbers(http);
        var reach = await queries.IssueReachAsync(issue, cancellationToken);
        var days = await queries.IssueDaysAsync(issue, timeZone.Id, cancellationToken);
        var details = new IssueDetails
        {
            Issue = Summary(issue, language, full),
            Agents = reach.Agents,
            PhoneNumbers = reach.PhoneNumbers,
            TimeZone = timeZone.Id,
            Days = days.Select(day => new IssueDay { Day = day.Day, Count = day.Count }).ToList(),
        };

        if (issue.Kind == IssueKinds.Error)
        {
            var latestError = await queries.ListErrorsAsync(
                issue.ProjectId, null, 1, cancellationToken, issue.Fingerprint);
            return TypedResults.Ok(details with
            {
                LatestError = latestError is [var error] ? ErrorEventsEndpoints.ToDetails(error, full) : null,
            });
        }

        var latest = await queries.ListAsync(
            new EventFilter(issue.ProjectId, Fingerprint: issue.Fingerprint), null, 1, cancellationToken);
        return TypedResults.Ok(details with
        {
            LatestEvent = latest is [var call] ? EventsEndpoints.ToDetails(call, language, full) : null,
        });
    }

    /// <param name="id">The issue's id.</param>
    /// <param name="limit">Events per page, 1-500; 50 by default.</param>
    /// <param name="cursor">The nextCursor of the previous page.</param>
    private static async Task<Results<Ok<EventPage>, Ok<ErrorEventPage>, ValidationProblem, ProblemHttpResult>>
        EventsAsync(
            string id, HttpContext http, ClaimsPrincipal user, EventQueries queries,
            CancellationToken cancellationToken, string? limit = null, string? cursor = null)
    {
        var errors = new Errors();
        var pageSize = QueryParameters.PageSize(http.Request, limit, errors);
        var after = EventCursors.Decode(QueryParameters.Text(http.Request, "cursor", cursor, errors), errors);
        var (issue, invalid, missing) = await FindAsync(id, user, queries, errors, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        if (issue is null)
        {
            return missing!;
        }

        var full = PhoneAccess.SeesFullNumbers(http);
        if (issue.Kind == IssueKinds.Error)
        {
            var errorPage = await queries.ListErrorsAsync(
                issue.ProjectId, after, pageSize + 1, cancellationToken, issue.Fingerprint);
            var last = errorPage.Count > pageSize ? errorPage[pageSize - 1] : null;
            return TypedResults.Ok(new ErrorEventPage
            {
                Items = errorPage.Take(pageSize).Select(error => ErrorEventsEndpoints.ToDetails(error, full)).ToList(),
                NextCursor = last is null ? null : EventCursors.Encode(last.OccurredAt, last.EventId),
            });
        }

        var filter = new EventFilter(issue.ProjectId, Fingerprint: issue.Fingerprint);
        var page = await queries.ListAsync(filter, after, pageSize + 1, cancellationToken);
        var next = page.Count > pageSize ? EventCursors.Encode(page[pageSize - 1]) : null;
        var language = Language.Of(http.Request);
        Language.VaryByLanguage(http.Response);
        var items = page.Take(pageSize).Select(call => EventsEndpoints.ToDetails(call, language, full)).ToList();
        return TypedResults.Ok(new EventPage { Items = items, NextCursor = next });
    }

    /// <summary>
    /// What GET /issues/{id} and /issues/{id}/events do first: read the id, report the query's problems,
    /// find the issue in the caller's project.
    /// </summary>
    private static async Task<(Issue? Issue, ValidationProblem? Invalid, ProblemHttpResult? Missing)> FindAsync(
        string id, ClaimsPrincipal user, EventQueries queries, Errors errors, CancellationToken cancellationToken)
    {
        if (!long.TryParse(id, out var issueId))
        {
            errors.Add("id", BadIdMessage);
        }

        if (errors.Count > 0)
        {
            return (null, TypedResults.ValidationProblem(errors.ToDictionary()), null);
        }

        var issue = await queries.FindIssueAsync(user.ProjectId(), issueId, cancellationToken);
        return issue is null ? (null, null, NotFound(issueId)) : (issue, null, null);
    }

    /// <param name="id">The issue's id.</param>
    /// <param name="change">The new status.</param>
    private static async Task<Results<Ok<IssueSummary>, ValidationProblem, ProblemHttpResult>> PatchAsync(
        string id, IssueChange change, HttpContext http, ClaimsPrincipal user, EventQueries queries,
        CancellationToken cancellationToken)
    {
        if (!long.TryParse(id, out var issueId))
        {
            return BadId();
        }

        if (change.Status is not { } status || !Statuses.Contains(status))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["status"] = [$"status must be one of {string.Join(", ", Statuses)}."],
            });
        }

        var projectId = user.ProjectId();
        if (!await queries.SetIssueStatusAsync(projectId, issueId, status, cancellationToken))
        {
            return NotFound(issueId);
        }

        var issue = await queries.FindIssueAsync(projectId, issueId, cancellationToken);
        return TypedResults.Ok(Summary(issue!, Language.Of(http.Request), PhoneAccess.SeesFullNumbers(http)));
    }

    /// <summary>An issue as the API shows it; an error issue's title (a CRM's message) has numbers masked.</summary>
    private static IssueSummary Summary(Issue issue, string language, bool fullNumbers) => new()
    {
        Id = issue.Id,
        Kind = issue.Kind,
        Title = fullNumbers || issue.Kind != IssueKinds.Error ? issue.Title : PhoneMask.RedactDigitRuns(issue.Title),
        Outcome = issue.Outcome,
        OutcomeLabel = issue.Outcome is null ? null
            : Outcome.Labels.TryGetValue(issue.Outcome, out var label) ? label.In(language) : issue.Outcome,
        ResponseClass = issue.ResponseClass,
        SipCode = issue.SipCode,
        Q850Cause = issue.Q850Cause,
        LocalCause = issue.LocalCause,
        Trunk = issue.Trunk,
        Status = issue.Status,
        Regression = issue.Regression,
        ReopenedAt = issue.ReopenedAt,
        FirstSeen = issue.FirstSeen,
        LastSeen = issue.LastSeen,
        EventCount = issue.EventCount,
    };

    private static string EncodeCursor(Issue issue, string sort) => PageCursor.Encode(sort, sort switch
    {
        EventQueries.SortCount => issue.EventCount,
        EventQueries.SortFirstSeen => issue.FirstSeen.UtcTicks,
        _ => issue.LastSeen.UtcTicks,
    }, issue.Id);

    private static IssueCursor? DecodeCursor(string? cursor, string sort, Errors errors)
    {
        if (cursor is null)
        {
            return null;
        }

        // For the time sorts the value is UTC ticks, and a crafted one outside DateTimeOffset's range would
        // throw when the query is built.
        if (PageCursor.Decode(cursor, 3) is [_, var sortValue, var issueId]
            && long.TryParse(sortValue, out var value) && long.TryParse(issueId, out var id)
            && (sort == EventQueries.SortCount || IsTicks(value)))
        {
            return new IssueCursor(value, id);
        }

        errors.Add("cursor", PageCursor.Invalid);
        return null;
    }

    private static bool IsTicks(long value) =>
        value >= DateTimeOffset.MinValue.UtcTicks && value <= DateTimeOffset.MaxValue.UtcTicks;

    private static ValidationProblem BadId() =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [BadIdMessage] });

    private const string BadIdMessage = "id must be an issue's number.";

    private static ProblemHttpResult NotFound(long id) =>
        Problem(StatusCodes.Status404NotFound, "Not found", $"No issue {id} in this project.");
}

/// <summary>The body of PATCH /api/v1/issues/{id}.</summary>
public sealed record IssueChange
{
    /// <summary>unresolved, resolved or ignored.</summary>
    /// <example>resolved</example>
    public string? Status { get; init; }
}
