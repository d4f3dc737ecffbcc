using System.Net;
using System.Net.Http.Json;
using CallTracker.Api.Tests.BadInput;
using CallTracker.Api.Tests.Infrastructure;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>GET/PATCH /api/v1/issues: the grouped failures as ops see them.</summary>
[Collection(ApiSuite.Name)]
public sealed class IssuesApiTests(ApiFixture fixture)
{
    [Fact]
    public async Task List_SortsByCount_AndPagesThroughEveryIssueOnce()
    {
        var project = await fixture.CreateProjectAsync();
        var codes = new[] { 486, 486, 486, 503, 503, 404, 480, 408 };
        await project.Ingest.PostEventsAsync(codes.Select(code => new { occurredAt = MinutesAgo(3), sipCode = code }));

        var first = await project.Read.GetJsonAsync("/api/v1/issues?sort=count&limit=2");
        var seen = first["items"]!.AsArray().Select(item => item!["sipCode"]!.GetValue<int>()).ToList();
        var cursor = (string?)first["nextCursor"];
        while (cursor is not null && seen.Count < 20)
        {
            var page = await project.Read.GetJsonAsync($"/api/v1/issues?sort=count&limit=2&cursor={cursor}");
            seen.AddRange(page["items"]!.AsArray().Select(item => item!["sipCode"]!.GetValue<int>()));
            cursor = (string?)page["nextCursor"];
        }

        Assert.Equal([486, 503], seen.Take(2));
        Assert.Equal(new[] { 404, 408, 480, 486, 503 }, seen.Order());
    }

    [Fact]
    public async Task Get_ShowsTheLatestEventReachAndDays()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new object[]
        {
            new { occurredAt = MinutesAgo(3), sipCode = 486, agent = "a1", phoneNumber = "0900000001" },
            new { occurredAt = MinutesAgo(2), sipCode = 486, agent = "a2", phoneNumber = "+84900000001" },
            new { occurredAt = MinutesAgo(1), sipCode = 486, agent = "a2", phoneNumber = "0900000002" },
        });
        var id = (await project.Read.GetJsonAsync("/api/v1/issues"))["items"]![0]!["id"]!.GetValue<long>();

        var issue = await project.Read.GetJsonAsync($"/api/v1/issues/{id}");
        var events = await project.Read.GetJsonAsync($"/api/v1/issues/{id}/events");

        Assert.Equal("486 Busy Here", (string)issue["issue"]!["title"]!);
        Assert.Equal(3, issue["issue"]!["eventCount"]!.GetValue<long>());
        Assert.Equal(2, issue["agents"]!.GetValue<long>());
        Assert.Equal(2, issue["phoneNumbers"]!.GetValue<long>());
        Assert.Equal(3, issue["days"]!.AsArray().Sum(day => day!["count"]!.GetValue<long>()));
        Assert.Equal("+84 90 *** **02", (string)issue["latestEvent"]!["phoneNumber"]!);
        Assert.Equal(3, events["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Patch_ResolvesAnIssue_AndANewEventReopensItAsARegression()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(2), sipCode = 503 });
        var id = (await project.Read.GetJsonAsync("/api/v1/issues"))["items"]![0]!["id"]!.GetValue<long>();

        var patched = await project.Read.PatchAsJsonAsync($"/api/v1/issues/{id}", new { status = "resolved" });
        var resolved = await project.Read.GetJsonAsync("/api/v1/issues?status=resolved");
        await project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(1), sipCode = 503 });
        var reopened = await project.Read.GetJsonAsync($"/api/v1/issues/{id}");

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Single(resolved["items"]!.AsArray());
        Assert.Equal("unresolved", (string)reopened["issue"]!["status"]!);
        Assert.True(reopened["issue"]!["regression"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("/api/v1/issues?status=open", "status")]
    [InlineData("/api/v1/issues?sort=name", "sort")]
    [InlineData("/api/v1/issues?cursor=bm9wZQ", "cursor")]
    [InlineData("/api/v1/issues/abc", "id")]
    public async Task BadParameters_AreValidationProblems(string path, string field)
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Read.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.JsonAsync())["errors"]![field]);
    }

    /// <summary>Found by the bad-input suite: such a cursor threw building the query, a 500.</summary>
    [Theory]
    [InlineData("lastSeen", "lastSeen:-1:1")]
    [InlineData("firstSeen", "firstSeen:9223372036854775807:1")]
    public async Task ACursorWhoseTimeIsOutsideTheCalendar_IsAValidationProblem(string sort, string parts)
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Read.GetAsync($"/api/v1/issues?sort={sort}&cursor={Inputs.Cursor(parts)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.JsonAsync())["errors"]!["cursor"]);
    }

    /// <summary>Found by the bad-input suite: the count was read as ticks too, and -5 threw, a 500.</summary>
    [Fact]
    public async Task ACountCursorBelowZero_IsReadAsACount_AndFindsNothingAfterIt()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(1), sipCode = 503 });

        var page = await project.Read.GetJsonAsync($"/api/v1/issues?sort=count&cursor={Inputs.Cursor("count:-5:1")}");

        Assert.Empty(page["items"]!.AsArray());
    }

    [Fact]
    public async Task AnotherProjectsIssue_IsNotFound_AndCannotBeChanged()
    {
        var mine = await fixture.CreateProjectAsync();
        var theirs = await fixture.CreateProjectAsync();
        await theirs.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(1), sipCode = 503 });
        var id = (await theirs.Read.GetJsonAsync("/api/v1/issues"))["items"]![0]!["id"]!.GetValue<long>();

        var read = await mine.Read.GetAsync($"/api/v1/issues/{id}");
        var patch = await mine.Read.PatchAsJsonAsync($"/api/v1/issues/{id}", new { status = "ignored" });
        var listed = await mine.Read.GetJsonAsync("/api/v1/issues");

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
        Assert.Empty(listed["items"]!.AsArray());
    }

    [Fact]
    public async Task Patch_WithAnUnknownStatus_IsAValidationProblem()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(1), sipCode = 503 });
        var id = (await project.Read.GetJsonAsync("/api/v1/issues"))["items"]![0]!["id"]!.GetValue<long>();

        var response = await project.Read.PatchAsJsonAsync($"/api/v1/issues/{id}", new { status = "done" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
