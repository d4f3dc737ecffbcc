using System.Net;
using CallTracker.Api.Security;
using CallTracker.Api.Tests.Infrastructure;
using Npgsql;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>
/// The ingest path of issue 6: group commit through a bounded queue, one batch's failure kept to its own
/// requests, and rollups that always agree with the events. The database is held still with a table lock
/// where a test must catch a request between being queued and being committed.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class IngestPipelineTests(ApiFixture fixture)
{
    [Fact]
    public async Task ARequest_IsAnsweredOnlyOnceItsEventsHaveCommitted()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();

        await using var hold = await HoldWritesAsync();
        var post = project.Ingest.PostEventsAsync(new { eventId, occurredAt = MinutesAgo(1), sipCode = 486 });
        var answeredWhileHeld = await Task.WhenAny(post, Task.Delay(TimeSpan.FromMilliseconds(500))) == post;
        var storedWhileHeld = await CountAsync($"SELECT count(*) FROM call_events WHERE event_id = '{eventId}'");
        await hold.ReleaseAsync();
        var response = await post;

        Assert.False(answeredWhileHeld);
        Assert.Equal(0, storedWhileHeld);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM call_events WHERE event_id = '{eventId}'"));
    }

    [Fact]
    public async Task AFullQueue_Is503WithRetryAfterAtOnce_AndTheQueuedRequestStillCommits()
    {
        var project = await fixture.CreateProjectAsync();
        await using var small = fixture.Factory.WithWebHostBuilder(host =>
            host.UseSetting("CallTracker:Ingestion:QueueCapacity", "5"));
        var ingest = small.CreateClient();
        ingest.DefaultRequestHeaders.Add(Authentication.IngestKeyHeader, project.IngestKey);
        object[] Three() => [.. Enumerable.Range(0, 3).Select(_ => new { occurredAt = MinutesAgo(1), sipCode = 503 })];

        await using var hold = await HoldWritesAsync();
        var queued = ingest.PostEventsAsync(Three());
        await WaitUntilAsync(() => CountAsync("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"));
        var turnedAway = await ingest.PostEventsAsync(Three());
        await hold.ReleaseAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, turnedAway.StatusCode);
        Assert.Equal("1", turnedAway.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.Accepted, (await queued).StatusCode);
        Assert.Equal(3, await CountAsync($"SELECT count(*) FROM call_events WHERE project_id = {project.Id}"));
    }

    [Fact]
    public async Task ARequestTheDatabaseRefuses_Is503_AndTheOthersInItsBatchAreStored()
    {
        var project = await fixture.CreateProjectAsync();

        // A trigger stands for a failure only the database can see; the writer must keep it to its request.
        await fixture.ExecuteSqlAsync("""
            CREATE OR REPLACE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.agent = 'poison' THEN RAISE EXCEPTION 'poison'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_poison BEFORE INSERT ON call_events FOR EACH ROW EXECUTE FUNCTION refuse_poison();
            """);
        try
        {
            HttpResponseMessage[] responses;
            await using (var hold = await HoldWritesAsync())
            {
                var posts = new[] { "a1", "poison", "a2" }.Select(agent => project.Ingest.PostEventsAsync(
                    new { occurredAt = MinutesAgo(1), sipCode = 486, agent })).ToList();
                await WaitUntilAsync(() => CountAsync(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"));
                await hold.ReleaseAsync();
                responses = await Task.WhenAll(posts);
            }

            Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.ServiceUnavailable, HttpStatusCode.Accepted],
                responses.Select(response => response.StatusCode));
            Assert.Equal(2, await CountAsync($"SELECT count(*) FROM call_events WHERE project_id = {project.Id}"));
        }
        finally
        {
            await fixture.ExecuteSqlAsync("DROP TRIGGER refuse_poison ON call_events; DROP FUNCTION refuse_poison();");
        }
    }

    [Fact]
    public async Task RollupsAndEvents_Agree_AfterConcurrentIngestionWithDuplicates()
    {
        var project = await fixture.CreateProjectAsync();
        var ids = Enumerable.Range(0, 150).Select(_ => Guid.NewGuid()).ToArray();
        var codes = new int?[] { 486, 480, 503, 404, null, 200 };

        // 12 requests of 40 events drawn from 150 ids: many ids arrive twice, some in the same batch.
        int Pick(int request, int index) => (request * 37 + index * 11) % ids.Length;
        var sent = Enumerable.Range(0, 12).SelectMany(request => Enumerable.Range(0, 40)
            .Select(index => Pick(request, index))).Distinct().Count();
        var posts = Enumerable.Range(0, 12).Select(request => project.Ingest.PostEventsAsync(
            Enumerable.Range(0, 40).Select(index =>
            {
                var id = Pick(request, index);
                return new
                {
                    eventId = ids[id],
                    occurredAt = DateTimeOffset.UtcNow.AddHours(-(id % 5)).ToString("O"),
                    sipCode = codes[id % codes.Length],
                    localCause = codes[id % codes.Length] is null ? "transport_error" : null,
                    agent = $"agent-{id % 3}",
                    trunk = id % 2 == 0 ? "t1" : null,
                };
            }).ToArray())).ToList();
        await Task.WhenAll(posts);

        // Each grain and set against the same counting over the events: base by hour, agent by hour, trunk by
        // UTC day, country and carrier by hour.
        string Events(string period, string dimensions) => $"""
            SELECT {period}, response_class, coalesce(sip_code, 0), coalesce(outcome, 'unknown'), {dimensions},
                count(*)
            FROM call_events WHERE project_id = {project.Id} GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
            """;
        string Rollups(string grain, int set, string dimensions) => $"""
            SELECT period_start, response_class, sip_code, outcome, {dimensions}, sum(count)::bigint
            FROM call_rollups WHERE project_id = {project.Id} AND grain = '{grain}' AND dimension_set = {set}
            GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
            """;
        const string hour = "date_trunc('hour', occurred_at, 'UTC')";
        const string day = "date_trunc('day', occurred_at, 'UTC')";
        var pairs = new[]
        {
            (Events(hour, "coalesce(q850_cause, 0)"), Rollups("h", 0, "q850_cause")),
            (Events(hour, "coalesce(agent, '')"), Rollups("h", 1, "agent")),
            (Events(day, "coalesce(trunk, '')"), Rollups("d", 2, "trunk")),
            (Events(hour, "coalesce(phone_carrier, '')"), Rollups("h", 3, "carrier")),
        };
        var stored = await CountAsync($"SELECT count(*) FROM call_events WHERE project_id = {project.Id}");

        foreach (var (events, rollups) in pairs)
        {
            Assert.Equal(await RowsAsync(events), await RowsAsync(rollups));
        }

        Assert.Equal(sent, stored);
    }

    [Fact]
    public async Task Metrics_AreServedInPrometheusFormat()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(1), sipCode = 486 });
        await project.Ingest.PostEventsAsync(new { occurredAt = "yesterday", sipCode = 486 });
        await project.Read.GetAsync("/api/v1/reports/classes");

        var metrics = await fixture.Factory.CreateClient().GetStringAsync("/metrics");

        Assert.Contains("calltracker_events_accepted_total{source=\"native\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("calltracker_batch_commit_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("calltracker_ingest_queue_depth", metrics, StringComparison.Ordinal);
        Assert.Contains("calltracker_events_rejected_total{reason=\"invalid\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("calltracker_report_seconds_count{report=\"/api/v1/reports/classes\"}", metrics,
            StringComparison.Ordinal);
    }

    /// <summary>Blocks every insert into event_ids until released: the writer's batch waits on the lock.</summary>
    private async Task<TableHold> HoldWritesAsync()
    {
        var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("LOCK TABLE event_ids IN EXCLUSIVE MODE", connection);
        await command.ExecuteNonQueryAsync();
        return new TableHold(connection, transaction);
    }

    private static async Task WaitUntilAsync(Func<Task<long>> count)
    {
        for (var attempt = 0; attempt < 100 && await count() == 0; attempt++)
        {
            await Task.Delay(50);
        }
    }

    private Task<long> CountAsync(string sql) => fixture.CountSqlAsync(sql);

    private async Task<List<string>> RowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(reader.GetValue)));
        }

        return rows;
    }

    private sealed class TableHold(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async Task ReleaseAsync()
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await transaction.CommitAsync();
                await connection.CloseAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await ReleaseAsync();
            await connection.DisposeAsync();
        }
    }
}
