using CallTracker.Api.Hosting;
using CallTracker.Storage;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace CallTracker.Api.Security;

/// <summary>
/// The browser origins whose pages may post a project's events: the project's allowedOrigins, or when it
/// has none the installation's CallTracker:Cors:AllowedOrigins; an empty answer means any origin. Read on
/// every ingest request (and preflight), so remembered for 30 seconds; a change through this instance is
/// seen at once.
/// </summary>
/// <remarks>
/// CORS only stops a browser from reading an answer; a page on another origin could still post with a key
/// it copied. Browsers always send Origin on a cross-origin POST, so the ingest endpoints also refuse it.
/// </remarks>
public sealed class ProjectOrigins(IServiceScopeFactory scopes, IOptions<CallTrackerOptions> options) : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private const string EveryProject = "every project";

    private readonly MemoryCache cache = new(new MemoryCacheOptions());
    private readonly string[] installation = options.Value.Cors.AllowedOrigins
        .Select(origin => origin.TrimEnd('/').ToLowerInvariant()).ToArray();

    /// <summary>The origins that may post this project's events; empty means any.</summary>
    public async Task<string[]> ForProjectAsync(int projectId, CancellationToken cancellationToken) =>
        (await cache.GetOrCreateAsync(projectId, async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Lifetime;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CallTrackerDbContext>();
            var own = await db.Projects.AsNoTracking().Where(project => project.Id == projectId)
                .Select(project => project.AllowedOrigins).FirstOrDefaultAsync(cancellationToken);
            return own is { Length: > 0 } ? own : installation;
        }))!;

    /// <summary>
    /// For a preflight that names no project (the key travels in a header the preflight does not carry):
    /// every origin some project allows, empty when some project allows any. The POST that follows is then
    /// checked against its own project.
    /// </summary>
    public async Task<string[]> ForAnyProjectAsync(CancellationToken cancellationToken) =>
        (await cache.GetOrCreateAsync(EveryProject, async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Lifetime;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CallTrackerDbContext>();
            var lists = await db.Projects.AsNoTracking().Select(project => project.AllowedOrigins)
                .ToListAsync(cancellationToken);
            var effective = lists.Select(own => own.Length > 0 ? own : installation).ToList();
            return effective.Any(origins => origins.Length == 0)
                ? []
                : effective.SelectMany(origins => origins).Distinct().ToArray();
        }))!;

    /// <summary>Forgets what was read of a project whose origins just changed.</summary>
    public void Forget(int projectId)
    {
        cache.Remove(projectId);
        cache.Remove(EveryProject);
    }

    /// <summary>True without an Origin header (not a browser's cross-origin request), or for an allowed one.</summary>
    public static bool Allows(string[] origins, HttpRequest request) =>
        origins.Length == 0 || request.Headers.Origin is not [{ } origin]
        || origins.Contains(origin.ToLowerInvariant(), StringComparer.Ordinal);

    public void Dispose() => cache.Dispose();
}

/// <summary>
/// CORS for the ingest endpoints, per project: the project comes from the Sentry path (/api/{projectId}/...)
/// or from the ingest key (header or query); a preflight without a key gets the origins of every project.
/// Other named policies (the SIP catalogue) are the configured ones.
/// </summary>
public sealed class IngestCorsPolicyProvider(
    IOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions> cors, ProjectOrigins origins, IngestKeyCache keys)
    : ICorsPolicyProvider
{
    public const string NativePolicy = "ingest";
    public const string SentryPolicy = "sentry";

    private readonly DefaultCorsPolicyProvider configured = new(cors);

    public async Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        if (policyName is not (NativePolicy or SentryPolicy))
        {
            return await configured.GetPolicyAsync(context, policyName);
        }

        var projectId = policyName == SentryPolicy
            ? int.TryParse(context.GetRouteValue("projectId") as string, out var fromPath) ? fromPath : null
            : await keys.FindProjectAsync(Authentication.IngestKeyOf(context.Request),
                context.RequestServices.GetRequiredService<CallTrackerDbContext>(), context.RequestAborted);
        var allowed = projectId is { } id
            ? await origins.ForProjectAsync(id, context.RequestAborted)
            : await origins.ForAnyProjectAsync(context.RequestAborted);

        // Browsers add headers of their own (sentry-trace, baggage, traceparent, x-sentry-auth): any header
        // is allowed rather than a preflight answered with a 400 that hides the real problem. Clients must
        // read Retry-After and X-Sentry-Rate-Limits, on error answers too.
        var policy = new CorsPolicyBuilder().AllowAnyHeader().WithMethods("POST")
            .WithExposedHeaders(policyName == SentryPolicy ? ["Retry-After", "X-Sentry-Rate-Limits"] : ["Retry-After"])
            .SetPreflightMaxAge(TimeSpan.FromHours(1));

        // A predicate rather than a fixed list makes the middleware send Vary: Origin, so that a cache never
        // gives one origin's answer to another.
        return (allowed.Length == 0
            ? policy.AllowAnyOrigin()
            : policy.SetIsOriginAllowed(origin => allowed.Contains(origin.ToLowerInvariant(), StringComparer.Ordinal)))
            .Build();
    }
}
