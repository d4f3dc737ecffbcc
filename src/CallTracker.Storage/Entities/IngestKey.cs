namespace CallTracker.Storage.Entities;

/// <summary>
/// The key a CRM front end sends with its events. It ships inside browser JavaScript, so it is
/// public by nature and stored as is: it lets a client write events, never read them.
/// </summary>
public sealed class IngestKey
{
    public int ProjectId { get; set; }

    /// <summary>How the admin API names the key, so that the key itself never has to be in a URL.</summary>
    public Guid Id { get; set; }

    /// <summary>Where the key is used, for the people who manage it (crm-production, staging, ...).</summary>
    public string? Name { get; set; }

    /// <summary>32 lowercase hex digits, so that it also fits in a Sentry DSN.</summary>
    public required string Key { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
