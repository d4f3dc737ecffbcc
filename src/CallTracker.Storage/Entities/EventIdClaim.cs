namespace CallTracker.Storage.Entities;

/// <summary>
/// One event id taken in a project, by a failed call or an error event. Deduplication lives here, not in
/// the event tables' keys, so that those can be split into time partitions later: a unique key on a
/// partitioned table must include the time, and a retried event may carry another time.
/// </summary>
public sealed class EventIdClaim
{
    public int ProjectId { get; set; }

    public Guid EventId { get; set; }

    /// <summary><c>call</c> or <c>error</c>: which table holds the event.</summary>
    public required string Kind { get; set; }
}
