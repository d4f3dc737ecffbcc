using CallTracker.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace CallTracker.Api.Security;

/// <summary>
/// Known ingest keys, remembered for half a minute: every ingest request is authenticated, and a database
/// round trip per request would cost more than storing its event. A key revoked through this instance is
/// forgotten at once; on other instances it stops working within that time. Only keys that exist are
/// remembered, and at most 10,000, so random keys cannot fill memory.
/// </summary>
public sealed class IngestKeyCache : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly MemoryCache keys = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    /// <summary>The project of a working (not revoked) key, or null; a malformed key costs no lookup.</summary>
    public async ValueTask<int?> FindProjectAsync(
        string? key, CallTrackerDbContext db, CancellationToken cancellationToken)
    {
        if (!Secrets.IsValidIngestKey(key))
        {
            return null;
        }

        if (keys.TryGetValue(key!, out int cached))
        {
            return cached;
        }

        // TODO: on a database that hangs rather than refuses, a key not in memory waits on Npgsql's timeouts
        // (15 s to connect, 30 s per statement), not CommitTimeout; so do the project's limits and origins.
        // Giving up on the query early would leave it running on a pooled DbContext that the next request gets.
        var projectId = await db.IngestKeys.AsNoTracking()
            .Where(ingestKey => ingestKey.Key == key && ingestKey.RevokedAt == null)
            .Select(ingestKey => (int?)ingestKey.ProjectId)
            .FirstOrDefaultAsync(cancellationToken);
        if (projectId is { } found)
        {
            keys.Set(key!, found, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });
        }

        return projectId;
    }

    /// <summary>Forgets a key that was just revoked, so that this instance refuses it at once.</summary>
    public void Forget(string key) => keys.Remove(key);

    public void Dispose() => keys.Dispose();
}
