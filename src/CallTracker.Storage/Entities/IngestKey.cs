namespace CallTracker.Storage.Entities;

/// <summary>
/// The key a CRM front end sends with its events. It ships inside browser JavaScript, so it is
/// public by nature and stored as is: it lets a client write events, never read them.
/// </summary>
public sealed class IngestKey
{
    public int ProjectId { get; set; }

    /// <summary>32 lowercase hex digits, so that it also fits in a Sentry DSN.</summary>
    public required string Key { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
