using System.Net;
using System.Net.Http.Json;
using CallTracker.Api.Tests.Infrastructure;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>What the fresh-user review of issue 5 found, each kept from coming back.</summary>
[Collection(ApiSuite.Name)]
public sealed class ReviewFixTests(ApiFixture fixture)
{
    [Fact]
    public async Task ACallAndAnErrorWithTheSameCustomFingerprint_AreTwoIssues()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostAsJsonAsync($"/api/{project.Id}/store/?sentry_key={project.IngestKey}",
            new { timestamp = MinutesAgo(1), message = "A", fingerprint = new[] { "my-group" } });
        await project.Ingest.PostEventsAsync(
            new { occurredAt = MinutesAgo(1), sipCode = 486, fingerprint = new[] { "my-group" } });

        var issues = (await project.Read.GetJsonAsync("/api/v1/issues"))["items"]!.AsArray();

        Assert.Equal(["call:1", "error:1"], issues
            .Select(issue => $"{(string)issue!["kind"]!}:{issue["eventCount"]!.GetValue<long>()}").Order());
    }

    [Theory]
    [InlineData("/api/v1/reports/timeseries?interval=hour&from=0001-01-01T00:00:00Z&to=0001-01-02T00:00:00Z", "from")]
    [InlineData("/api/v1/reports/classes?to=0001-01-01T00:00:00Z", "to")]
    [InlineData("/api/v1/reports/classes?from=9999-12-31", "from")]
    [InlineData("/api/v1/reports/timeseries?tz=right/UTC", "tz")]
    public async Task BoundsAtTheEndsOfTheCalendar_AndOddZones_Are400(string path, string parameter)
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Read.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(parameter, (await response.JsonAsync())["errors"]!.AsObject().Select(error => error.Key));
    }

    [Fact]
    public async Task DayBuckets_StartAtTheFirstLocalTime_WhereDaylightSavingSkipsMidnight()
    {
        var project = await fixture.CreateProjectAsync();
        var day = DateTimeOffset.UtcNow.AddDays(-3).Date;
        var from = day.ToString("yyyy-MM-dd");
        var to = day.AddDays(3).ToString("yyyy-MM-dd");

        // Santiago jumps from 00:00 to 01:00 on the first Sunday of September; any three days show the rule.
        var report = await project.Read.GetJsonAsync(
            $"/api/v1/reports/timeseries?interval=day&tz=America/Santiago&from={from}&to={to}");
        var starts = report["buckets"]!.AsArray().Select(bucket => (string)bucket!["start"]!).ToList();

        Assert.Equal(3, starts.Count);
        Assert.All(starts, start => Assert.Contains("T00:00:00", start, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnEmptyBucket_HasNoRatios_WhileABucketOfFailuresHasZero()
    {
        var project = await fixture.CreateProjectAsync();
        var hour = new DateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1).Date.AddHours(9), TimeSpan.Zero);
        await project.Ingest.PostEventsAsync(new object[]
        {
            new { occurredAt = hour.AddMinutes(5).ToString("O"), sipCode = 200 },
            new { occurredAt = hour.AddHours(1).AddMinutes(5).ToString("O"), sipCode = 503 },
        });

        var report = await project.Read.GetJsonAsync(
            $"/api/v1/reports/timeseries?interval=hour&from={Uri.EscapeDataString(hour.ToString("O"))}" +
            $"&to={Uri.EscapeDataString(hour.AddHours(3).ToString("O"))}");
        var asr = report["buckets"]!.AsArray().Select(bucket => bucket!["asr"]?.GetValue<double>()).ToList();

        Assert.Equal([1.0, 0.0, null], asr);
    }

    [Fact]
    public async Task AWrongTypeInABody_IsAValidationProblemNamingTheField()
    {
        var project = await fixture.CreateProjectAsync();

        var body = new { customerBehaviourRegresses = "yes" };
        var response = await project.Read.PatchAsJsonAsync("/api/v1/project", body);
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("customerBehaviourRegresses", problem["errors"]!.AsObject().Select(error => error.Key));
        Assert.DoesNotContain("ProjectChange", problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReportNamesEveryBadParameter_ItsOwnAndTheSharedFilters()
    {
        var project = await fixture.CreateProjectAsync();

        var agents = await (await project.Read.GetAsync("/api/v1/reports/agents?limit=abc&tz=Nope/Zone")).JsonAsync();
        var series = await (await project.Read.GetAsync("/api/v1/reports/timeseries?tz=Nope/Zone&interval=week"))
            .JsonAsync();

        Assert.Equal(["limit", "tz"], agents["errors"]!.AsObject().Select(error => error.Key).Order());
        Assert.Equal(["interval", "tz"], series["errors"]!.AsObject().Select(error => error.Key).Order());
    }

    [Fact]
    public async Task ANumberInAnErrorsMessage_IsMaskedInItsIssueAndEvent()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostAsJsonAsync($"/api/{project.Id}/store/?sentry_key={project.IngestKey}",
            new { timestamp = MinutesAgo(1), message = "Call to 0901234501 failed" });

        var issues = await project.Read.GetJsonAsync("/api/v1/issues?kind=error");
        var errors = await project.Read.GetJsonAsync("/api/v1/error-events");

        Assert.Equal("Call to 09******01 failed", (string)issues["items"]![0]!["title"]!);
        Assert.Equal("Call to 09******01 failed", (string)errors["items"]![0]!["message"]!);
    }
}
