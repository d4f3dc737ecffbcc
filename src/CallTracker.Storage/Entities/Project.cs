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

    public List<IngestKey> IngestKeys { get; set; } = [];

    public List<ApiToken> ApiTokens { get; set; } = [];
}
