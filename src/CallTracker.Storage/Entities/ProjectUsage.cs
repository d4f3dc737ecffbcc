namespace CallTracker.Storage.Entities;

/// <summary>
/// Events a project stored in one calendar month (UTC, by the time they were stored), for its monthly quota.
/// Counted in the writer's transaction, so it survives restarts and holds for every instance.
/// </summary>
public sealed class ProjectUsage
{
    public int ProjectId { get; set; }

    /// <summary>The first day of the month.</summary>
    public DateOnly Month { get; set; }

    /// <summary>New events stored (failed calls and error events); duplicates are not counted.</summary>
    public long Events { get; set; }
}
