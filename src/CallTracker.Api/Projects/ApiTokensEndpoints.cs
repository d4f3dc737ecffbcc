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
/// A project's API tokens, for admin tokens. A token is shown once, in the answer that creates it; only its
/// hash is stored. Rotation without downtime: create a new token, switch the client to it, revoke the old.
/// </summary>
public static class ApiTokensEndpoints
{
    public static IEndpointRouteBuilder MapApiTokensEndpoints(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapProjectResource("tokens", "Projects", Authentication.AdminPolicy);
        tokens.MapGet("", ListAsync)
            .WithSummary("The project's API tokens (never the tokens themselves), revoked ones too, newest first");
        tokens.MapPost("", CreateAsync)
            .ProducesValidationProblem()
            .WithSummary("Create an API token with scopes read, read:phone, write or admin; shown this once")
            .WithDescription("A token grants only scopes it has itself: read:phone takes a token with read:phone.");
        tokens.MapDelete("{tokenId:guid}", RevokeAsync)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Revoke an API token; it stops working at once (not the project's last admin token)");

        return app;
    }

    /// <param name="id">The project's id.</param>
    private static async Task<Results<Ok<ApiTokenDetails[]>, ProblemHttpResult>> ListAsync(
        int id, ClaimsPrincipal user, CallTrackerDbContext db, CancellationToken cancellationToken)
    {
        if (await ProjectsEndpoints.FindAsync(id, user, db, cancellationToken) is null)
        {
            return ProjectsEndpoints.NotFound(id);
        }

        var tokens = await db.ApiTokens.AsNoTracking().Where(token => token.ProjectId == id)
            .OrderByDescending(token => token.CreatedAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(tokens.Select(ToDetails).ToArray());
    }

    /// <param name="id">The project's id.</param>
    /// <param name="creation">The new token's name and scopes.</param>
    private static async Task<Results<Created<CreatedApiToken>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        int id, ApiTokenCreation creation, ClaimsPrincipal user, CallTrackerDbContext db, TimeProvider clock,
        ILogger<ApiTokenCreation> logger, CancellationToken cancellationToken)
    {
        var errors = new Errors();
        var name = Names.Read(creation.Name, "name", errors, required: true);
        var scopes = creation.Scopes?.Distinct().ToArray() ?? [];
        if (scopes.Length == 0)
        {
            errors.Add("scopes", $"Give at least one scope: {string.Join(", ", Scopes.All)}.");
        }

        foreach (var scope in scopes.Where(scope => !Scopes.All.Contains(scope)))
        {
            errors.Add("scopes", $"'{scope}' is not a scope; scopes are {string.Join(", ", Scopes.All)}.");
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (await ProjectsEndpoints.FindAsync(id, user, db, cancellationToken) is null)
        {
            return ProjectsEndpoints.NotFound(id);
        }

        // No token mints more than it has: an admin without read:phone cannot give itself customers' numbers.
        if (scopes.FirstOrDefault(scope => !user.Has(scope)) is { } missing)
        {
            return Problem(StatusCodes.Status403Forbidden, "Forbidden",
                $"A token may grant only scopes it has itself; this one lacks '{missing}'.");
        }

        var secret = Secrets.NewApiToken();
        var token = new ApiToken
        {
            ProjectId = id,
            Id = Guid.NewGuid(),
            Name = name!,
            TokenHash = Secrets.HashToken(secret),
            Prefix = Secrets.Prefix(secret),
            Scopes = scopes,
            CreatedAt = clock.GetUtcNow(),
        };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);

        logger.LogInformation("API token {TokenId} with scopes {Scopes} created for project {ProjectId}",
            token.Id, scopes, id);
        return TypedResults.Created($"/api/v1/projects/{id}/tokens/{token.Id}", ToCreated(token, secret));
    }

    /// <param name="id">The project's id.</param>
    /// <param name="tokenId">The token's id (not the token).</param>
    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        int id, Guid tokenId, ClaimsPrincipal user, CallTrackerDbContext db, TimeProvider clock,
        ILogger<ApiTokenCreation> logger, CancellationToken cancellationToken)
    {
        var token = id != user.ProjectId() ? null
            : await db.ApiTokens.FirstOrDefaultAsync(
                token => token.ProjectId == id && token.Id == tokenId, cancellationToken);
        if (token is null)
        {
            return Problem(StatusCodes.Status404NotFound, "Not found",
                $"Project {id} of this token has no API token {tokenId}.");
        }

        // The last admin token is the only way to manage the project (and mint tokens): revoking it would lock
        // everyone out, with no way back through the API.
        var otherAdmins = await db.ApiTokens.CountAsync(other => other.ProjectId == id && other.Id != tokenId
            && other.RevokedAt == null && other.Scopes.Contains(Scopes.Admin), cancellationToken);
        if (token.RevokedAt is null && token.Scopes.Contains(Scopes.Admin) && otherAdmins == 0)
        {
            return Problem(StatusCodes.Status409Conflict, "Last admin token",
                "This is the project's last admin token: create another admin token, then revoke this one.");
        }

        if (token.RevokedAt is null)
        {
            token.RevokedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("API token {TokenId} of project {ProjectId} revoked", token.Id, id);
        }

        return TypedResults.NoContent();
    }

    private static ApiTokenDetails ToDetails(ApiToken token) => new()
    {
        Id = token.Id,
        Name = token.Name,
        Prefix = token.Prefix,
        Scopes = token.Scopes,
        CreatedAt = token.CreatedAt,
        RevokedAt = token.RevokedAt,
    };

    internal static CreatedApiToken ToCreated(ApiToken token, string secret) => new()
    {
        Id = token.Id,
        Name = token.Name,
        Prefix = token.Prefix,
        Scopes = token.Scopes,
        CreatedAt = token.CreatedAt,
        RevokedAt = token.RevokedAt,
        Token = secret,
    };
}

/// <summary>An API token as listed: never the token itself, which only its creator saw.</summary>
public record ApiTokenDetails
{
    /// <example>5d0c3f5e-8f5a-4b4e-b9f5-2f0f5b8a9c11</example>
    public required Guid Id { get; init; }

    /// <example>ops dashboard</example>
    public required string Name { get; init; }

    /// <summary>The token's first characters, to tell it apart.</summary>
    /// <example>ctk_3f9a1b2c</example>
    public required string Prefix { get; init; }

    /// <example>["read"]</example>
    public required string[] Scopes { get; init; }

    /// <example>2026-12-01T08:00:00Z</example>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <example>null</example>
    public required DateTimeOffset? RevokedAt { get; init; }
}

/// <summary>A token just created: the one time the token itself is shown. Send it as Authorization: Bearer.</summary>
public sealed record CreatedApiToken : ApiTokenDetails
{
    /// <example>ctk_3f9a1b2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8</example>
    public required string Token { get; init; }
}

/// <summary>The body of POST /api/v1/projects/{id}/tokens.</summary>
public sealed record ApiTokenCreation
{
    /// <summary>Who or what uses the token.</summary>
    /// <example>ops dashboard</example>
    public string? Name { get; init; }

    /// <summary>read, read:phone, write, admin (each includes read; admin includes write, not read:phone).</summary>
    /// <example>["read"]</example>
    public string[]? Scopes { get; init; }
}
