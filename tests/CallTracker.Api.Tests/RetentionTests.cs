using CallTracker.Api.Hosting;
using CallTracker.Api.Security;
using CallTracker.Api.Tests.Infrastructure;
using CallTracker.Storage;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CallTracker.Api.Tests;

/// <summary>
/// CallTracker:Retention (issue 7): events older than EventDays and rollups, issues and alerts older than RollupDays
/// are deleted in bounded batches, while ingestion goes on. Each test sweeps only its own project: the suite
/// shares one database.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class RetentionTests(ApiFixture fixture) : IAsyncLifetime
{
    private WebApplicationFactory<Program> host = null!;

    public Task InitializeAsync()
    {
        // Events up to 400 days old are taken as sent, so that the test can post old ones.
        host = fixture.Factory.WithWebHostBuilder(builder => builder
            .UseSetting("CallTracker:Ingestion:MaxAge", "400.00:00:00")
            .UseSetting("CallTracker:Retention:EventDays", "30")
            .UseSetting("CallTracker:Retention:RollupDays", "60")
            .UseSetting("CallTracker:Retention:BatchSize", "2"));
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => host.DisposeAsync().AsTask();

    [Fact]
    public async Task ASweep_DeletesOldEventsInBatches_KeepsYoungerRollups_AndDropsIssuesLastSeenBeforeThem()
    {
        var project = await fixture.CreateProjectAsync();
        var ingest = host.CreateClient();
        ingest.DefaultRequestHeaders.Add(Authentication.IngestKeyHeader, project.IngestKey);
        await PostAsync(ingest, DaysAgo(100), 486, 486, 404);
        await PostAsync(ingest, DaysAgo(45), 486, 486);
        await PostAsync(ingest, DaysAgo(1), 486);
        await PostErrorAsync(project, DaysAgo(100));
        foreach (var days in new[] { 100, 1 })
        {
            await fixture.ExecuteSqlAsync("INSERT INTO alerts (project_id, rule_id, kind, at, summary, message, " +
                $"deliveries) VALUES ({project.Id}, 1, 'fired', now() - '{days} days'::interval, 'old', '{{}}', '[]')");
        }

        var sweeper = host.Services.GetRequiredService<RetentionSweeper>();
        var (eventsBefore, rollupsBefore) = sweeper.Cutoffs(DateTimeOffset.UtcNow);

        var swept = await host.Services.GetRequiredService<Retention>()
            .SweepProjectAsync(project.Id, eventsBefore, rollupsBefore, batchSize: 2, CancellationToken.None);

        Assert.Equal(5, swept.Calls);
        Assert.Equal(1, swept.Errors);
        Assert.Equal(2, swept.Issues); // the 404's, and the error's
        Assert.Equal(1, swept.Alerts);
        Assert.True(swept.Batches >= 3 + 1 + 1 + 1, $"5 calls in batches of 2 take 3; got {swept.Batches} in all");
        Assert.Equal(1, await Count("call_events"));
        Assert.Equal(0, await Count("error_events"));
        Assert.Equal(1, await Count("event_ids"));
        Assert.Equal(3, await fixture.CountSqlAsync(
            $"SELECT sum(count)::bigint FROM call_rollups WHERE project_id = {project.Id} AND grain = 'd' " +
            "AND dimension_set = 0"));
        Assert.Equal(0, await fixture.CountSqlAsync(
            $"SELECT count(*) FROM call_rollups WHERE project_id = {project.Id} " +
            "AND period_start < now() - '60 days'::interval"));
        Assert.Equal(1, await Count("issues"));
        Assert.Equal(1, await Count("alerts"));

        Task<long> Count(string table) =>
            fixture.CountSqlAsync($"SELECT count(*) FROM {table} WHERE project_id = {project.Id}");
    }

    [Fact]
    public async Task ASweep_DoesNotHoldUpIngestion()
    {
        var project = await fixture.CreateProjectAsync();
        var ingest = host.CreateClient();
        ingest.DefaultRequestHeaders.Add(Authentication.IngestKeyHeader, project.IngestKey);
        await PostAsync(ingest, DaysAgo(100), Enumerable.Repeat(486, 200).ToArray());

        var sweep = host.Services.GetRequiredService<Retention>().SweepProjectAsync(
            project.Id, DateTimeOffset.UtcNow.AddDays(-30), null, batchSize: 10, CancellationToken.None);
        await PostAsync(ingest, DaysAgo(0), 480, 480, 480);
        var swept = await sweep;

        Assert.Equal(200, swept.Calls);
        Assert.True(swept.Batches >= 20, $"200 calls in batches of 10 take 20; got {swept.Batches}");
        Assert.Equal(3, await fixture.CountSqlAsync(
            $"SELECT count(*) FROM call_events WHERE project_id = {project.Id}"));
    }

    [Theory]
    [InlineData(90, 30)]
    [InlineData(0, 730)]
    [InlineData(-1, 0)]
    public void RollupsKeptShorterThanTheirEvents_OrNegativeDays_StopTheStart(int eventDays, int rollupDays) =>
        Assert.Throws<InvalidOperationException>(() => RetentionSweeper.Validate(
            new RetentionOptions { EventDays = eventDays, RollupDays = rollupDays }));

    private static string DaysAgo(int days) =>
        DateTimeOffset.UtcNow.AddDays(-days).AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");

    private static async Task PostAsync(HttpClient ingest, string occurredAt, params int[] codes)
    {
        var events = codes.Select(code => new { occurredAt, sipCode = code, phoneNumber = "0901234501" }).ToArray();
        (await ingest.PostEventsAsync(events)).EnsureSuccessStatusCode();
    }

    private async Task PostErrorAsync(TestProject project, string occurredAt)
    {
        var eventId = Guid.NewGuid();
        var payload = $"{{\"event_id\":\"{eventId:N}\",\"timestamp\":\"{occurredAt}\",\"platform\":\"javascript\"," +
            "\"level\":\"error\",\"message\":\"WebSocket closed\"}";
        var response = await host.CreateClient().PostSentryEventAsync(project.Id, project.IngestKey, eventId, payload);
        response.EnsureSuccessStatusCode();
    }
}
