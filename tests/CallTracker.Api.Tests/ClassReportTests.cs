using System.Net;
using System.Text.Json.Nodes;
using CallTracker.Api.Tests.Infrastructure;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>The main job end to end: captured SIP responses in, the report by response class out.</summary>
[Collection(ApiSuite.Name)]
public sealed class ClassReportTests(ApiFixture fixture)
{
    [Fact]
    public async Task SixteenCapturedResponses_GiveTheExpectedClassTotals_AndAnsweredOrSilentCallsCountOnlyThemselves()
    {
        var project = await fixture.CreateProjectAsync();
        var failures = SharedData.SipResponseFiles().Select((file, index) => new
        {
            occurredAt = MinutesAgo(30 - index),
            sipMessage = SharedData.SipResponse(file),
            agent = "agent-007",
            phoneNumber = "0900000001",
        }).ToList();

        var posted = await project.Ingest.PostEventsAsync(failures);
        var answered = await project.Ingest.PostEventsAsync(
            new { occurredAt = MinutesAgo(5), sipCode = 200 });
        var silent = await project.Ingest.PostEventsAsync(
            new { occurredAt = MinutesAgo(4), sipCode = (int?)null, localCause = "transport_error" });
        var report = await project.Read.GetJsonAsync("/api/v1/reports/classes");

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, answered.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, silent.StatusCode);
        Assert.Equal(17, report["total"]!.GetValue<long>());
        Assert.Equal(1, ClassCount(report, "3xx"));
        Assert.Equal(10, ClassCount(report, "4xx"));
        Assert.Equal(2, ClassCount(report, "5xx"));
        Assert.Equal(3, ClassCount(report, "6xx"));
        Assert.Equal(1, ClassCount(report, "none"));
        Assert.Equal(["3xx", "4xx", "5xx", "6xx", "none"], Classes(report).Select(item => (string)item["class"]!));
    }

    [Fact]
    public async Task ClassReport_ListsCodesWithStandardPhrasesAndShares()
    {
        var project = await fixture.CreateProjectAsync();
        string[] files = ["03-480.sip", "04-480.sip", "16-480.sip", "01-486.sip"];
        await project.Ingest.PostEventsAsync(files.Select(file => new
        {
            occurredAt = MinutesAgo(10),
            sipMessage = SharedData.SipResponse(file),
        }));

        var report = await project.Read.GetJsonAsync("/api/v1/reports/classes");
        var clientFailures = Classes(report).Single(item => (string)item["class"]! == "4xx");
        var codes = clientFailures["codes"]!.AsArray();

        Assert.Equal(1.0, clientFailures["share"]!.GetValue<double>());
        Assert.Equal(480, codes[0]!["code"]!.GetValue<int>());
        Assert.Equal("Temporarily Unavailable", (string)codes[0]!["phrase"]!);
        Assert.Equal(3, codes[0]!["count"]!.GetValue<long>());
        Assert.Equal(0.75, codes[0]!["share"]!.GetValue<double>());
        Assert.Equal(486, codes[1]!["code"]!.GetValue<int>());
        Assert.Equal("Busy Here", (string)codes[1]!["phrase"]!);
    }

    [Fact]
    public async Task ClassReport_OfAnUnregisteredCode_HasNoPhraseButKeepsItsNumberAndClass()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new[] { 477, 555, 608, 699 }.Select(code => new
        {
            occurredAt = MinutesAgo(3),
            sipCode = code,
            reasonPhrase = "Custom",
        }));

        var report = await project.Read.GetJsonAsync("/api/v1/reports/classes");

        var code477 = Codes(report, "4xx").Single();
        Assert.Equal(477, code477["code"]!.GetValue<int>());
        Assert.Null(code477["phrase"]);
        Assert.Equal([555], Codes(report, "5xx").Select(code => code["code"]!.GetValue<int>()));
        Assert.Equal([608, 699], Codes(report, "6xx").Select(code => code["code"]!.GetValue<int>()).Order());
    }

    [Fact]
    public async Task ClassReport_BreaksCallsWithoutAResponseDownByLocalCause()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new object[]
        {
            new { occurredAt = MinutesAgo(3), sipCode = (int?)null, localCause = "transport_error" },
            new { occurredAt = MinutesAgo(3), sipCode = 0, localCause = "transport_error" },
            new { occurredAt = MinutesAgo(3), localCause = "request_timeout" },
            new { occurredAt = MinutesAgo(3) },
        });

        var report = await project.Read.GetJsonAsync("/api/v1/reports/classes");
        var none = Classes(report).Single(item => (string)item["class"]! == "none");
        var causes = none["localCauses"]!.AsArray()
            .ToDictionary(cause => (string)cause!["localCause"]!, cause => cause!["count"]!.GetValue<long>());

        Assert.Equal(4, none["count"]!.GetValue<long>());
        Assert.Empty(none["codes"]!.AsArray());
        var expected = new Dictionary<string, long>
        {
            ["transport_error"] = 2,
            ["request_timeout"] = 1,
            ["unknown"] = 1,
        };
        Assert.Equal(expected, causes);
    }

    [Fact]
    public async Task ClassReport_NarrowedToAnAgentAndARange_CountsOnlyThatAgentInThatRange()
    {
        var project = await fixture.CreateProjectAsync();
        var from = DateTimeOffset.UtcNow.AddMinutes(-20);
        await project.Ingest.PostEventsAsync(new object[]
        {
            new { occurredAt = MinutesAgo(10), sipCode = 486, agent = "agent-007" },
            new { occurredAt = MinutesAgo(10), sipCode = 486, agent = "agent-008" },
            new { occurredAt = MinutesAgo(30), sipCode = 486, agent = "agent-007" },
        });

        var report = await project.Read.GetJsonAsync(
            $"/api/v1/reports/classes?agent=agent-007&from={Uri.EscapeDataString(from.ToString("O"))}");

        Assert.Equal(1, report["total"]!.GetValue<long>());
        Assert.Equal("agent-007", (string)report["agent"]!);
    }

    [Fact]
    public async Task ClassReport_AcceptsADateAsMidnightUtc_AndAnswersEmptyRangesWithZeroes()
    {
        var project = await fixture.CreateProjectAsync();

        var report = await project.Read.GetJsonAsync("/api/v1/reports/classes?from=2025-03-01&to=2025-03-02");

        Assert.Equal("2025-03-01T00:00:00Z", (string)report["from"]!);
        Assert.Equal("2025-03-02T00:00:00Z", (string)report["to"]!);
        Assert.Equal(0, report["total"]!.GetValue<long>());
        Assert.All(Classes(report), item => Assert.Equal(0, item["count"]!.GetValue<long>()));
    }

    [Theory]
    [InlineData("from=2025-03-01T09:15:00", "from")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2025-03-02&to=2025-03-01", "from")]
    public async Task ClassReport_WithABadRange_IsAValidationProblemNamingTheParameter(string query, string field)
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Read.GetAsync($"/api/v1/reports/classes?{query}");
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task ClassReport_OfOneProject_NeverCountsAnotherProjectsEvents()
    {
        var mine = await fixture.CreateProjectAsync();
        var theirs = await fixture.CreateProjectAsync();
        await theirs.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(2), sipCode = 503 });

        var report = await mine.Read.GetJsonAsync("/api/v1/reports/classes");

        Assert.Equal(0, report["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task ClassReport_WithoutAToken_IsUnauthorized()
    {
        var client = fixture.Factory.CreateClient();

        var response = await client.GetAsync("/api/v1/reports/classes");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static IEnumerable<JsonNode> Classes(JsonNode report) => report["classes"]!.AsArray().Select(item => item!);

    private static long ClassCount(JsonNode report, string responseClass) =>
        Classes(report).Single(item => (string)item["class"]! == responseClass)["count"]!.GetValue<long>();

    private static IEnumerable<JsonNode> Codes(JsonNode report, string responseClass) =>
        Classes(report).Single(item => (string)item["class"]! == responseClass)["codes"]!.AsArray()
            .Select(code => code!);
}
