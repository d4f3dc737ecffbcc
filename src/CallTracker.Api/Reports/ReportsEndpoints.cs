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
            .WithSummary("Failed calls per SIP response class, with the codes inside each")
            .WithDescription(
                "Classes 3xx, 4xx, 5xx, 6xx and `none` (the call ended with no final response; broken down " +
                "by local cause) are always listed, in that order, with zero counts too. The range is " +
                "[from, to) by the time the call ended; the default is the last 24 hours.");

        return app;
    }

    private static async Task<Results<Ok<ClassReport>, ValidationProblem>> ClassesAsync(
        ClaimsPrincipal user, EventQueries queries, TimeProvider clock, CancellationToken cancellationToken,
        string? from = null, string? to = null, string? agent = null)
    {
        var errors = new Errors();
        var range = TimeRange.Parse(from, to, clock.GetUtcNow(), DefaultRange, errors);
        if (range is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var counts = await queries.CountFailuresByCodeAsync(
            user.ProjectId(), range.From, range.To, agent, cancellationToken);

        var total = counts.Sum(count => count.Count);
        var classes = ResponseClass.Failures.Select(responseClass =>
        {
            var inClass = counts.Where(count => count.ResponseClass == responseClass).ToList();
            var classTotal = inClass.Sum(count => count.Count);

            var codes = inClass.Where(count => count.SipCode is not null)
                .OrderByDescending(count => count.Count).ThenBy(count => count.SipCode)
                .Select(count => new CodeShare(count.SipCode!.Value, SipStatusCodes.StandardPhrase(count.SipCode.Value),
                    count.Count, Share(count.Count, classTotal)))
                .ToList();

            var causes = inClass.Where(count => count.SipCode is null)
                .OrderByDescending(count => count.Count).ThenBy(count => count.LocalCause)
                .Select(count => new LocalCauseShare(count.LocalCause ?? "unknown", count.Count,
                    Share(count.Count, classTotal)))
                .ToList();

            return new ClassShare(responseClass, classTotal, Share(classTotal, total), codes, causes);
        }).ToList();

        return TypedResults.Ok(new ClassReport(range.From, range.To, agent, total, classes));
    }

    private static double Share(long part, long whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);
}

/// <summary>Failed calls in a time range, per response class.</summary>
/// <param name="From">Start of the range (inclusive, UTC).</param>
/// <param name="To">End of the range (exclusive, UTC).</param>
/// <param name="Agent">The agent the report is narrowed to, if any.</param>
/// <param name="Total">Failed calls in the range.</param>
/// <param name="Classes">3xx, 4xx, 5xx, 6xx and none, always in that order.</param>
public sealed record ClassReport(
    DateTimeOffset From, DateTimeOffset To, string? Agent, long Total, IReadOnlyList<ClassShare> Classes);

/// <param name="Class">The response class: 3xx, 4xx, 5xx, 6xx or none.</param>
/// <param name="Count">Failed calls in this class.</param>
/// <param name="Share">This class's fraction of all failed calls, 0 to 1, rounded to 4 places.</param>
/// <param name="Codes">The codes in the class, most frequent first.</param>
/// <param name="LocalCauses">For class none: what the client saw, most frequent first.</param>
public sealed record ClassShare(
    string Class, long Count, double Share, IReadOnlyList<CodeShare> Codes, IReadOnlyList<LocalCauseShare> LocalCauses);

/// <param name="Code">The SIP response code.</param>
/// <param name="Phrase">The code's standard phrase, or null for a code IANA has not registered.</param>
/// <param name="Count">Failed calls with this code.</param>
/// <param name="Share">This code's fraction of its class, 0 to 1.</param>
public sealed record CodeShare(int Code, string? Phrase, long Count, double Share);

/// <param name="LocalCause">transport_error, request_timeout, media_error, cancelled_before_response, ring_timeout or unknown.</param>
/// <param name="Count">Calls that ended this way.</param>
/// <param name="Share">This cause's fraction of class none, 0 to 1.</param>
public sealed record LocalCauseShare(string LocalCause, long Count, double Share);
