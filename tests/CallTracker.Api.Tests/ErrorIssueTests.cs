using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CallTracker.Api.Events;
using CallTracker.Api.Hosting;
using CallTracker.Api.Tests.Infrastructure;
using CallTracker.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>
/// Error events from Sentry SDKs grouped into issues, the project setting for customer-behaviour
/// regressions, issue days in a time zone, and the start-up backfill of events stored before grouping.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class ErrorIssueTests(ApiFixture fixture)
{
    [Fact]
    public async Task ExceptionsThatDifferOnlyByIds_AreOneIssue_AndAnotherMessageIsAnother()
    {
        var project = await fixture.CreateProjectAsync();

        await StoreAsync(project, Exception("TypeError", "Cannot read call 1234 of session " + Guid.NewGuid()));
        await StoreAsync(project, Exception("TypeError", "Cannot read call 98 of session " + Guid.NewGuid()));
        var compact = Guid.NewGuid().ToString("N");
        await StoreAsync(project, Exception("TypeError", "Cannot read call 7 of session " + compact));
        await StoreAsync(project, Message("WebSocket closed with code 1006"));
        await StoreAsync(project, Message("WebSocket closed with code 1001"));

        var issues = (await project.Read.GetJsonAsync("/api/v1/issues?kind=error&sort=count"))["items"]!.AsArray();

        Assert.Equal(2, issues.Count);
        Assert.Equal(3, issues[0]!["eventCount"]!.GetValue<long>());
        Assert.Equal("error", (string)issues[0]!["kind"]!);
        Assert.StartsWith("TypeError: Cannot read call", (string)issues[0]!["title"]!);
        Assert.Null(issues[0]!["outcome"]);
        Assert.Equal(2, issues[1]!["eventCount"]!.GetValue<long>());
    }

    [Fact]
    public async Task AnErrorIssue_ListsItsErrorEvents_AndShowsTheLatestOne()
    {
        var project = await fixture.CreateProjectAsync();
        await StoreAsync(project, Message("Registration failed for agent 12", user: "agent-12"));
        await StoreAsync(project, Message("Registration failed for agent 13", user: "agent-13"));
        var id = await OnlyIssueIdAsync(project);

        var details = await project.Read.GetJsonAsync($"/api/v1/issues/{id}");
        var events = await project.Read.GetJsonAsync($"/api/v1/issues/{id}/events?limit=1");
        var rest = await project.Read.GetJsonAsync(
            $"/api/v1/issues/{id}/events?limit=1&cursor={(string)events["nextCursor"]!}");

        Assert.Equal(2, details["agents"]!.GetValue<long>());
        Assert.Null(details["latestEvent"]);
        Assert.StartsWith("Registration failed for agent", (string)details["latestError"]!["message"]!);
        Assert.Single(events["items"]!.AsArray());
        Assert.Single(rest["items"]!.AsArray());
        Assert.Null(rest["nextCursor"]);
    }

    [Fact]
    public async Task ANewErrorOnAResolvedErrorIssue_IsARegression()
    {
        var project = await fixture.CreateProjectAsync();
        await StoreAsync(project, Message("SIP transport lost"));
        var id = await OnlyIssueIdAsync(project);
        await project.Read.PatchAsJsonAsync($"/api/v1/issues/{id}", new { status = "resolved" });

        await StoreAsync(project, Message("SIP transport lost"));
        var issue = (await project.Read.GetJsonAsync($"/api/v1/issues/{id}"))["issue"]!;

        Assert.Equal("unresolved", (string)issue["status"]!);
        Assert.True(issue["regression"]!.GetValue<bool>());
    }

    [Fact]
    public async Task WithTheProjectSetting_ABusyCustomerOnAResolvedIssue_IsARegressionToo()
    {
        var project = await fixture.CreateProjectAsync();
        var setting = await project.Read.PatchAsJsonAsync("/api/v1/project", new { customerBehaviourRegresses = true });
        await project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(2), sipCode = 486 });
        var id = await OnlyIssueIdAsync(project);
        await project.Read.PatchAsJsonAsync($"/api/v1/issues/{id}", new { status = "resolved" });

        await project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(1), sipCode = 486 });
        var issue = (await project.Read.GetJsonAsync($"/api/v1/issues/{id}"))["issue"]!;
        var settings = await project.Read.GetJsonAsync("/api/v1/project");

        Assert.Equal(HttpStatusCode.OK, setting.StatusCode);
        Assert.True(settings["customerBehaviourRegresses"]!.GetValue<bool>());
        Assert.True(issue["regression"]!.GetValue<bool>());
    }

    [Fact]
    public async Task IssueDays_FollowTheTimeZoneAskedFor_AcrossTheUtcDayBoundary()
    {
        var project = await fixture.CreateProjectAsync();
        var today = DateTimeOffset.UtcNow.Date;

        // 16:30 UTC is 23:30 in Ho Chi Minh City (UTC+7), 17:30 UTC is already 00:30 the next day there.
        var before = new DateTimeOffset(today.AddDays(-2).AddHours(16).AddMinutes(30), TimeSpan.Zero);
        var after = before.AddHours(1);
        await project.Ingest.PostEventsAsync(new object[]
        {
            new { occurredAt = before.ToString("O"), sipCode = 503 },
            new { occurredAt = after.ToString("O"), sipCode = 503 },
        });
        var id = await OnlyIssueIdAsync(project);

        var utc = await project.Read.GetJsonAsync($"/api/v1/issues/{id}");
        var vietnam = await project.Read.GetJsonAsync($"/api/v1/issues/{id}?tz=Asia/Ho_Chi_Minh");
        var wrong = await project.Read.GetAsync($"/api/v1/issues/{id}?tz=Mars/Olympus");

        Assert.Equal([$"{today.AddDays(-2):yyyy-MM-dd}:2"], Days(utc));
        Assert.Equal([$"{today.AddDays(-2):yyyy-MM-dd}:1", $"{today.AddDays(-1):yyyy-MM-dd}:1"], Days(vietnam));
        Assert.Equal("Asia/Ho_Chi_Minh", (string)vietnam["timeZone"]!);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("tz", (await wrong.JsonAsync())["errors"]!.AsObject().Select(error => error.Key));
    }

    [Fact]
    public async Task EventsStoredBeforeGroupingExisted_AreGroupedAtStartUp()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new object[]
        {
            new { occurredAt = MinutesAgo(3), sipCode = 503 },
            new { occurredAt = MinutesAgo(2), sipCode = 503 },
            new { occurredAt = MinutesAgo(1), sipCode = 200 },
        });
        await StoreAsync(project, Message("Media stream 1 failed", minutesAgo: 3));
        await StoreAsync(project, Message("Media stream 2 failed", minutesAgo: 2));

        // As the rows were before the migration that brought issues: no fingerprints, no issues.
        using var scope = fixture.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CallTrackerDbContext>();
        await db.CallEvents.Where(call => call.ProjectId == project.Id)
            .ExecuteUpdateAsync(update => update.SetProperty(call => call.Fingerprint, (string?)null));
        await db.ErrorEvents.Where(error => error.ProjectId == project.Id)
            .ExecuteUpdateAsync(update => update.SetProperty(error => error.Fingerprint, (string?)null));
        await db.Issues.Where(issue => issue.ProjectId == project.Id).ExecuteDeleteAsync();

        await IssueBackfill.RunAsync(db, scope.ServiceProvider.GetRequiredService<CallEventEnricher>(),
            scope.ServiceProvider.GetRequiredService<EventWriter>(), NullLogger.Instance, CancellationToken.None);
        var issues = await db.Issues.AsNoTracking().Where(issue => issue.ProjectId == project.Id)
            .OrderBy(issue => issue.Kind).ToListAsync();

        Assert.Equal(["call:503:2", "error::2"],
            issues.Select(issue => $"{issue.Kind}:{issue.SipCode}:{issue.EventCount}"));
        Assert.Equal("Media stream 1 failed", issues[1].Title);
        Assert.Equal(1, await db.CallEvents.CountAsync(call => call.ProjectId == project.Id
            && call.Fingerprint == null));
    }

    private static List<string> Days(JsonNode details) =>
        details["days"]!.AsArray().Select(day => $"{(string)day!["day"]!}:{day["count"]!.GetValue<long>()}").ToList();

    private static object Exception(string type, string value) => new
    {
        timestamp = MinutesAgo(1),
        platform = "javascript",
        exception = new { values = new[] { new { type, value } } },
    };

    private static object Message(string message, string? user = null, int minutesAgo = 1) => new
    {
        timestamp = MinutesAgo(minutesAgo),
        platform = "javascript",
        message,
        user = user is null ? null : new { id = user },
    };

    private static async Task StoreAsync(TestProject project, object sentryEvent)
    {
        var response = await project.Ingest.PostAsJsonAsync(
            $"/api/{project.Id}/store/?sentry_key={project.IngestKey}", sentryEvent);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<long> OnlyIssueIdAsync(TestProject project)
    {
        var issues = (await project.Read.GetJsonAsync("/api/v1/issues"))["items"]!.AsArray();
        return Assert.Single(issues)!["id"]!.GetValue<long>();
    }
}
