using System.Security.Claims;
using CallTracker.Api.Events;
using CallTracker.Api.Security;
using CallTracker.Storage;
using CallTracker.Storage.Entities;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using static CallTracker.Api.Http.Problems;

namespace CallTracker.Api.Projects;

/// <summary>
/// A project's ingest keys, for admin tokens. Keys ship inside the CRM's JavaScript, so they are shown in
/// full every time. Rotation without downtime: create a new key, deploy the CRM with it, revoke the old one.
/// </summary>
public static class IngestKeysEndpoints
{
    public static IEndpointRouteBuilder MapIngestKeysEndpoints(this IEndpointRouteBuilder app)
    {
        var keys = app.MapProjectResource("keys", "Projects", Authentication.AdminPolicy);
        keys.MapGet("", ListAsync)
            .WithSummary("The project's ingest keys, revoked ones too, newest first");
        keys.MapPost("", CreateAsync)
            .ProducesValidationProblem()
            .WithSummary("Create an ingest key");
        keys.MapDelete("{keyId:guid}", RevokeAsync)
            .WithSummary("Revoke an ingest key: this instance refuses it at once, others within 30 seconds");

        return app;
    }

    /// <param name="id">The project's id.</param>
    private static async Task<Results<Ok<IngestKeyDetails[]>, ProblemHttpResult>> ListAsync(
        int id, HttpRequest request, ClaimsPrincipal user, CallTrackerDbContext db,
        CancellationToken cancellationToken)
    {
        if (await ProjectsEndpoints.FindAsync(id, user, db, cancellationToken) is null)
        {
            return ProjectsEndpoints.NotFound(id);
        }

        var keys = await db.IngestKeys.AsNoTracking().Where(key => key.ProjectId == id)
            .OrderByDescending(key => key.CreatedAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(keys.Select(key => ToDetails(key, request)).ToArray());
    }

    /// <param name="id">The project's id.</param>
    /// <param name="creation">The new key's name.</param>
    private static async Task<Results<Created<IngestKeyDetails>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        int id, IngestKeyCreation creation, HttpRequest request, ClaimsPrincipal user, CallTrackerDbContext db,
        TimeProvider clock, ILogger<IngestKeyCreation> logger, CancellationToken cancellationToken)
    {
        var errors = new Errors();
        var name = Names.Read(creation.Name, "name", errors, required: false);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (await ProjectsEndpoints.FindAsync(id, user, db, cancellationToken) is null)
        {
            return ProjectsEndpoints.NotFound(id);
        }

        var key = new IngestKey
        {
            ProjectId = id,
            Key = Secrets.NewIngestKey(),
            Name = name,
            CreatedAt = clock.GetUtcNow(),
        };
        db.IngestKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);

        logger.LogInformation("Ingest key {KeyId} created for project {ProjectId}", key.Id, id);
        return TypedResults.Created($"/api/v1/projects/{id}/keys/{key.Id}", ToDetails(key, request));
    }

    /// <param name="id">The project's id.</param>
    /// <param name="keyId">The key's id (not the key).</param>
    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        int id, Guid keyId, ClaimsPrincipal user, CallTrackerDbContext db, IngestKeyCache cache, TimeProvider clock,
        ILogger<IngestKeyCreation> logger, CancellationToken cancellationToken)
    {
        var key = id != user.ProjectId() ? null
            : await db.IngestKeys.FirstOrDefaultAsync(key => key.ProjectId == id && key.Id == keyId, cancellationToken);
        if (key is null)
        {
            return Problem(StatusCodes.Status404NotFound, "Not found",
                $"Project {id} of this token has no key {keyId}.");
        }

        // Revoking twice is not an error: the key is revoked, as asked.
        if (key.RevokedAt is null)
        {
            key.RevokedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Ingest key {KeyId} of project {ProjectId} revoked", key.Id, id);
        }

        cache.Forget(key.Key);
        return TypedResults.NoContent();
    }

    internal static IngestKeyDetails ToDetails(IngestKey key, HttpRequest request) => new()
    {
        Id = key.Id,
        Name = key.Name,
        Key = key.Key,
        Dsn = $"{request.Scheme}://{key.Key}@{request.Host}/{key.ProjectId}",
        CreatedAt = key.CreatedAt,
        RevokedAt = key.RevokedAt,
    };
}

/// <summary>An ingest key: public by nature, it goes into the CRM's code.</summary>
public sealed record IngestKeyDetails
{
    /// <summary>How the admin API names the key.</summary>
    /// <example>0b8f6c1e-4c9a-4d55-9a43-0a1c5d3e7f21</example>
    public required Guid Id { get; init; }

    /// <example>crm-production</example>
    public required string? Name { get; init; }

    /// <summary>Sent as the X-CallTracker-Key header (or the key query parameter) to POST /api/v1/events.</summary>
    /// <example>0123456789abcdef0123456789abcdef</example>
    public required string Key { get; init; }

    /// <summary>The same key as a Sentry DSN, for a CRM that reports through a Sentry SDK.</summary>
    /// <example>https://0123456789abcdef0123456789abcdef@calltracker.example.com/1</example>
    public required string Dsn { get; init; }

    /// <example>2026-12-01T08:00:00Z</example>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the key was revoked; null while it works.</summary>
    /// <example>null</example>
    public required DateTimeOffset? RevokedAt { get; init; }
}

/// <summary>The body of POST /api/v1/projects/{id}/keys.</summary>
public sealed record IngestKeyCreation
{
    /// <summary>Where the key is used.</summary>
    /// <example>crm-production</example>
    public string? Name { get; init; }
}
