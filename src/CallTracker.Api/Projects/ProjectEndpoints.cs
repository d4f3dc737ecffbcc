using System.Security.Claims;
using CallTracker.Api.Security;
using CallTracker.Storage;
using CallTracker.Storage.Entities;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using static CallTracker.Api.Http.Problems;

namespace CallTracker.Api.Projects;

/// <summary>The caller's project and its settings.</summary>
public static class ProjectEndpoints
{
    public static IEndpointRouteBuilder MapProjectEndpoints(this IEndpointRouteBuilder app)
    {
        // TODO: PATCH needs the `admin` scope once tokens have scopes (issue 7); any API token may change it now.
        var project = app.MapGroup("/api/v1/project").WithTags("Project")
            .RequireAuthorization(Authentication.ReadPolicy);

        project.MapGet("", GetAsync)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("The project the API token belongs to, with its settings");
        project.MapPatch("", PatchAsync)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("Change the project's settings; fields left out keep their value");

        return app;
    }

    private static async Task<Results<Ok<ProjectDetails>, ProblemHttpResult>> GetAsync(
        ClaimsPrincipal user, CallTrackerDbContext db, CancellationToken cancellationToken)
    {
        var project = await db.Projects.AsNoTracking()
            .FirstOrDefaultAsync(project => project.Id == user.ProjectId(), cancellationToken);
        return project is null ? Gone() : TypedResults.Ok(ToDetails(project));
    }

    /// <param name="change">The settings to change.</param>
    private static async Task<Results<Ok<ProjectDetails>, ProblemHttpResult>> PatchAsync(
        ProjectChange change, ClaimsPrincipal user, CallTrackerDbContext db, ILogger<ProjectChange> logger,
        CancellationToken cancellationToken)
    {
        var project = await db.Projects.FirstOrDefaultAsync(project => project.Id == user.ProjectId(),
            cancellationToken);
        if (project is null)
        {
            return Gone();
        }

        if (change.CustomerBehaviourRegresses is { } regresses && regresses != project.CustomerBehaviourRegresses)
        {
            project.CustomerBehaviourRegresses = regresses;
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Project {ProjectId} settings changed: customer behaviour regresses {Regresses}",
                project.Id, regresses);
        }

        return TypedResults.Ok(ToDetails(project));
    }

    private static ProjectDetails ToDetails(Project project) => new()
    {
        Id = project.Id,
        Name = project.Name,
        CreatedAt = project.CreatedAt,
        CustomerBehaviourRegresses = project.CustomerBehaviourRegresses,
    };

    // A token outlives its project only in a race with its deletion; it authenticated a moment ago.
    private static ProblemHttpResult Gone() =>
        Problem(StatusCodes.Status404NotFound, "Not found", "The token's project no longer exists.");
}

/// <summary>A project and its settings.</summary>
public sealed record ProjectDetails
{
    /// <example>1</example>
    public required int Id { get; init; }

    /// <example>crm-production</example>
    public required string Name { get; init; }

    /// <example>2026-12-01T08:00:00Z</example>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// When true, a new event on a resolved customer-behaviour issue (busy, no answer, declined, unreachable,
    /// cancelled) reopens it as a regression, like any other. False by default: the next busy customer is
    /// not news.
    /// </summary>
    /// <example>false</example>
    public required bool CustomerBehaviourRegresses { get; init; }
}

/// <summary>The body of PATCH /api/v1/project.</summary>
public sealed record ProjectChange
{
    /// <summary>See the project's field of the same name.</summary>
    /// <example>true</example>
    public bool? CustomerBehaviourRegresses { get; init; }
}
