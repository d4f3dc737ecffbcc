using System.Net;
using CallTracker.Api.Tests.Infrastructure;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>GET /api/v1/events and /api/v1/events/{id}: what ops read back.</summary>
[Collection(ApiSuite.Name)]
public sealed class EventReadTests(ApiFixture fixture)
{
    [Fact]
    public async Task List_PagesThroughEveryEventNewestFirst_WithoutRepeatsOrGaps()
    {
        var project = await fixture.CreateProjectAsync();
        var sameInstant = MinutesAgo(5);
        var events = Enumerable.Range(0, 7).Select(index => new
        {
            eventId = Guid.NewGuid(),
            occurredAt = index < 3 ? sameInstant : MinutesAgo(10 + index),
            sipCode = 486,
        }).ToList();
        await project.Ingest.PostEventsAsync(events);

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var after = cursor is null ? "" : $"&cursor={cursor}";
            var page = await project.Read.GetJsonAsync($"/api/v1/events?limit=3{after}");
            seen.AddRange(page["items"]!.AsArray().Select(item => (string)item!["eventId"]!));
            cursor = (string?)page["nextCursor"];
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(events.Select(item => item.eventId.ToString()).Order(), seen.Order());
        Assert.Equal(7, seen.Distinct().Count());
    }

    [Fact]
    public async Task List_IsNewestFirst()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new object[]
        {
            new { occurredAt = MinutesAgo(30), sipCode = 404 },
            new { occurredAt = MinutesAgo(10), sipCode = 486 },
            new { occurredAt = MinutesAgo(20), sipCode = 503 },
        });

        var page = await project.Read.GetJsonAsync("/api/v1/events");

        Assert.Equal([486, 503, 404], page["items"]!.AsArray().Select(item => item!["sipCode"]!.GetValue<int>()));
    }

    [Theory]
    [InlineData("class=4xx", new[] { 404, 486 })]
    [InlineData("class=none", new int[0])]
    [InlineData("class=2xx", new[] { 200 })]
    [InlineData("code=503", new[] { 503 })]
    [InlineData("agent=agent-008", new[] { 503 })]
    public async Task List_FilteredByClassCodeOrAgent_ReturnsOnlyMatchingEvents(string query, int[] expected)
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new object[]
        {
            new { occurredAt = MinutesAgo(3), sipCode = 404, agent = "agent-007" },
            new { occurredAt = MinutesAgo(3), sipCode = 486, agent = "agent-007" },
            new { occurredAt = MinutesAgo(3), sipCode = 503, agent = "agent-008" },
            new { occurredAt = MinutesAgo(3), sipCode = 200, agent = "agent-007" },
        });

        var page = await project.Read.GetJsonAsync($"/api/v1/events?{query}");

        Assert.Equal(expected, page["items"]!.AsArray().Select(item => item!["sipCode"]!.GetValue<int>()).Order());
    }

    [Fact]
    public async Task List_FilteredByClassNone_ReturnsCallsWithoutAResponse()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new object[]
        {
            new { occurredAt = MinutesAgo(3), sipCode = 404 },
            new { occurredAt = MinutesAgo(3), localCause = "request_timeout" },
        });

        var page = await project.Read.GetJsonAsync("/api/v1/events?class=none");

        Assert.Equal("request_timeout", (string)page["items"]!.AsArray().Single()!["localCause"]!);
    }

    [Theory]
    [InlineData("class=7xx", "class")]
    [InlineData("code=99", "code")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    [InlineData("from=2025-03-01T02:00:00", "from")]
    public async Task List_WithABadParameter_IsAValidationProblemNamingIt(string query, string field)
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Read.GetAsync($"/api/v1/events?{query}");
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task Get_AnEventOfAnotherProject_IsNotFound()
    {
        var mine = await fixture.CreateProjectAsync();
        var theirs = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        await theirs.Ingest.PostEventsAsync(new { eventId, occurredAt = MinutesAgo(1), sipCode = 486 });

        var response = await mine.Read.GetAsync($"/api/v1/events/{eventId}");
        var listed = await mine.Read.GetJsonAsync("/api/v1/events");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(listed["items"]!.AsArray());
    }

    [Fact]
    public async Task Get_TheSameEventIdInTwoProjects_IsTwoEvents()
    {
        var first = await fixture.CreateProjectAsync();
        var second = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();

        await first.Ingest.PostEventsAsync(new { eventId, occurredAt = MinutesAgo(1), sipCode = 486 });
        await second.Ingest.PostEventsAsync(new { eventId, occurredAt = MinutesAgo(1), sipCode = 503 });

        Assert.Equal(486, (await first.Read.GetJsonAsync($"/api/v1/events/{eventId}"))["sipCode"]!.GetValue<int>());
        Assert.Equal(503, (await second.Read.GetJsonAsync($"/api/v1/events/{eventId}"))["sipCode"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer ctk_not-a-real-token")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task List_WithoutAValidToken_Is401Problem(string? authorization)
    {
        var client = fixture.Factory.CreateClient();
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await client.GetAsync("/api/v1/events");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task List_WithAnIngestKeyInsteadOfAToken_Is401()
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Ingest.GetAsync("/api/v1/events");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
