using Npgsql;

namespace CallTracker.Storage;

/// <summary>How much one project's sweep deleted, and in how many transactions.</summary>
public sealed record SweepResult(long Calls, long Errors, long Rollups, long Issues, long Alerts, int Batches);

/// <summary>
/// Deletes what is older than the retention allows, in bounded batches: each batch is its own short
/// transaction that locks only the old rows it deletes, so ingestion, which only ever touches the current
/// hour's rows, never waits for it, and a sweep stopped half-way has lost nothing that should stay.
/// </summary>
/// <remarks>
/// Events go with their id claims in event_ids: a client does not retry an event for months, and the claims
/// would otherwise grow without bound. Issues last seen before the rollups' cutoff go too; a younger issue
/// keeps its count and first-seen after its oldest events are gone, as Sentry's do.
/// When the event tables are split into time partitions (docs/SCALING.md), dropping a month's partition
/// replaces the event batches here.
/// </remarks>
public sealed class Retention(NpgsqlDataSource dataSource)
{
    // The primary key (project_id, occurred_at, event_id) finds the oldest rows of one project first.
    private const string DeleteCallsSql = """
        WITH doomed AS (
            SELECT project_id, occurred_at, event_id FROM call_events
            WHERE project_id = $1 AND occurred_at < $2
            ORDER BY occurred_at
            LIMIT $3
        ),
        gone AS (
            DELETE FROM call_events AS call USING doomed
            WHERE call.project_id = doomed.project_id AND call.occurred_at = doomed.occurred_at
                AND call.event_id = doomed.event_id
            RETURNING call.project_id, call.event_id
        ),
        unclaimed AS (
            DELETE FROM event_ids AS claim USING gone
            WHERE claim.project_id = gone.project_id AND claim.event_id = gone.event_id
        )
        SELECT count(*) FROM gone
        """;

    private const string DeleteErrorsSql = """
        WITH doomed AS (
            SELECT project_id, occurred_at, event_id FROM error_events
            WHERE project_id = $1 AND occurred_at < $2
            ORDER BY occurred_at
            LIMIT $3
        ),
        gone AS (
            DELETE FROM error_events AS error USING doomed
            WHERE error.project_id = doomed.project_id AND error.occurred_at = doomed.occurred_at
                AND error.event_id = doomed.event_id
            RETURNING error.project_id, error.event_id
        ),
        unclaimed AS (
            DELETE FROM event_ids AS claim USING gone
            WHERE claim.project_id = gone.project_id AND claim.event_id = gone.event_id
        )
        SELECT count(*) FROM gone
        """;

    // Every grain and dimension set named, so that the primary key's (project, grain, set, period) prefix
    // finds the old rows without reading the young ones.
    private const string DeleteRollupsSql = """
        WITH gone AS (
            DELETE FROM call_rollups WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM call_rollups
                WHERE project_id = $1 AND grain = ANY('{h,d}') AND dimension_set = ANY('{0,1,2,3}')
                    AND period_start < $2
                LIMIT $3))
            RETURNING 1
        )
        SELECT count(*) FROM gone
        """;

    private const string DeleteIssuesSql = """
        WITH gone AS (
            DELETE FROM issues WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM issues WHERE project_id = $1 AND last_seen < $2 LIMIT $3))
            RETURNING 1
        )
        SELECT count(*) FROM gone
        """;

    // The alert history goes with the reports it points to: (project_id, at, id) finds the oldest first.
    private const string DeleteAlertsSql = """
        WITH gone AS (
            DELETE FROM alerts WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM alerts WHERE project_id = $1 AND at < $2 LIMIT $3))
            RETURNING 1
        )
        SELECT count(*) FROM gone
        """;

    /// <summary>Every project's id, for a sweep over all of them.</summary>
    public Task<List<int>> ProjectIdsAsync(CancellationToken cancellationToken) =>
        ProjectIds.AllAsync(dataSource, cancellationToken);

    /// <summary>
    /// Deletes one project's events older than <paramref name="eventsBefore"/>, and its rollups, issues and alerts
    /// older than <paramref name="rollupsBefore"/> (null: kept for ever), <paramref name="batchSize"/> rows per
    /// transaction, until none is left or <paramref name="cancellationToken"/> stops it.
    /// </summary>
    public async Task<SweepResult> SweepProjectAsync(
        int projectId, DateTimeOffset? eventsBefore, DateTimeOffset? rollupsBefore, int batchSize,
        CancellationToken cancellationToken)
    {
        var batches = 0;
        async Task<long> DeleteAllAsync(string sql, DateTimeOffset? before)
        {
            long deleted = 0;
            while (before is not null)
            {
                await using var command = dataSource.CreateCommand(sql);
                command.Parameters.Add(new NpgsqlParameter { Value = projectId });
                command.Parameters.Add(new NpgsqlParameter { Value = before.Value.ToUniversalTime() });
                command.Parameters.Add(new NpgsqlParameter { Value = batchSize });
                var rows = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
                batches++;
                deleted += rows;
                if (rows < batchSize)
                {
                    break;
                }
            }

            return deleted;
        }

        var calls = await DeleteAllAsync(DeleteCallsSql, eventsBefore);
        var errors = await DeleteAllAsync(DeleteErrorsSql, eventsBefore);
        var rollups = await DeleteAllAsync(DeleteRollupsSql, rollupsBefore);
        var issues = await DeleteAllAsync(DeleteIssuesSql, rollupsBefore);
        var alerts = await DeleteAllAsync(DeleteAlertsSql, rollupsBefore);
        return new SweepResult(calls, errors, rollups, issues, alerts, batches);
    }
}
