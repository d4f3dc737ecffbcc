using CallTracker.Api.Tests.Infrastructure;
using CallTracker.Storage;
using CallTracker.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>
/// Failures grouped into issues as they are stored (issue 5, first part: the issue API and reports come
/// next). Read straight from the issues table, since no endpoint shows them yet.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class IssueGroupingTests(ApiFixture fixture)
{
    [Fact]
    public async Task FailuresGroupByCodeAndQ850Cause_AndAnsweredCallsBelongToNoIssue()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new object[]
        {
            Captured("03-480.sip"), Captured("04-480.sip"), Captured("04-480.sip"), Captured("16-480.sip"),
            new { occurredAt = MinutesAgo(1), sipCode = 200 },
        });

        var issues = await IssuesAsync(project);

        Assert.Equal(3, issues.Count);
        Assert.Equal(2, issues.Single(issue => issue.Q850Cause == 20).EventCount);
        Assert.Equal("480 Temporarily Unavailable, Q.850 20 Subscriber absent",
            issues.Single(issue => issue.Q850Cause == 20).Title);
        Assert.All(issues, issue => Assert.Equal("unresolved", issue.Status));
    }

    [Fact]
    public async Task ADuplicateEventId_IsNotCountedTwice()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();

        await project.Ingest.PostEventsAsync(new { eventId, occurredAt = MinutesAgo(1), sipCode = 486 });
        await project.Ingest.PostEventsAsync(new { eventId, occurredAt = MinutesAgo(1), sipCode = 486 });

        Assert.Equal(1, (await IssuesAsync(project)).Single().EventCount);
    }

    [Fact]
    public async Task ManyEventsOfOneIssueAtOnce_MakeOneIssueWithEveryEventCounted()
    {
        var project = await fixture.CreateProjectAsync();

        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(1), sipCode = 503 })));

        Assert.Equal(12, (await IssuesAsync(project)).Single().EventCount);
    }

    [Theory]
    [InlineData(503, "unresolved", true)]
    [InlineData(486, "unresolved", false)]
    public async Task ANewEventOnAResolvedIssue_ReopensIt_AndIsARegressionUnlessCustomerBehaviour(
        int code, string status, bool regression)
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(2), sipCode = code });
        await SetStatusAsync(project, "resolved");

        await project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(1), sipCode = code });
        var issue = (await IssuesAsync(project)).Single();

        Assert.Equal(status, issue.Status);
        Assert.Equal(regression, issue.Regression);
        Assert.Equal(2, issue.EventCount);
    }

    [Fact]
    public async Task AnIgnoredIssue_StaysIgnored()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(2), sipCode = 503 });
        await SetStatusAsync(project, "ignored");

        await project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(1), sipCode = 503 });

        Assert.Equal("ignored", (await IssuesAsync(project)).Single().Status);
    }

    [Fact]
    public async Task AClientFingerprint_ExtendsOrReplacesTheDefault()
    {
        var project = await fixture.CreateProjectAsync();

        await project.Ingest.PostEventsAsync(new object[]
        {
            new { occurredAt = MinutesAgo(1), sipCode = 486 },
            new { occurredAt = MinutesAgo(1), sipCode = 486, fingerprint = new[] { "{{ default }}", "crm-7" } },
            new { occurredAt = MinutesAgo(1), sipCode = 503, fingerprint = new[] { "one-bucket" } },
            new { occurredAt = MinutesAgo(1), sipCode = 404, fingerprint = new[] { "one-bucket" } },
        });
        var issues = await IssuesAsync(project);

        Assert.Equal(3, issues.Count);
        Assert.Equal(2, issues.Max(issue => issue.EventCount));
    }

    private static object Captured(string file) =>
        new { occurredAt = MinutesAgo(1), sipMessage = SharedData.SipResponse(file) };

    private async Task<List<Issue>> IssuesAsync(TestProject project)
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CallTrackerDbContext>();
        return await db.Issues.AsNoTracking().Where(issue => issue.ProjectId == project.Id).ToListAsync();
    }

    private async Task SetStatusAsync(TestProject project, string status)
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CallTrackerDbContext>();
        await db.Issues.Where(issue => issue.ProjectId == project.Id)
            .ExecuteUpdateAsync(update => update.SetProperty(issue => issue.Status, status));
    }
}
