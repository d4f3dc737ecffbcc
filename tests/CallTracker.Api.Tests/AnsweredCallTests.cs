using System.Net;
using System.Text.Json.Nodes;
using CallTracker.Api.Tests.Infrastructure;
using static CallTracker.Api.Tests.ReportScenario;
using static CallTracker.Api.Tests.ReportTests;

namespace CallTracker.Api.Tests;

/// <summary>
/// Answered calls (2xx): left out of every failure count, counted in the ratios. Agent ann answered 3 calls
/// and lost 1 to a busy line; agent bob answered none, with 1 busy and 2 carrier failures (503).
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class AnsweredCallTests(ApiFixture fixture)
{
    private static readonly string Range = $"from={Instant(Day.AddHours(10))}&to={Instant(Day.AddHours(11))}";

    [Fact]
    public async Task AnAnsweredCall_IsStoredAsAnswered_InClass2xx()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();

        var response = await project.Ingest.PostEventsAsync(
            new { eventId, occurredAt = Instant(Day.AddHours(10)), sipCode = 200, reasonPhrase = "OK" });
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("answered", (string)stored["outcome"]!);
        Assert.Equal("2xx", (string)stored["responseClass"]!);
    }

    [Fact]
    public async Task FailureReports_LeaveAnsweredCallsOut()
    {
        var project = await CreateAsync();

        var classes = await project.Read.GetJsonAsync($"/api/v1/reports/classes?{Range}");
        var outcomes = await project.Read.GetJsonAsync($"/api/v1/reports/outcomes?{Range}");
        var codes = await project.Read.GetJsonAsync($"/api/v1/reports/codes?{Range}");
        var timeseries = await project.Read.GetJsonAsync($"/api/v1/reports/timeseries?{Range}&groupBy=code");

        // Two 486 and two 503: the three answered calls are in none of these.
        Assert.Equal(2 + 2, classes["total"]!.GetValue<long>());
        Assert.DoesNotContain("2xx", classes["classes"]!.AsArray().Select(item => (string)item!["class"]!));
        Assert.Equal(2 + 2, outcomes["total"]!.GetValue<long>());
        Assert.DoesNotContain("answered", outcomes["outcomes"]!.AsArray().Select(item => (string)item!["outcome"]!));
        Assert.Equal(2 + 2, codes["total"]!.GetValue<long>());
        Assert.Equal([("486", 2), ("503", 2)], Tally(codes["codes"]!, "code").OrderBy(code => code.Key));
        Assert.Equal(["486", "503"], timeseries["keys"]!.AsArray().Select(key => (string)key!).Order());
        Assert.Equal(2 + 2, timeseries["buckets"]![0]!["failures"]!.GetValue<long>());
        Assert.Equal(3, timeseries["buckets"]![0]!["answered"]!.GetValue<long>());
    }

    [Fact]
    public async Task Ratios_CountAnsweredCalls_AndGiveAnAgentWhoAnsweredNoneZeroNotNull()
    {
        var project = await CreateAsync();

        var ratios = await project.Read.GetJsonAsync($"/api/v1/reports/ratios?{Range}");
        var agents = await project.Read.GetJsonAsync($"/api/v1/reports/agents?{Range}");

        // Effective: the 3 answered and the 2 busy; the 503s are not.
        Assert.Equal(3 + 4, ratios["attempts"]!.GetValue<long>());
        Assert.Equal(3 + 2, ratios["effective"]!.GetValue<long>());
        Assert.Equal(Math.Round(3.0 / 7, 4), ratios["asr"]!.GetValue<double>());
        Assert.Equal(Math.Round(5.0 / 7, 4), ratios["ner"]!.GetValue<double>());
        Assert.Equal(Calls(failures: 1, answered: 3, effective: 3 + 1), Numbers(RowOf(agents, "ann")));
        Assert.Equal(Calls(failures: 3, answered: 0, effective: 1), Numbers(RowOf(agents, "bob")));
        Assert.Equal(0.0, RowOf(agents, "bob")["asr"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("agents")]
    [InlineData("trunks")]
    [InlineData("carriers")]
    [InlineData("tags/campaign")]
    public async Task BreakdownReports_OfAProjectThatSendsNoAnsweredCalls_HaveNoRatios(string report)
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new[] { 486, 503 }.Select(code => Call(code, "bob")));

        var breakdown = await project.Read.GetJsonAsync($"/api/v1/reports/{report}?{Range}");

        Assert.False(breakdown["answeredCallsInScope"]!.GetValue<bool>());
        Assert.Equal(2, breakdown["total"]!["failures"]!.GetValue<long>());
        Assert.All(Rows(breakdown).Append(breakdown["total"]!), row => Assert.Null(row["asr"]));
        Assert.All(Rows(breakdown).Append(breakdown["total"]!), row => Assert.Null(row["ner"]));
    }

    [Fact]
    public async Task RatioReport_OfAProjectThatSendsNoAnsweredCalls_HasNoRatios()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new[] { 486, 503 }.Select(code => Call(code, "bob")));

        var ratios = await project.Read.GetJsonAsync($"/api/v1/reports/ratios?{Range}");

        Assert.False(ratios["answeredCallsInScope"]!.GetValue<bool>());
        Assert.Equal(2, ratios["attempts"]!.GetValue<long>());
        Assert.Equal(1, ratios["effective"]!.GetValue<long>());
        Assert.Null(ratios["asr"]);
        Assert.Null(ratios["ner"]);
    }

    [Fact]
    public async Task AgentReport_NarrowedToAFailureClass_HasNoRatios_ThoughTheProjectSendsAnsweredCalls()
    {
        var project = await CreateAsync();

        var agents = await project.Read.GetJsonAsync($"/api/v1/reports/agents?{Range}&class=4xx");

        Assert.False(agents["answeredCallsInScope"]!.GetValue<bool>());
        Assert.Equal(["ann", "bob"], Values(agents).Order());
        Assert.All(Rows(agents), row => Assert.Null(row["asr"]));
    }

    private async Task<TestProject> CreateAsync()
    {
        var project = await fixture.CreateProjectAsync();
        var response = await project.Ingest.PostEventsAsync(new[]
        {
            Call(200, "ann"), Call(200, "ann"), Call(200, "ann"), Call(486, "ann"),
            Call(486, "bob"), Call(503, "bob"), Call(503, "bob"),
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return project;
    }

    private static object Call(int code, string agent) => new
    {
        occurredAt = Instant(Day.AddHours(10)),
        sipCode = code,
        agent,
        trunk = "t1",
        phoneNumber = Viettel,
        tags = new { campaign = "summer" },
    };

    private static IEnumerable<JsonNode> Rows(JsonNode report) => report["rows"]!.AsArray().Select(row => row!);
}
