using CallTracker.Api.Http;
using CallTracker.Sip;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallTracker.Api.Catalog;

/// <summary>
/// CallTracker's SIP knowledge as reference data: response codes, Q.850 causes, outcomes, local causes.
/// Public (the CRM has no API token and shows these texts to agents) and cacheable; English, or
/// Vietnamese with <c>Accept-Language: vi</c>.
/// </summary>
public static class SipCatalogEndpoints
{
    public const string CorsPolicy = "catalog";

    public static IEndpointRouteBuilder MapSipCatalogEndpoints(this IEndpointRouteBuilder app)
    {
        var sip = app.MapGroup("/api/v1/sip").WithTags("SIP catalogue").RequireCors(CorsPolicy)
            .AddEndpointFilter(async (context, next) =>
            {
                var response = context.HttpContext.Response;
                response.Headers.CacheControl = "public, max-age=3600";
                Language.VaryByLanguage(response);
                return await next(context);
            });

        sip.MapGet("codes", ListCodes)
            .WithSummary("Every registered SIP response code with its outcome, meaning and remedy");
        sip.MapGet("codes/{code}", GetCode)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One response code; an unregistered code in 200-699 gets its class's rules")
            .WithDescription("An unregistered code keeps its own number and takes its class from its first " +
                "digit (RFC 3261 section 8.1.3.2); its outcome is network_error for 5xx and unknown otherwise.");
        sip.MapGet("q850-causes", ListCauses)
            .WithSummary("Q.850 cause values: name, outcome (null: decides nothing), meaning and remedy");
        sip.MapGet("outcomes", ListOutcomes)
            .WithSummary("The outcome names events are classified into, with their labels");
        sip.MapGet("local-causes", ListLocalCauses)
            .WithSummary("The local causes a client may report, with the outcome each gives");

        return app;
    }

    private static Ok<List<SipCodeDetails>> ListCodes(HttpRequest request)
    {
        var language = Language.Of(request);
        return TypedResults.Ok(SipStatusCodes.All.Select(code => Describe(code.Code, language)).ToList());
    }

    /// <param name="code">A response code, three digits 200-699.</param>
    private static Results<Ok<SipCodeDetails>, ValidationProblem, ProblemHttpResult> GetCode(
        string code, HttpRequest request)
    {
        if (code.Length != 3 || !code.All(char.IsAsciiDigit))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["code"] = ["code must be a three-digit SIP response code, e.g. 486."],
            });
        }

        var number = int.Parse(code, System.Globalization.CultureInfo.InvariantCulture);
        return ResponseClass.IsFinalCode(number)
            ? TypedResults.Ok(Describe(number, Language.Of(request)))
            : TypedResults.Problem($"{number} is not a final SIP response code (200-699).",
                statusCode: StatusCodes.Status404NotFound, title: "Not found");
    }

    private static Ok<List<Q850CauseDetails>> ListCauses(HttpRequest request)
    {
        var language = Language.Of(request);
        return TypedResults.Ok(Q850Causes.All.Select(cause => new Q850CauseDetails
        {
            Cause = cause.Cause,
            Name = cause.Name,
            Outcome = cause.Outcome,
            OutcomeLabel = cause.Outcome is { } outcome ? Outcome.Labels[outcome].In(language) : null,
            Meaning = cause.Meaning.In(language),
            Remedy = cause.Remedy.In(language),
        }).ToList());
    }

    private static Ok<List<OutcomeDetails>> ListOutcomes(HttpRequest request)
    {
        var language = Language.Of(request);
        return TypedResults.Ok(Outcome.All.Select(outcome => new OutcomeDetails
        {
            Outcome = outcome,
            Label = Outcome.Labels[outcome].In(language),
            CustomerBehaviour = Outcome.CustomerBehaviour.Contains(outcome),
            NetworkEffective = Outcome.NetworkEffective.Contains(outcome),
        }).ToList());
    }

    private static Ok<List<LocalCauseDetails>> ListLocalCauses(HttpRequest request)
    {
        var language = Language.Of(request);
        return TypedResults.Ok(LocalCauses.All.Select(cause => new LocalCauseDetails
        {
            LocalCause = cause.Name,
            Outcome = cause.Outcome,
            Meaning = cause.Meaning.In(language),
            Remedy = cause.Remedy.In(language),
        }).ToList());
    }

    private static SipCodeDetails Describe(int code, string language)
    {
        var entry = SipStatusCodes.Find(code);
        var decision = OutcomeRules.Decide(code, [], null);
        return new SipCodeDetails
        {
            Code = code,
            Class = ResponseClass.Of(code),
            Phrase = entry?.Phrase,
            Rfc = entry?.Rfc,
            Registered = entry is not null,
            Outcome = decision.Outcome,
            OutcomeLabel = Outcome.Labels[decision.Outcome].In(language),
            CauseDecides = entry?.CauseDecides ?? true,
            Meaning = decision.Meaning.In(language),
            Remedy = decision.Remedy.In(language),
        };
    }
}

/// <summary>A SIP response code and what it means for a call.</summary>
public sealed record SipCodeDetails
{
    /// <example>480</example>
    public required int Code { get; init; }

    /// <summary>2xx, 3xx, 4xx, 5xx or 6xx, from the first digit.</summary>
    /// <example>4xx</example>
    public required string Class { get; init; }

    /// <summary>The standard phrase; null for an unregistered code.</summary>
    /// <example>Temporarily Unavailable</example>
    public string? Phrase { get; init; }

    /// <summary>The RFC that defines the code; null for an unregistered code.</summary>
    /// <example>RFC 3261</example>
    public string? Rfc { get; init; }

    /// <summary>Whether IANA registers the code.</summary>
    /// <example>true</example>
    public required bool Registered { get; init; }

    /// <summary>The outcome when no Q.850 cause or local cause refines it.</summary>
    /// <example>unreachable</example>
    public required string Outcome { get; init; }

    /// <summary>The outcome in words.</summary>
    /// <example>Unreachable (off, no coverage, not registered)</example>
    public required string OutcomeLabel { get; init; }

    /// <summary>True for general codes, where the first decisive Q.850 cause decides the outcome.</summary>
    /// <example>true</example>
    public required bool CauseDecides { get; init; }

    /// <summary>What the code says happened.</summary>
    /// <example>The callee's phone is not registered or not reachable right now.</example>
    public required string Meaning { get; init; }

    /// <summary>What an operator can do about it.</summary>
    /// <example>Call back later; if every call to a carrier fails this way, check the trunk.</example>
    public required string Remedy { get; init; }
}

/// <summary>A Q.850 cause value.</summary>
public sealed record Q850CauseDetails
{
    /// <example>20</example>
    public required int Cause { get; init; }

    /// <summary>ITU-T Q.850's name.</summary>
    /// <example>Subscriber absent</example>
    public required string Name { get; init; }

    /// <summary>The outcome it decides for a general code; null for causes that say nothing about why.</summary>
    /// <example>unreachable</example>
    public string? Outcome { get; init; }

    /// <summary>The outcome in words; null with the outcome.</summary>
    /// <example>Unreachable (off, no coverage, not registered)</example>
    public string? OutcomeLabel { get; init; }

    /// <summary>What the network says happened.</summary>
    /// <example>The phone is switched off or out of coverage.</example>
    public required string Meaning { get; init; }

    /// <summary>What an operator can do about it.</summary>
    /// <example>Call back later or reach the customer another way.</example>
    public required string Remedy { get; init; }
}

/// <summary>An outcome name.</summary>
public sealed record OutcomeDetails
{
    /// <example>busy</example>
    public required string Outcome { get; init; }

    /// <summary>The outcome in words.</summary>
    /// <example>Busy</example>
    public required string Label { get; init; }

    /// <summary>True when the outcome describes the customer rather than a fault (busy, no answer, ...).</summary>
    /// <example>true</example>
    public required bool CustomerBehaviour { get; init; }

    /// <summary>
    /// True when the network did its job, so the call counts as effective in the network effectiveness
    /// ratio (ITU-T E.425): answered, busy, no answer, declined, unreachable, cancelled, invalid number.
    /// </summary>
    /// <example>true</example>
    public required bool NetworkEffective { get; init; }
}

/// <summary>A local cause a client may report.</summary>
public sealed record LocalCauseDetails
{
    /// <example>ring_timeout</example>
    public required string LocalCause { get; init; }

    /// <summary>The outcome it gives a call with no final response.</summary>
    /// <example>no_answer</example>
    public required string Outcome { get; init; }

    /// <summary>What the client saw.</summary>
    /// <example>The phone rang until the CRM's own ring timeout and nobody answered.</example>
    public required string Meaning { get; init; }

    /// <summary>What an operator can do about it.</summary>
    /// <example>Call back later.</example>
    public required string Remedy { get; init; }
}
