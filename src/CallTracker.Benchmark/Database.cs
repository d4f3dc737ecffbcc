using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace CallTracker.Benchmark;

/// <summary>What the benchmark asks PostgreSQL directly: the raw COPY rate and the after-run checks.</summary>
internal static class Database
{
    public static async Task<int> FirstProjectAsync(string connectionString)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand("SELECT min(id) FROM projects", connection);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Rows per second of a binary COPY of failed calls like the load's into call_events, in a project of
    /// its own that is emptied afterwards. COPY skips what ingestion must do (claim the id, keep the issue
    /// and the rollups): it is the ceiling, not a like-for-like.
    /// </summary>
    public static async Task<double> MeasureCopyAsync(string connectionString, int project, int rows)
    {
        await using var connection = await OpenAsync(connectionString);
        await using (var create = new NpgsqlCommand(
            "INSERT INTO projects (name, created_at, customer_behaviour_regresses) VALUES ('copy', now(), false) " +
            "RETURNING id", connection))
        {
            project = (int)(await create.ExecuteScalarAsync())!;
        }

        var clock = Stopwatch.StartNew();
        await using (var copy = await connection.BeginBinaryImportAsync("""
            COPY call_events (project_id, event_id, occurred_at, received_at, sip_code, response_class, direction,
                headers, tags, reasons, sip_warnings, outcome, outcome_basis, q850_cause, nul_removed,
                phone_converted, agent, trunk, phone_number, phone_e164, phone_region, fingerprint)
            FROM STDIN (FORMAT BINARY)
            """))
        {
            var now = DateTimeOffset.UtcNow;
            for (var row = 0; row < rows; row++)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(project, NpgsqlDbType.Integer);
                await copy.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                await copy.WriteAsync(now.AddMilliseconds(-row), NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(486, NpgsqlDbType.Integer);
                await copy.WriteAsync("4xx", NpgsqlDbType.Varchar);
                await copy.WriteAsync("outbound", NpgsqlDbType.Varchar);
                await copy.WriteAsync("""[{"name":"Reason","value":"Q.850;cause=17"}]""", NpgsqlDbType.Jsonb);
                await copy.WriteAsync("{}", NpgsqlDbType.Jsonb);
                await copy.WriteAsync("""[{"protocol":"Q.850","cause":17}]""", NpgsqlDbType.Jsonb);
                await copy.WriteAsync("[]", NpgsqlDbType.Jsonb);
                await copy.WriteAsync("busy", NpgsqlDbType.Varchar);
                await copy.WriteAsync("code", NpgsqlDbType.Varchar);
                await copy.WriteAsync(17, NpgsqlDbType.Integer);
                await copy.WriteAsync(false, NpgsqlDbType.Boolean);
                await copy.WriteAsync(false, NpgsqlDbType.Boolean);
                await copy.WriteAsync($"agent-{row % 40}", NpgsqlDbType.Text);
                await copy.WriteAsync($"trunk-{row % 4}", NpgsqlDbType.Text);
                await copy.WriteAsync($"09{10_000_000 + row}", NpgsqlDbType.Text);
                await copy.WriteAsync($"+849{10_000_000 + row}", NpgsqlDbType.Varchar);
                await copy.WriteAsync("VN", NpgsqlDbType.Varchar);
                await copy.WriteAsync(new string('a', 64), NpgsqlDbType.Char);
            }

            await copy.CompleteAsync();
        }

        var rate = rows / clock.Elapsed.TotalSeconds;
        await using var delete = new NpgsqlCommand(
            $"DELETE FROM call_events WHERE project_id = {project}; DELETE FROM projects WHERE id = {project}",
            connection);
        await delete.ExecuteNonQueryAsync();
        return rate;
    }

    /// <summary>Every acknowledged id is in event_ids and call_events exactly once.</summary>
    public static async Task<Verification> VerifyAsync(string connectionString, int project, List<Guid> acknowledged)
    {
        await using var connection = await OpenAsync(connectionString);
        await using (var create = new NpgsqlCommand("CREATE TEMP TABLE acknowledged (event_id uuid)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY acknowledged (event_id) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var id in acknowledged)
            {
                await copy.WriteRowAsync(CancellationToken.None, id);
            }

            await copy.CompleteAsync();
        }

        await using var check = new NpgsqlCommand($"""
            SELECT
                (SELECT count(*) FROM acknowledged),
                (SELECT count(*) FROM acknowledged a
                    WHERE NOT EXISTS (SELECT 1 FROM call_events e WHERE e.project_id = {project}
                        AND e.event_id = a.event_id)),
                (SELECT count(*) FROM (SELECT event_id FROM call_events WHERE project_id = {project}
                    GROUP BY event_id HAVING count(*) > 1) AS twice)
            """, connection);
        await using var reader = await check.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new Verification(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public static async Task AnalyzeAsync(string connectionString)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand("VACUUM ANALYZE", connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }
}

/// <summary>The after-run check: acknowledged ids, those missing, those stored twice.</summary>
internal sealed record Verification(long Acknowledged, long Missing, long StoredTwice)
{
    public bool Passed => Missing == 0 && StoredTwice == 0;
}
