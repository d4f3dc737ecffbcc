using System.Globalization;
using System.Threading.RateLimiting;
using CallTracker.Api.Hosting;
using CallTracker.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace CallTracker.Api.Ingestion;

/// <summary>
/// The two limits on what a project sends, both counted in events, not requests, and checked before an
/// event is queued: a rate per ingest key (a token bucket per key, in this instance's memory, as ASP.NET
/// Core's rate limiter keeps it) and a monthly quota per project (counted in PostgreSQL by the writer, so
/// that it survives restarts and holds across instances).
/// </summary>
/// <remarks>
/// The limiter is System.Threading.RateLimiting's, used directly rather than through the rate-limiting
/// middleware, which runs before the body is read and so can only count requests. The quota is read from
/// the database at most every few seconds per project and the events accepted here since are added to it:
/// one instance holds it exactly, several may overshoot by what they accept within that time.
/// </remarks>
public sealed class IngestLimits(IServiceScopeFactory scopes, IOptions<CallTrackerOptions> options, TimeProvider clock)
    : IDisposable
{
    private static readonly TimeSpan SettingsLifetime = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan UsageLifetime = TimeSpan.FromSeconds(5);

    private readonly LimitsOptions defaults = options.Value.Limits;
    private readonly MemoryCache cache = new(new MemoryCacheOptions());

    // Keyed by key and limit, so that a changed limit starts a bucket of its own.
    private readonly PartitionedRateLimiter<(string Key, int PerMinute)> perKey =
        PartitionedRateLimiter.Create<(string Key, int PerMinute), (string, int)>(partition =>
            RateLimitPartition.GetTokenBucketLimiter(partition, limit => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limit.PerMinute,
                TokensPerPeriod = Math.Max(1, limit.PerMinute / 60),
                ReplenishmentPeriod = TimeSpan.FromSeconds(limit.PerMinute >= 60 ? 1 : 60.0 / limit.PerMinute),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));

    /// <summary>
    /// Takes <paramref name="events"/> from the key's rate and the project's quota; null when both allow them,
    /// else which refused and when to try again.
    /// </summary>
    public async Task<LimitRefusal?> TakeAsync(
        int projectId, string key, int events, CancellationToken cancellationToken)
    {
        var (perMinute, quota) = await SettingsAsync(projectId, cancellationToken);

        if (perMinute > 0)
        {
            if (events > perMinute)
            {
                // Never allowed however long the client waits: not a 429 to retry, but a request to split.
                return new LimitRefusal(LimitKind.TooLarge, TimeSpan.Zero,
                    $"One request may carry at most {perMinute:N0} events with this key, its limit per minute: " +
                    "send them in smaller requests.");
            }

            using var lease = perKey.AttemptAcquire((key, perMinute), events);
            if (!lease.IsAcquired)
            {
                var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? retryAfter
                    : TimeSpan.FromSeconds(1);
                return new LimitRefusal(LimitKind.Rate, wait,
                    $"This ingest key may send {perMinute:N0} events per minute.");
            }
        }

        if (quota > 0)
        {
            // Checked and counted under one lock, so that concurrent requests cannot both take the last events.
            var usage = await UsageAsync(projectId, cancellationToken);
            lock (usage)
            {
                if (usage.Events + events > quota)
                {
                    var now = clock.GetUtcNow();
                    var nextMonth = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
                    return new LimitRefusal(LimitKind.Quota, nextMonth - now,
                        $"The project has used {usage.Events:N0} of its {quota:N0} events this month (UTC).");
                }

                usage.Events += events;
            }
        }

        return null;
    }

    /// <summary>Forgets a project's limits after they changed through this instance.</summary>
    public void Forget(int projectId) => cache.Remove(("settings", projectId));

    private async Task<(int PerMinute, long Quota)> SettingsAsync(int projectId, CancellationToken cancellationToken) =>
        await cache.GetOrCreateAsync(("settings", projectId), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = SettingsLifetime;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CallTrackerDbContext>();
            var own = await db.Projects.AsNoTracking().Where(project => project.Id == projectId)
                .Select(project => new { project.EventsPerMinutePerKey, project.MonthlyEventQuota })
                .FirstOrDefaultAsync(cancellationToken);
            return (own?.EventsPerMinutePerKey ?? defaults.EventsPerMinutePerKey,
                own?.MonthlyEventQuota ?? defaults.MonthlyEventQuota);
        });

    private async Task<Usage> UsageAsync(int projectId, CancellationToken cancellationToken) =>
        (await cache.GetOrCreateAsync(("usage", projectId), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = UsageLifetime;
            var now = clock.GetUtcNow();
            var month = new DateOnly(now.Year, now.Month, 1);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CallTrackerDbContext>();
            var events = await db.ProjectUsage.AsNoTracking()
                .Where(usage => usage.ProjectId == projectId && usage.Month == month)
                .Select(usage => usage.Events).FirstOrDefaultAsync(cancellationToken);
            return new Usage { Events = events };
        }))!;

    public void Dispose()
    {
        perKey.Dispose();
        cache.Dispose();
    }

    private sealed class Usage
    {
        public long Events { get; set; }
    }
}

public enum LimitKind
{
    Rate,
    Quota,

    /// <summary>More events in one request than the key may send in a minute: it could never pass.</summary>
    TooLarge,
}

/// <summary>Why events were refused, and when to try again.</summary>
public sealed record LimitRefusal(LimitKind Kind, TimeSpan RetryAfter, string Detail)
{
    /// <summary>Whole seconds, at least one, as Retry-After wants them.</summary>
    public string RetryAfterSeconds =>
        Math.Max(1, (long)Math.Ceiling(RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Sentry's header: retry_after:categories:scope:reason_code. No categories means every kind of item;
    /// the rate is the key's, the quota the organisation's (Sentry's name for what a project is here).
    /// </summary>
    public string SentryRateLimits => Kind == LimitKind.Rate
        ? $"{RetryAfterSeconds}::key"
        : $"{RetryAfterSeconds}::organization:usage_exceeded";
}
