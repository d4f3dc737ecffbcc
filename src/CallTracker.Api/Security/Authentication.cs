using System.Security.Claims;
using System.Text.Encodings.Web;
using CallTracker.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CallTracker.Api.Security;

/// <summary>The two ways in: ingest keys write events, API tokens read them.</summary>
public static class Authentication
{
    public const string IngestKeyScheme = "IngestKey";
    public const string ApiTokenScheme = "ApiToken";
    public const string IngestPolicy = "ingest";
    public const string ReadPolicy = "read";
    public const string WritePolicy = "write";
    public const string AdminPolicy = "admin";
    public const string IngestKeyHeader = "X-CallTracker-Key";
    public const string IngestKeyQuery = "key";
    public const string ProjectClaim = "calltracker:project";

    public static IServiceCollection AddCallTrackerAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, IngestKeyHandler>(IngestKeyScheme, null)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(ApiTokenScheme, null);

        services.AddAuthorizationBuilder()
            .AddPolicy(IngestPolicy, policy => policy
                .AddAuthenticationSchemes(IngestKeyScheme).RequireAuthenticatedUser())
            .AddPolicy(ReadPolicy, policy => policy
                .AddAuthenticationSchemes(ApiTokenScheme).RequireClaim(Scopes.Claim, Scopes.Read))
            .AddPolicy(WritePolicy, policy => policy
                .AddAuthenticationSchemes(ApiTokenScheme).RequireClaim(Scopes.Claim, Scopes.Write))
            .AddPolicy(AdminPolicy, policy => policy
                .AddAuthenticationSchemes(ApiTokenScheme).RequireClaim(Scopes.Claim, Scopes.Admin));

        // A token without the scope an endpoint needs gets a 403 that says which scope, as ProblemDetails.
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ScopeProblemHandler>();
        return services;
    }

    /// <summary>
    /// The ingest key of a request: the header, or the query parameter (for clients that cannot set headers).
    /// An empty header (a proxy or a template that left it blank) must not hide a key in the query.
    /// </summary>
    public static string? IngestKeyOf(HttpRequest request)
    {
        string? key = request.Headers[IngestKeyHeader];
        return string.IsNullOrEmpty(key) ? request.Query[IngestKeyQuery] : key;
    }

    /// <summary>The project the caller's key or token belongs to.</summary>
    public static int ProjectId(this ClaimsPrincipal user) =>
        int.Parse(user.FindFirstValue(ProjectClaim)
            ?? throw new InvalidOperationException("The endpoint was reached without authentication."));

    internal static ClaimsPrincipal PrincipalFor(int projectId, string scheme, IEnumerable<string>? scopes = null) =>
        new(new ClaimsIdentity(
            [
                new Claim(ProjectClaim, projectId.ToString()),
                .. Scopes.Expand(scopes ?? []).Select(scope => new Claim(Scopes.Claim, scope)),
            ],
            scheme));
}

/// <summary>Base for both handlers: a failed or missing credential answers 401 as ProblemDetails.</summary>
public abstract class CallTrackerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private string? failure;

    protected abstract string MissingMessage { get; }

    /// <summary>The WWW-Authenticate challenge a 401 must carry (RFC 9110 section 11.6.1).</summary>
    protected abstract string Challenge { get; }

    protected AuthenticateResult Fail(string message)
    {
        failure = message;
        return AuthenticateResult.Fail(message);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = Challenge;
        var problems = Context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = failure ?? MissingMessage,
            },
        });
    }
}

public sealed class IngestKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    CallTrackerDbContext db, IngestKeyCache cache)
    : CallTrackerAuthenticationHandler(options, logger, encoder)
{
    protected override string MissingMessage =>
        $"An ingest key is required: send it in the {Authentication.IngestKeyHeader} header " +
        $"or the '{Authentication.IngestKeyQuery}' query parameter.";

    protected override string Challenge => $"{Authentication.IngestKeyHeader} realm=\"ingest\"";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = Authentication.IngestKeyOf(Request);
        if (string.IsNullOrEmpty(key))
        {
            return AuthenticateResult.NoResult();
        }

        // A malformed key cannot exist, so it costs no database round trip.
        if (!Secrets.IsValidIngestKey(key))
        {
            return Fail("The ingest key is not valid: keys are 32 lowercase hex digits.");
        }

        var projectId = await cache.FindProjectAsync(key, db, Context.RequestAborted);
        return projectId is null
            ? Fail("The ingest key is not valid.")
            : AuthenticateResult.Success(new AuthenticationTicket(
                Authentication.PrincipalFor(projectId.Value, Scheme.Name), Scheme.Name));
    }
}

public sealed class ApiTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    CallTrackerDbContext db)
    : CallTrackerAuthenticationHandler(options, logger, encoder)
{
    protected override string MissingMessage => "An API token is required: send 'Authorization: Bearer <token>'.";

    protected override string Challenge => "Bearer realm=\"CallTracker\"";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Fail("The Authorization header must be 'Bearer <token>'.");
        }

        // Looked up on every request, not cached: a revoked token stops working at once.
        var hash = Secrets.HashToken(header["Bearer ".Length..].Trim());
        var token = await db.ApiTokens.AsNoTracking()
            .Where(token => token.TokenHash == hash && token.RevokedAt == null)
            .Select(token => new { token.ProjectId, token.Scopes })
            .FirstOrDefaultAsync(Context.RequestAborted);

        return token is null
            ? Fail("The API token is not valid.")
            : AuthenticateResult.Success(new AuthenticationTicket(
                Authentication.PrincipalFor(token.ProjectId, Scheme.Name, token.Scopes), Scheme.Name));
    }
}

/// <summary>Answers a token that lacks a scope with a 403 naming the scope it needs.</summary>
public sealed class ScopeProblemHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public async Task HandleAsync(
        RequestDelegate next, HttpContext context, AuthorizationPolicy policy,
        PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden)
        {
            await fallback.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var needed = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ClaimsAuthorizationRequirement>()
            .SelectMany(requirement => requirement.AllowedValues ?? []).FirstOrDefault();
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Forbidden",
                Detail = needed is null
                    ? "This credential may not do this."
                    : $"This API token lacks the '{needed}' scope; an admin can create a token that has it.",
            },
        });
    }
}
