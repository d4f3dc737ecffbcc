using System.Net;
using CallTracker.Api.Tests.Infrastructure;
using static CallTracker.Api.Tests.ReportScenario;
using static CallTracker.Api.Tests.ReportTests;

namespace CallTracker.Api.Tests;

/// <summary>
/// The filters every report shares, each narrowing <see cref="ReportScenario"/> to numbers worked out by hand.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class ReportFilterTests(ApiFixture fixture)
{
    [Theory]
    [InlineData("agent=a2", 2 * 20, 2 * 20)]
    [InlineData("agent=agent-007", 16, 0)]
    [InlineData("trunk=t2", 4 * 20, 2 * 10 + 0)]
    [InlineData("outcome=busy", 8 * 4 + 2, 0)]
    [InlineData("outcome=answered", 0, 140)]
    [InlineData("class=5xx", 8 * 3 + 2, 0)]
    [InlineData("class=none", 8 * 4, 0)]
    [InlineData("code=480", 8 * 6 + 3, 0)]
    [InlineData("country=DE", 8 * 7, 0)]
    [InlineData("country=de", 8 * 7, 0)]
    [InlineData("carrier=Viettel", 8 * 7, 140)]
    [InlineData("carrier=MobiFone", 8 * 6 + 16, 0)]
    [InlineData("tag[campaign]=winter", 4 * 20, 2 * 20 + 0)]
    [InlineData("tag[campaign]=autumn", 0, 0)]
    [InlineData("agent=a3&tag[campaign]=summer", 2 * 20, 2 * 10)]
    [InlineData("agent=a1&trunk=t2", 0, 0)]
    [InlineData("trunk=t1&country=VN&class=4xx", 2 * 2 * (4 + 4 + 2), 0)]
    public async Task EveryFilter_NarrowsTheCallsCounted(string filter, long failures, long answered)
    {
        var project = await SharedAsync(fixture);

        var report = await project.Read.GetJsonAsync($"/api/v1/reports/ratios?{WholeDay}&{filter}");

        Assert.Equal(failures, report["failures"]!.GetValue<long>());
        Assert.Equal(answered, report["answered"]!.GetValue<long>());
        Assert.Equal(failures + answered, report["attempts"]!.GetValue<long>());
    }

    [Fact]
    public async Task ClassReport_OfOneAgent_CountsOnlyThatAgentsTwoBlocks()
    {
        var project = await SharedAsync(fixture);

        var report = await project.Read.GetJsonAsync($"/api/v1/reports/classes?{WholeDay}&agent=a2");

        Assert.Equal("a2", (string)report["agent"]!);
        Assert.Equal(2 * 20, report["total"]!.GetValue<long>());
        Assert.Equal(
            [("3xx", 0), ("4xx", 2 * 12), ("5xx", 2 * 3), ("6xx", 2 * 1), ("none", 2 * 4)],
            report["classes"]!.AsArray().Select(item => ((string)item!["class"]!, item["count"]!.GetValue<long>())));
    }

    [Fact]
    public async Task CodeReport_OfOneOutcome_ListsTheCodesThatGaveIt()
    {
        var project = await SharedAsync(fixture);

        var report = await project.Read.GetJsonAsync($"/api/v1/reports/codes?{WholeDay}&outcome=busy");

        // 486 with or without a cause, and the shared 600 Busy Everywhere.
        Assert.Equal([("486", 8 * 4 + 1), ("600", 1)], Tally(report["codes"]!, "code"));
    }

    [Fact]
    public async Task OutcomeReport_OfOneCode_SplitsItByTheQ850CauseThatDecided()
    {
        var project = await SharedAsync(fixture);

        var report = await project.Read.GetJsonAsync($"/api/v1/reports/outcomes?{WholeDay}&code=480");
        var counted = Tally(report["outcomes"]!, "outcome").Where(outcome => outcome.Count > 0);

        // Unreachable: no cause and cause 20 (2 + 2 a block), shared causes 18 and 20; no answer: cause 19.
        Assert.Equal(8 * 6 + 3, report["total"]!.GetValue<long>());
        Assert.Equal([("no_answer", 8 * 2 + 1), ("unreachable", 8 * 4 + 2)], counted);
    }

    [Fact]
    public async Task CarrierReport_OfOneCountry_ListsOnlyThatCountrysCarriers()
    {
        var project = await SharedAsync(fixture);

        var report = await project.Read.GetJsonAsync($"/api/v1/reports/carriers?{WholeDay}&country=VN");

        Assert.Equal(["MobiFone", "Viettel"], Values(report));
        Assert.All(report["rows"]!.AsArray(), row => Assert.Equal("VN", (string)row!["country"]!));
        Assert.Equal(8 * 6 + 16 + 8 * 7, report["total"]!["failures"]!.GetValue<long>());
    }

    [Fact]
    public async Task AgentReport_OfOneCampaign_ListsOnlyItsAgents_WithTheirOwnRatios()
    {
        var project = await SharedAsync(fixture);

        var report = await project.Read.GetJsonAsync($"/api/v1/reports/agents?{WholeDay}&tag[campaign]=winter");

        Assert.Equal(["a2", "a4"], Values(report));
        Assert.Equal(Calls(failures: 40, answered: 2 * 20, effective: 2 * 20 + 28), Numbers(RowOf(report, "a2")));
        Assert.Equal(Calls(failures: 40, answered: 0, effective: 28), Numbers(RowOf(report, "a4")));
    }

    [Fact]
    public async Task RatioReport_NarrowedToCallsThatAreNeverAnswered_HasNoRatios()
    {
        var project = await SharedAsync(fixture);

        var report = await project.Read.GetJsonAsync($"/api/v1/reports/ratios?{WholeDay}&country=DE");

        // No answered call went to Germany: nothing in scope says whether answered calls are sent.
        Assert.False(report["answeredCallsInScope"]!.GetValue<bool>());
        Assert.Equal(8 * 7, report["failures"]!.GetValue<long>());
        Assert.Equal(8 * 2, report["effective"]!.GetValue<long>());
        Assert.Null(report["asr"]);
        Assert.Null(report["ner"]);
    }

    [Fact]
    public async Task Range_IncludesACallAtFrom_AndLeavesOutACallAtTo()
    {
        var project = await fixture.CreateProjectAsync();
        var from = Day.AddHours(9);
        var to = Day.AddHours(10);
        await project.Ingest.PostEventsAsync(new object[]
        {
            new { occurredAt = Instant(from.AddSeconds(-1)), sipCode = 486 },
            new { occurredAt = Instant(from), sipCode = 480 },
            new { occurredAt = Instant(to.AddSeconds(-1)), sipCode = 503 },
            new { occurredAt = Instant(to), sipCode = 603 },
        });

        var report = await project.Read.GetJsonAsync(
            $"/api/v1/reports/codes?from={Instant(from)}&to={Instant(to)}");

        Assert.Equal([("480", 1), ("503", 1)], Tally(report["codes"]!, "code").OrderBy(code => code.Key));
    }

    [Fact]
    public async Task Range_OfDatesInATimeZone_RunsFromLocalMidnightToLocalMidnight()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new object[]
        {
            new { occurredAt = Instant(Day.AddHours(-7).AddMinutes(-1)), sipCode = 486 },
            new { occurredAt = Instant(Day.AddHours(-7)), sipCode = 480 },
            new { occurredAt = Instant(Day.AddHours(17).AddMinutes(-1)), sipCode = 503 },
            new { occurredAt = Instant(Day.AddHours(17)), sipCode = 603 },
        });

        var report = await project.Read.GetJsonAsync(
            $"/api/v1/reports/codes?from={Date(Day)}&to={Date(Day.AddDays(1))}&tz=Asia/Ho_Chi_Minh");

        // The day in Ho Chi Minh City (UTC+7) starts at 17:00 UTC the day before.
        Assert.Equal(Instant(Day.AddHours(-7)), (string)report["from"]!);
        Assert.Equal(Instant(Day.AddHours(17)), (string)report["to"]!);
        Assert.Equal([("480", 1), ("503", 1)], Tally(report["codes"]!, "code").OrderBy(code => code.Key));
    }

    [Theory]
    [InlineData("country=Vietnam", "country")]
    [InlineData("class=2xx", "class")]
    [InlineData("outcome=sad", "outcome")]
    [InlineData("code=four-eighty", "code")]
    [InlineData("tz=Mars/Olympus_Mons", "tz")]
    [InlineData("tz=SE%20Asia%20Standard%20Time", "tz")]
    [InlineData("format=xlsx", "format")]
    [InlineData("tag[campaign]=summer&tag[campaign]=winter", "tag[campaign]")]
    [InlineData("tags=summer", "tags")]
    [InlineData("agent=a1&agent=a2", "agent")]
    public async Task AReport_WithABadFilter_IsAValidationProblemNamingIt(string filter, string field)
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Read.GetAsync($"/api/v1/reports/agents?{filter}");
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task AReport_WithABadFilterAndABadLimit_NamesBoth()
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Read.GetAsync("/api/v1/reports/agents?country=Vietnam&limit=0");
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]!["country"]);
        Assert.NotNull(problem["errors"]!["limit"]);
    }
}
