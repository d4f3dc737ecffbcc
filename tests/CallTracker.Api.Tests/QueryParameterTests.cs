using System.Net;
using CallTracker.Api.Tests.Infrastructure;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>Query parameters as forms and scripts really send them: empty, repeated, numeric, mistyped.</summary>
[Collection(ApiSuite.Name)]
public sealed class QueryParameterTests(ApiFixture fixture)
{
    [Fact]
    public async Task EmptyParameters_MeanNotGiven()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(2), sipCode = 486, agent = "agent-007" });

        var events = await project.Read.GetJsonAsync("/api/v1/events?agent=&code=&class=&from=&to=&limit=&cursor=");
        var report = await project.Read.GetJsonAsync("/api/v1/reports/classes?agent=&from=&to=");

        Assert.Single(events["items"]!.AsArray());
        Assert.Equal(1, report["total"]!.GetValue<long>());
        Assert.Null(report["agent"]);
    }

    [Theory]
    [InlineData("/api/v1/events?code=abc", "code")]
    [InlineData("/api/v1/events?limit=abc", "limit")]
    [InlineData("/api/v1/events?agent=a&agent=b", "agent")]
    [InlineData("/api/v1/events?limit=1&limit=2", "limit")]
    [InlineData("/api/v1/events?from=2026-12-02&to=2026-12-01", "from")]
    [InlineData("/api/v1/reports/classes?agent=a&agent=b", "agent")]
    [InlineData("/api/v1/events/not-a-uuid", "eventId")]
    public async Task BadOrRepeatedParameters_AreValidationProblemsNamingThem(string path, string field)
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Read.GetAsync(path);
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]![field]);
    }

    /// <summary>
    /// Found by the bad-input suite: PostgreSQL's text and jsonb cannot hold U+0000, so each of these failed in
    /// the query (22021, 22P05), a 500, rather than finding nothing.
    /// </summary>
    [Theory]
    [InlineData("/api/v1/events?agent=agent%00007", "agent")]
    [InlineData("/api/v1/reports/classes?trunk=%00", "trunk")]
    [InlineData("/api/v1/reports/agents?carrier=Viettel%00", "carrier")]
    [InlineData("/api/v1/reports/codes?tag%5Bcampaign%5D=winter%00sale", "tag[campaign]")]
    [InlineData("/api/v1/reports/trunks?tag%5Bcamp%00aign%5D=winter", "tag[camp\0aign]")]
    public async Task ANulCharacterInATextFilter_IsAValidationProblemNamingIt(string path, string field)
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(2), sipCode = 486, agent = "agent-007" });

        var response = await project.Read.GetAsync(path);
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("NUL", (string)problem["errors"]![field]![0]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnixEpochMilliseconds_AreAcceptedAsRangeBounds()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(2), sipCode = 486 });
        var from = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds();
        var to = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds();

        var events = await project.Read.GetJsonAsync($"/api/v1/events?from={from}&to={to}");
        var report = await project.Read.GetJsonAsync($"/api/v1/reports/classes?from={from}&to={to}");

        Assert.Single(events["items"]!.AsArray());
        Assert.Equal(1, report["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task AnOffsetWithAnUnencodedPlus_GetsAHintToEncodeIt()
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Read.GetAsync("/api/v1/events?from=2026-12-04T09:00:00+07:00");
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("%2B", (string)problem["errors"]!["from"]![0]!, StringComparison.Ordinal);
    }
}
