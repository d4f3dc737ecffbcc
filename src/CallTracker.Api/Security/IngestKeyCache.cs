using Microsoft.Extensions.Caching.Memory;

namespace CallTracker.Api.Security;

/// <summary>
/// Known ingest keys, remembered for half a minute: every ingest request is authenticated, and a database
/// round trip per request would cost more than storing its event. A revoked key stops working within that
/// time. Only keys that exist are remembered, and at most 10,000, so random keys cannot fill memory.
/// </summary>
public sealed class IngestKeyCache : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly MemoryCache keys = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public int? Find(string key) => keys.TryGetValue(key, out int projectId) ? projectId : null;

    public void Remember(string key, int projectId) =>
        keys.Set(key, projectId, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });

    public void Dispose() => keys.Dispose();
}
