namespace CallTracker.Storage.Entities;

/// <summary>A CRM (or one of its environments) whose failed calls are tracked together.</summary>
public sealed class Project
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// When true, a new event on a resolved customer-behaviour issue (busy, no answer, ...) marks it as a
    /// regression too. Off by default: the next busy customer is not news.
    /// </summary>
    public bool CustomerBehaviourRegresses { get; set; }

    /// <summary>
    /// Browser origins (https://crm.example.com) whose pages may post this project's events; empty means the
    /// installation's CallTracker:Cors:AllowedOrigins, and when that is empty too, any origin.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Events one ingest key may send per minute; null means the installation's setting.</summary>
    public int? EventsPerMinutePerKey { get; set; }

    /// <summary>Events the project may store per calendar month (UTC); null means the installation's setting.</summary>
    public long? MonthlyEventQuota { get; set; }

    public List<IngestKey> IngestKeys { get; set; } = [];

    public List<ApiToken> ApiTokens { get; set; } = [];
}
