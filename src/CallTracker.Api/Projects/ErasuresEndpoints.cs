using System.Security.Claims;
using CallTracker.Api.Events;
using CallTracker.Api.Security;
using CallTracker.Sip.Phones;
using CallTracker.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallTracker.Api.Projects;

/// <summary>
/// Deleting everything stored about one phone number, for a data subject's request (Vietnam's Decree
/// 13/2023 on personal data, the GDPR's right to erasure), for admin tokens. The number travels in the
/// body, never in the URL: request logs carry paths.
/// </summary>
public static class ErasuresEndpoints
{
    public static IEndpointRouteBuilder MapErasuresEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/projects/{id:int}/erasures", EraseAsync).WithTags("Projects")
            .RequireAuthorization(Authentication.AdminPolicy)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Delete every failed call and error event of one phone number, with a count of what went")
            .WithDescription(
                "Matches the number's E.164 form and its digits as dialled (national and international), in " +
                "failed calls and in the payloads of error events; the rollups and issues lose what those events " +
                "counted. Their event ids stay claimed, so a client retrying an old event cannot bring it back.");

        return app;
    }

    /// <param name="id">The project's id.</param>
    /// <param name="erasure">The phone number.</param>
    private static async Task<Results<Ok<ErasureResult>, ValidationProblem, ProblemHttpResult>> EraseAsync(
        int id, ErasureRequest erasure, ClaimsPrincipal user, CallTrackerDbContext db, EventWriter writer,
        PhoneNumberAnalyzer phones, PhonePrivacy privacy, ILogger<ErasureRequest> logger,
        CancellationToken cancellationToken)
    {
        var errors = new Errors();
        var (e164, digits, tokens) = erasure.PhoneNumber is { } number
            ? privacy.StoredForms(phones, number)
            : ([], [], []);
        if (digits.Length == 0)
        {
            errors.Add("phoneNumber", "Give the phone number to erase, with at least six digits.");
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (await ProjectsEndpoints.FindAsync(id, user, db, cancellationToken) is null)
        {
            return ProjectsEndpoints.NotFound(id);
        }

        var (calls, errorEvents) = await writer.EraseNumberAsync(id, e164, digits, tokens, cancellationToken);

        // How much went, never which number.
        logger.LogInformation(
            "Erased one phone number from project {ProjectId}: {Calls} failed calls, {Errors} error events",
            id, calls, errorEvents);
        return TypedResults.Ok(new ErasureResult { FailedCalls = calls, ErrorEvents = errorEvents });
    }
}

/// <summary>The body of POST /api/v1/projects/{id}/erasures.</summary>
public sealed record ErasureRequest
{
    /// <summary>The number as any CRM would have dialled it; national numbers are read in the default region.</summary>
    /// <example>0901234501</example>
    public string? PhoneNumber { get; init; }
}

/// <summary>What was deleted.</summary>
public sealed record ErasureResult
{
    /// <example>12</example>
    public required long FailedCalls { get; init; }

    /// <example>1</example>
    public required long ErrorEvents { get; init; }
}
