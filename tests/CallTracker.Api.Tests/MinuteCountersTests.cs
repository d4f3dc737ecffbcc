using System.Net.Http.Json;
using CallTracker.Api.Alerts;
using CallTracker.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>
/// The minute counters behind the alert rules' windows (issue 8): fed by the writer with new events only,
/// bounded by the window's minutes, and rebuilt from the database at start to the same counts.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class MinuteCountersTests(ApiFixture fixture)
{
    [Fact]
    public async Task Counters_CountNewEventsByMinute_NotDuplicates_AndARebuildAgrees()
    {
        var project = await fixture.CreateProjectAsync();
        var repeated = Guid.NewGuid();
        await project.Ingest.PostEventsAsync(new object[]
        {
            new { eventId = repeated, occurredAt = MinutesAgo(2), sipCode = 486, trunk = "viettel-1" },
            new { occurredAt = MinutesAgo(2), sipCode = 503, trunk = "viettel-1" },
            new { occurredAt = MinutesAgo(3), sipCode = 503, trunk = "viettel-1" },
            new { occurredAt = MinutesAgo(3), sipCode = 200, trunk = "viettel-1" },
            new { occurredAt = MinutesAgo(20), sipCode = 503, trunk = "viettel-1" },
        });
        await project.Ingest.PostEventsAsync(new { eventId = repeated, occurredAt = MinutesAgo(2), sipCode = 486 });
        var now = DateTimeOffset.UtcNow;
        static bool NetworkErrors(CounterKey key) => key.Outcome == "network_error";
        var live = fixture.Factory.Services.GetRequiredService<MinuteCounters>();
        var rebuilt = new MinuteCounters(TimeProvider.System);

        var counted = live.Count(project.Id, now.AddMinutes(-10), now.AddMinutes(1), NetworkErrors);
        await rebuilt.RebuildAsync(fixture.Factory.Services.GetRequiredService<NpgsqlDataSource>(), default);
        var recounted = rebuilt.Count(project.Id, now.AddMinutes(-10), now.AddMinutes(1), NetworkErrors);
        var wider = live.Count(project.Id, now.AddMinutes(-30), now.AddMinutes(1), NetworkErrors);

        Assert.Equal(2, counted.Matching);
        Assert.Equal(4, counted.Attempts);
        Assert.Equal(503, Assert.Single(counted.MatchingByKey).Key.SipCode);
        Assert.Equal(counted.Matching, recounted.Matching);
        Assert.Equal(counted.Attempts, recounted.Attempts);
        Assert.Equal(3, wider.Matching);
    }

    [Fact]
    public async Task TagPairsARuleFiltersOn_AreCounted_OtherTagsAreNot_AndARebuildAgrees()
    {
        await using var host = await AlertHost.StartAsync(fixture);
        var (project, ingest, admin) = (host.Project, host.Ingest, host.Admin);
        (await admin.PostAsJsonAsync($"/api/v1/projects/{project.Id}/alert-rules", new
        {
            name = "Spring campaign failing",
            trigger = "event_count",
            threshold = 1000,
            windowMinutes = 10,
            filter = new { tags = new { campaign = "spring" } },
            actions = new { emails = new[] { "oncall@calltracker.test" } },
        })).EnsureSuccessStatusCode();
        await host.Evaluator.EvaluateAsync(default);

        (await ingest.PostEventsAsync(new object[]
        {
            new { occurredAt = MinutesAgo(1), sipCode = 503, tags = new { campaign = "spring", lead = "a1" } },
            new { occurredAt = MinutesAgo(1), sipCode = 503, tags = new { lead = "a2", campaign = "spring" } },
            new { occurredAt = MinutesAgo(1), sipCode = 503, tags = new { campaign = "autumn" } },
            new { occurredAt = MinutesAgo(1), sipCode = 503 },
        })).EnsureSuccessStatusCode();
        var now = DateTimeOffset.UtcNow;
        var filter = new RuleFilter([], [], [], [], [], new Dictionary<string, string> { ["campaign"] = "spring" });
        var live = host.Host.Services.GetRequiredService<MinuteCounters>();
        var rebuilt = new MinuteCounters(TimeProvider.System);
        rebuilt.Watch([(project.Id, new Dictionary<string, string> { ["campaign"] = "spring" })]);

        var counted = live.Count(project.Id, now.AddMinutes(-10), now.AddMinutes(1), filter.Matches);
        await rebuilt.RebuildAsync(host.Host.Services.GetRequiredService<NpgsqlDataSource>(), default);
        var recounted = rebuilt.Count(project.Id, now.AddMinutes(-10), now.AddMinutes(1), filter.Matches);
        var keys = live.Count(project.Id, now.AddMinutes(-10), now.AddMinutes(1), _ => true).MatchingByKey;

        Assert.Equal(2, counted.Matching);
        Assert.Equal(4, counted.Attempts);
        Assert.Equal(counted.Matching, recounted.Matching);
        Assert.Equal(counted.Attempts, recounted.Attempts);
        Assert.Equal(["", "campaign\u001Fspring\u001E"], keys.Select(key => key.Key.Tags).Order());
    }

    [Fact]
    public void AProjectWithNoEvents_CountsNothing() =>
        Assert.Equal(0, new MinuteCounters(TimeProvider.System)
            .Count(-1, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow, _ => true).Attempts);
}
