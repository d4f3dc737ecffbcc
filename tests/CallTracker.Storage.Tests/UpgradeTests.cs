using CallTracker.Storage.LocalServer;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace CallTracker.Storage.Tests;

/// <summary>
/// A database of an earlier version, upgraded by the migrations: nothing stored before is lost, and what
/// the new schema derives from it (claimed ids, rollups) is filled in.
/// </summary>
public sealed class UpgradeTests
{
    // The last migration of the first release: events and issues, before error issues, ids and rollups.
    private const string FirstRelease = "20261204170056_Issues";

    [Fact]
    public async Task EventsStoredByTheFirstRelease_AreKept_Claimed_AndCountedIntoTheRollups()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"calltracker-upgrade-{Guid.NewGuid():N}");
        await using var server = await LocalPostgresServer.StartAsync(
            new LocalPostgresOptions { Directory = directory, Ephemeral = true });
        // As the service configures it (StorageSetup), so that the migrations run exactly as at start-up.
        var options = new DbContextOptionsBuilder<CallTrackerDbContext>()
            .UseNpgsql(server.ConnectionString).UseSnakeCaseNamingConvention();
        await using var db = new CallTrackerDbContext(options.Options);

        await db.GetService<IMigrator>().MigrateAsync(FirstRelease);
        await ExecuteAsync(server.ConnectionString, """
            INSERT INTO projects (name, created_at) VALUES ('old', now());
            INSERT INTO call_events (project_id, event_id, occurred_at, received_at, sip_code, response_class,
                direction, headers, tags, reasons, sip_warnings, outcome, agent, nul_removed, phone_converted)
            SELECT 1, gen_random_uuid(), now() - n * interval '20 minutes', now(), 486, '4xx', 'outbound', '[]',
                '{}', '[]', '[]', 'busy', 'agent-' || (n % 3), false, false
            FROM generate_series(1, 10) AS n;
            INSERT INTO error_events (project_id, event_id, occurred_at, received_at, level, message, tags, payload)
            VALUES (1, gen_random_uuid(), now(), now(), 'error', 'old error', '{}', '{"message":"old error"}');
            """);
        await db.Database.MigrateAsync();

        Assert.Equal(10, await CountAsync(server.ConnectionString, "SELECT count(*) FROM call_events"));
        Assert.Equal(1, await CountAsync(server.ConnectionString, "SELECT count(*) FROM error_events"));
        Assert.Equal(11, await CountAsync(server.ConnectionString, "SELECT count(*) FROM event_ids"));
        foreach (var (grain, set) in new[] { ("h", 0), ("d", 0), ("h", 1), ("d", 3) })
        {
            Assert.Equal(10, await CountAsync(server.ConnectionString,
                $"SELECT sum(count)::bigint FROM call_rollups WHERE grain = '{grain}' AND dimension_set = {set}"));
        }

        Assert.Equal(3, await CountAsync(server.ConnectionString,
            "SELECT count(DISTINCT agent) FROM call_rollups WHERE dimension_set = 1"));
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
