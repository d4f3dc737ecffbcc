using System.Security.Claims;
using CallTracker.Api.Events;
using CallTracker.Api.Http;
using CallTracker.Api.Security;
using CallTracker.Sip;
using CallTracker.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallTracker.Api.Reports;

/// <summary>Reports over failed calls. Answered calls (2xx) are stored but never counted here.</summary>
public static class ReportsEndpoints
{
    private static readonly TimeSpan DefaultRange = TimeSpan.FromHours(24);

    public static IEndpointRouteBuilder MapReportsEndpoints(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/api/v1/reports").WithTags("Reports");

        reports.MapGet("classes", ClassesAsync)
            .RequireAuthorization(Authentication.ReadPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Failed calls per SIP response class, with the codes inside each")
            .WithDescription(
                "Classes 3xx, 4xx, 5xx, 6xx and `none` (the call ended with no final response; broken down " +
                "by local cause) are always listed, in that order, with zero counts too. The range is " +
                "[from, to) by the time the call ended; the default is the last 24 hours.");

        reports.MapGet("outcomes", OutcomesAsync)
            .RequireAuthorization(Authentication.ReadPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Failed calls per outcome: busy, no answer, unreachable, network error, ...")
            .WithDescription(
                "Every failure outcome is listed, in a fixed order, with zero counts too, and the codes that " +
                "led to it. Labels follow Accept-Language (en, vi). Same range and filters as the class report.");

        return app;
    }

    /// <param name="from">Start (inclusive): ISO 8601 with offset or Z, date or epoch ms; default 24 h ago.</param>
    /// <param name="to">End of the range (exclusive), same forms. Default: now.</param>
    /// <param name="agent">Only this agent's calls, by the id posted.</param>
    private static async Task<Results<Ok<ClassReport>, ValidationProblem>> ClassesAsync(
        HttpContext http, ClaimsPrincipal user, EventQueries queries, TimeProvider clock,
        CancellationToken cancellationToken, string? from = null, string? to = null, string? agent = null)
    {
        var (scope, problem) = await ReadScopeAsync(http, user, queries, clock, from, to, agent, cancellationToken);
        if (scope is null)
        {
            return problem!;
        }

        var (range, agentId, counts, language) = scope;

        var total = counts.Sum(count => count.Count);
        var classes = ResponseClass.Failures.Select(responseClass =>
        {
            var inClass = counts.Where(count => count.ResponseClass == responseClass).ToList();
            var classTotal = inClass.Sum(count => count.Count);

            var codes = inClass.Where(count => count.SipCode is not null)
                .GroupBy(count => count.SipCode!.Value)
                .Select(group => new CodeCount(responseClass, group.Key, null, "", group.Sum(count => count.Count)))
                .OrderByDescending(count => count.Count).ThenBy(count => count.SipCode)
                .Select(count => new CodeShare
                {
                    Code = count.SipCode!.Value,
                    Phrase = SipStatusCodes.StandardPhrase(count.SipCode.Value),
                    Count = count.Count,
                    Share = Share(count.Count, classTotal),
                })
                .ToList();

            var causes = inClass.Where(count => count.SipCode is null)
                .GroupBy(count => count.LocalCause ?? LocalCauses.Unknown)
                .Select(group => new CodeCount(responseClass, null, group.Key, "", group.Sum(count => count.Count)))
                .OrderByDescending(count => count.Count).ThenBy(count => count.LocalCause)
                .Select(count => new LocalCauseShare
                {
                    LocalCause = count.LocalCause ?? "unknown",
                    Count = count.Count,
                    Share = Share(count.Count, classTotal),
                })
                .ToList();

            return new ClassShare
            {
                Class = responseClass,
                Count = classTotal,
                Share = Share(classTotal, total),
                Codes = codes,
                LocalCauses = causes,
                Outcomes = OutcomeShares(inClass, classTotal, language, includeZeroes: false),
            };
        }).ToList();

        return TypedResults.Ok(new ClassReport
        {
            From = range.From,
            To = range.To,
            Agent = agentId,
            Total = total,
            Classes = classes,
        });
    }

    /// <param name="from">Start (inclusive): ISO 8601 with offset or Z, date or epoch ms; default 24 h ago.</param>
    /// <param name="to">End of the range (exclusive), same forms. Default: now.</param>
    /// <param name="agent">Only this agent's calls, by the id posted.</param>
    private static async Task<Results<Ok<OutcomeReport>, ValidationProblem>> OutcomesAsync(
        HttpContext http, ClaimsPrincipal user, EventQueries queries, TimeProvider clock,
        CancellationToken cancellationToken, string? from = null, string? to = null, string? agent = null)
    {
        var (scope, problem) = await ReadScopeAsync(http, user, queries, clock, from, to, agent, cancellationToken);
        if (scope is null)
        {
            return problem!;
        }

        var (range, agentId, counts, language) = scope;
        var total = counts.Sum(count => count.Count);

        return TypedResults.Ok(new OutcomeReport
        {
            From = range.From,
            To = range.To,
            Agent = agentId,
            Total = total,
            Outcomes = OutcomeShares(counts, total, language, includeZeroes: true),
        });
    }

    /// <summary>Failures per outcome, in the catalogue's order, with the codes that led to each.</summary>
    private static List<OutcomeShare> OutcomeShares(
        IReadOnlyList<CodeCount> counts, long total, string language, bool includeZeroes) =>
        Outcome.All.Where(outcome => outcome != Outcome.Answered)
            .Select(outcome =>
            {
                var matching = counts.Where(count => count.Outcome == outcome).ToList();
                var count = matching.Sum(item => item.Count);
                return new OutcomeShare
                {
                    Outcome = outcome,
                    Label = Outcome.Labels[outcome].In(language),
                    Count = count,
                    Share = Share(count, total),
                    Codes = matching.Where(item => item.SipCode is not null)
                        .GroupBy(item => item.SipCode!.Value)
                        .Select(group => new OutcomeCode { Code = group.Key, Count = group.Sum(item => item.Count) })
                        .OrderByDescending(code => code.Count).ThenBy(code => code.Code)
                        .ToList(),
                };
            })
            .Where(share => includeZeroes || share.Count > 0)
            .ToList();

    /// <summary>What both reports read first: the range and agent asked for, the counts, the language.</summary>
    private sealed record ReportScope(TimeRange Range, string? Agent, List<CodeCount> Counts, string Language);

    private static async Task<(ReportScope? Scope, ValidationProblem? Problem)> ReadScopeAsync(
        HttpContext http, ClaimsPrincipal user, EventQueries queries, TimeProvider clock, string? from, string? to,
        string? agent, CancellationToken cancellationToken)
    {
        var errors = new Errors();
        var range = TimeRange.Parse(http.Request, from, to, clock.GetUtcNow(), DefaultRange, errors);
        var agentId = QueryParameters.Text(http.Request, "agent", agent, errors);
        if (range is null || errors.Count > 0)
        {
            return (null, TypedResults.ValidationProblem(errors.ToDictionary()));
        }

        var counts = await queries.CountFailuresByCodeAsync(
            user.ProjectId(), range.From, range.To, agentId, cancellationToken);
        Language.VaryByLanguage(http.Response);
        return (new ReportScope(range, agentId, counts, Language.Of(http.Request)), null);
    }

    private static double Share(long part, long whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);
}

/// <summary>Failed calls in a time range, per response class.</summary>
public sealed record ClassReport
{
    /// <summary>Start of the range (inclusive, UTC).</summary>
    /// <example>2026-12-03T09:00:00Z</example>
    public required DateTimeOffset From { get; init; }

    /// <summary>End of the range (exclusive, UTC).</summary>
    /// <example>2026-12-04T09:00:00Z</example>
    public required DateTimeOffset To { get; init; }

    /// <summary>The agent the report is narrowed to, if any.</summary>
    /// <example>agent-007</example>
    public string? Agent { get; init; }

    /// <summary>Failed calls in the range (answered calls are never counted).</summary>
    /// <example>16</example>
    public required long Total { get; init; }

    /// <summary>3xx, 4xx, 5xx, 6xx and none, always all five and in that order.</summary>
    public required IReadOnlyList<ClassShare> Classes { get; init; }
}

/// <summary>The failed calls of one response class.</summary>
public sealed record ClassShare
{
    /// <summary>The response class: 3xx, 4xx, 5xx, 6xx, or none (the call ended with no final response).</summary>
    /// <example>4xx</example>
    public required string Class { get; init; }

    /// <summary>Failed calls in this class.</summary>
    /// <example>10</example>
    public required long Count { get; init; }

    /// <summary>This class's fraction of all failed calls, 0 to 1, rounded to 4 places.</summary>
    /// <example>0.625</example>
    public required double Share { get; init; }

    /// <summary>The codes in the class, most frequent first.</summary>
    public required IReadOnlyList<CodeShare> Codes { get; init; }

    /// <summary>For class none: what the client saw, most frequent first. Empty for the other classes.</summary>
    public required IReadOnlyList<LocalCauseShare> LocalCauses { get; init; }

    /// <summary>The outcomes of this class's failures (those with a count), shares of the class.</summary>
    public required IReadOnlyList<OutcomeShare> Outcomes { get; init; }
}

/// <summary>Failed calls per outcome in a time range.</summary>
public sealed record OutcomeReport
{
    /// <summary>Start of the range (inclusive, UTC).</summary>
    /// <example>2026-12-03T09:00:00Z</example>
    public required DateTimeOffset From { get; init; }

    /// <summary>End of the range (exclusive, UTC).</summary>
    /// <example>2026-12-04T09:00:00Z</example>
    public required DateTimeOffset To { get; init; }

    /// <summary>The agent the report is narrowed to, if any.</summary>
    /// <example>agent-007</example>
    public string? Agent { get; init; }

    /// <summary>Failed calls in the range.</summary>
    /// <example>16</example>
    public required long Total { get; init; }

    /// <summary>Every failure outcome (all but answered), in a fixed order, zero counts included.</summary>
    public required IReadOnlyList<OutcomeShare> Outcomes { get; init; }
}

/// <summary>The failed calls with one outcome.</summary>
public sealed record OutcomeShare
{
    /// <summary>The outcome's machine name.</summary>
    /// <example>unreachable</example>
    public required string Outcome { get; init; }

    /// <summary>The outcome in words, in the language asked for (en or vi).</summary>
    /// <example>Unreachable (off, no coverage, not registered)</example>
    public required string Label { get; init; }

    /// <summary>Failed calls with this outcome.</summary>
    /// <example>3</example>
    public required long Count { get; init; }

    /// <summary>Fraction of the failures counted (all of them, or the class's), 0 to 1, rounded to 4 places.</summary>
    /// <example>0.1875</example>
    public required double Share { get; init; }

    /// <summary>The response codes that led to this outcome, most frequent first.</summary>
    public required IReadOnlyList<OutcomeCode> Codes { get; init; }
}

/// <summary>How many failures of one outcome had one code.</summary>
public sealed record OutcomeCode
{
    /// <example>480</example>
    public required int Code { get; init; }

    /// <example>2</example>
    public required long Count { get; init; }
}

/// <summary>The failed calls of one response code.</summary>
public sealed record CodeShare
{
    /// <summary>The SIP response code.</summary>
    /// <example>480</example>
    public required int Code { get; init; }

    /// <summary>The code's standard phrase, or null for a code IANA has not registered.</summary>
    /// <example>Temporarily Unavailable</example>
    public string? Phrase { get; init; }

    /// <summary>Failed calls with this code.</summary>
    /// <example>3</example>
    public required long Count { get; init; }

    /// <summary>This code's fraction of its class, 0 to 1, rounded to 4 places.</summary>
    /// <example>0.3</example>
    public required double Share { get; init; }
}

/// <summary>Calls with no final response that ended one way.</summary>
public sealed record LocalCauseShare
{
    /// <summary>
    /// transport_error, request_timeout, media_error, cancelled_before_response, ring_timeout or unknown.
    /// </summary>
    /// <example>transport_error</example>
    public required string LocalCause { get; init; }

    /// <summary>Calls that ended this way.</summary>
    /// <example>2</example>
    public required long Count { get; init; }

    /// <summary>This cause's fraction of class none, 0 to 1, rounded to 4 places.</summary>
    /// <example>1</example>
    public required double Share { get; init; }
}
