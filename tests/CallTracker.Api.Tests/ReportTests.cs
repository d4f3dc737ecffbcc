using System.Text.Json.Nodes;
using CallTracker.Api.Tests.Infrastructure;
using static CallTracker.Api.Tests.ReportScenario;

namespace CallTracker.Api.Tests;

/// <summary>
/// Every report of <see cref="ReportScenario"/>, each number worked out by hand from the scenario's blocks:
/// eight blocks (four agents, two hours) of twenty failures, 140 answered calls, and the sixteen shared
/// responses.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class ReportTests(ApiFixture fixture)
{
    [Fact]
    public async Task ClassReport_OfTheScenario_CountsEachClassAndTheCodesAndLocalCausesInIt()
    {
        var project = await SharedAsync(fixture);

        var report = await project.Read.GetJsonAsync($"/api/v1/reports/classes?{WholeDay}");

        Assert.Equal(8 * 20 + 16, report["total"]!.GetValue<long>());
        Assert.Equal(0 + 1, ClassOf(report, "3xx")["count"]!.GetValue<long>());
        Assert.Equal(8 * 12 + 10, ClassOf(report, "4xx")["count"]!.GetValue<long>());
        Assert.Equal(8 * 3 + 2, ClassOf(report, "5xx")["count"]!.GetValue<long>());
        Assert.Equal(8 * 1 + 3, ClassOf(report, "6xx")["count"]!.GetValue<long>());
        Assert.Equal(8 * 4 + 0, ClassOf(report, "none")["count"]!.GetValue<long>());
        Assert.Equal(Math.Round(106.0 / 176, 4), ClassOf(report, "4xx")["share"]!.GetValue<double>());

        // 480: six a block and three shared; 486: four a block and one shared; then the shared 4xx, by code.
        var clientFailures = Tally(ClassOf(report, "4xx")["codes"]!, "code");
        Assert.Equal(
            [("480", 8 * 6 + 3), ("486", 8 * 4 + 1), ("404", 8 * 2 + 1), ("403", 1), ("408", 1), ("484", 1),
                ("487", 1), ("488", 1)],
            clientFailures);
        Assert.Equal([("503", 8 * 3 + 1), ("500", 1)], Tally(ClassOf(report, "5xx")["codes"]!, "code"));
        Assert.Equal(
            [("transport_error", 8 * 2), ("request_timeout", 8), ("ring_timeout", 8)],
            Tally(ClassOf(report, "none")["localCauses"]!, "localCause"));
        Assert.Equal(
            [("no_answer", 8 * 1), ("network_error", 8 * 2), ("no_response", 8 * 1)],
            Tally(ClassOf(report, "none")["outcomes"]!, "outcome"));
    }

    [Fact]
    public async Task OutcomeReport_OfTheScenario_CountsEveryFailureOutcomeAndLeavesAnsweredCallsOut()
    {
        var project = await SharedAsync(fixture);

        var report = await project.Read.GetJsonAsync($"/api/v1/reports/outcomes?{WholeDay}");

        Assert.Equal(8 * 20 + 16, report["total"]!.GetValue<long>());
        Assert.Equal(
            [
                ("busy", 8 * 4 + 2), ("no_answer", 8 * 3 + 1), ("declined", 8 * 1 + 1),
                ("invalid_number", 8 * 2 + 3), ("unreachable", 8 * 4 + 3), ("cancelled", 0 + 1),
                ("network_error", 8 * 5 + 2), ("configuration_error", 0 + 1), ("media_error", 0 + 1),
                ("blocked", 0), ("redirected", 0 + 1), ("no_response", 8 * 1 + 0), ("unknown", 0),
            ],
            Tally(report["outcomes"]!, "outcome"));

        // The two busy codes: 486 (four a block, one shared) and the shared 600 Busy Everywhere.
        var busy = report["outcomes"]!.AsArray().Single(item => (string)item!["outcome"]! == "busy")!;
        Assert.Equal([("486", 8 * 4 + 1), ("600", 1)], Tally(busy["codes"]!, "code"));
        Assert.Equal(Math.Round(34.0 / 176, 4), busy["share"]!.GetValue<double>());
    }

    [Fact]
    public async Task CodeReport_OfTheScenario_ListsCodesAndLocalCausesMostFrequentFirst()
    {
        var project = await SharedAsync(fixture);

        var report = await project.Read.GetJsonAsync($"/api/v1/reports/codes?{WholeDay}");
        var codes = report["codes"]!.AsArray().Select(row => row!).ToList();

        Assert.Equal(8 * 20 + 16, report["total"]!.GetValue<long>());
        Assert.Equal(
            [
                "480:51", "486:33", "503:25", "404:17", "transport_error:16", "603:9", "request_timeout:8",
                "ring_timeout:8", "302:1", "403:1", "408:1", "484:1", "487:1", "488:1", "500:1", "600:1", "604:1",
            ],
            codes.Select(row => $"{(string?)row["localCause"] ?? row["code"]!.ToString()}:{row["count"]}"));

        // 480: unreachable without a cause (2 a block), with cause 20 (2 a block) and two shared (causes 18,
        // 20); no answer with cause 19 (2 a block) and one shared.
        var temporarilyUnavailable = codes[0];
        Assert.Equal("Temporarily Unavailable", (string)temporarilyUnavailable["phrase"]!);
        Assert.Equal("4xx", (string)temporarilyUnavailable["class"]!);
        Assert.Equal(Math.Round(51.0 / 176, 4), temporarilyUnavailable["share"]!.GetValue<double>());
        Assert.Equal(
            [("unreachable", 8 * 4 + 2), ("no_answer", 8 * 2 + 1)],
            Tally(temporarilyUnavailable["outcomes"]!, "outcome"));

        var transportErrors = codes[4];
        Assert.Null(transportErrors["code"]);
        Assert.Null(transportErrors["phrase"]);
        Assert.Equal("none", (string)transportErrors["class"]!);
    }

    [Fact]
    public async Task AgentReport_OfTheScenario_GivesEachAgentsFailuresAnsweredCallsAsrAndNer()
    {
        var project = await SharedAsync(fixture);

        var report = await project.Read.GetJsonAsync($"/api/v1/reports/agents?{WholeDay}");

        Assert.Equal("agent", (string)report["by"]!);
        Assert.True(report["answeredCallsInScope"]!.GetValue<bool>());
        Assert.Equal(["a1", "a2", "a3", "a4", "agent-007"], Values(report));

        // Each agent: two blocks of 20 failures, of which 2 × 14 are network-effective, and the answered.
        Assert.Equal(Calls(failures: 40, answered: 2 * 40, effective: 2 * 40 + 28), Numbers(RowOf(report, "a1")));
        Assert.Equal(Calls(failures: 40, answered: 2 * 20, effective: 2 * 20 + 28), Numbers(RowOf(report, "a2")));
        Assert.Equal(Calls(failures: 40, answered: 2 * 10, effective: 2 * 10 + 28), Numbers(RowOf(report, "a3")));

        // Never answered while others were: ratios of 0 and 28 / 40, not unknown.
        Assert.Equal(Calls(failures: 40, answered: 0, effective: 28), Numbers(RowOf(report, "a4")));
        Assert.Equal(Calls(failures: 16, answered: 0, effective: 11), Numbers(RowOf(report, "agent-007")));
        Assert.Equal(Calls(failures: 176, answered: 140, effective: 140 + 8 * 14 + 11), Numbers(report["total"]!));

        var a4 = RowOf(report, "a4")["outcomes"]!.AsObject()
            .Where(outcome => outcome.Value!.GetValue<long>() > 0)
            .Select(outcome => (outcome.Key, outcome.Value!.GetValue<long>()));
        Assert.Equal(
            [("busy", 8), ("no_answer", 6), ("declined", 2), ("invalid_number", 4), ("unreachable", 8),
                ("network_error", 10), ("no_response", 2)],
            a4);
        Assert.False(report["more"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AgentReport_WithALimit_ListsTheAgentsWithMostFailuresAndSaysThereAreMore()
    {
        var project = await SharedAsync(fixture);

        var report = await project.Read.GetJsonAsync($"/api/v1/reports/agents?{WholeDay}&limit=2");

        // a1 to a4 tie on failures; more attempts come first.
        Assert.Equal(["a1", "a2"], Values(report));
        Assert.True(report["more"]!.GetValue<bool>());
        Assert.Equal(176, report["total"]!["failures"]!.GetValue<long>());
    }

    [Fact]
    public async Task TrunkReport_OfTheScenario_AddsUpTheAgentsOfEachTrunk()
    {
        var project = await SharedAsync(fixture);

        var report = await project.Read.GetJsonAsync($"/api/v1/reports/trunks?{WholeDay}");

        Assert.Equal("trunk", (string)report["by"]!);
        Assert.Equal(["t1", "t2", null], Values(report));

        // t1 is a1 and a2, t2 is a3 and a4; the shared responses came with no trunk.
        Assert.Equal(Calls(failures: 80, answered: 80 + 40, effective: 120 + 56), Numbers(RowOf(report, "t1")));
        Assert.Equal(Calls(failures: 80, answered: 20 + 0, effective: 20 + 56), Numbers(RowOf(report, "t2")));
        Assert.Equal(Calls(failures: 16, answered: 0, effective: 11), Numbers(RowOf(report, null)));
    }

    [Fact]
    public async Task CarrierReport_OfTheScenario_GivesEachCountryAndCarrierOfTheNumbersDialled()
    {
        var project = await SharedAsync(fixture);

        var report = await project.Read.GetJsonAsync($"/api/v1/reports/carriers?{WholeDay}");
        var rows = report["rows"]!.AsArray().Select(row => $"{row!["country"]} {row["value"]}");

        Assert.Equal("carrier", (string)report["by"]!);
        Assert.Equal(["VN MobiFone", "VN Viettel", "DE Vodafone"], rows);

        // MobiFone: 6 a block, all network-effective, and the 16 shared (11 effective).
        Assert.Equal(
            Calls(failures: 8 * 6 + 16, answered: 0, effective: 8 * 6 + 11), Numbers(RowOf(report, "MobiFone")));

        // Viettel: 7 a block (6 effective: 486 and 404; the request timeout is not) and every answered call.
        Assert.Equal(
            Calls(failures: 8 * 7, answered: 140, effective: 140 + 8 * 6), Numbers(RowOf(report, "Viettel")));

        // Vodafone: 7 a block, of which only the two 480s with cause 20 (unreachable) are effective.
        Assert.Equal(Calls(failures: 8 * 7, answered: 0, effective: 8 * 2), Numbers(RowOf(report, "Vodafone")));
    }

    [Fact]
    public async Task TagReport_OfTheScenario_GivesEachCampaign_AndTheCallsWithoutOneAsANullRow()
    {
        var project = await SharedAsync(fixture);

        var report = await project.Read.GetJsonAsync($"/api/v1/reports/tags/campaign?{WholeDay}");

        Assert.Equal("tag:campaign", (string)report["by"]!);
        Assert.Equal(["summer", "winter", null], Values(report));

        // summer is a1 and a3, winter is a2 and a4.
        Assert.Equal(
            Calls(failures: 80, answered: 80 + 20, effective: 100 + 56), Numbers(RowOf(report, "summer")));
        Assert.Equal(Calls(failures: 80, answered: 40 + 0, effective: 40 + 56), Numbers(RowOf(report, "winter")));
        Assert.Equal(Calls(failures: 16, answered: 0, effective: 11), Numbers(RowOf(report, null)));
    }

    [Fact]
    public async Task TagReport_OfATagNoCallHas_PutsEveryCallInTheNullRow()
    {
        var project = await SharedAsync(fixture);

        var report = await project.Read.GetJsonAsync($"/api/v1/reports/tags/region?{WholeDay}");

        Assert.Equal([null], Values(report));
        Assert.Equal(Calls(failures: 176, answered: 140, effective: 263), Numbers(RowOf(report, null)));
    }

    [Fact]
    public async Task RatioReport_OfTheScenario_GivesAsrAndNerOverEveryCall()
    {
        var project = await SharedAsync(fixture);

        var report = await project.Read.GetJsonAsync($"/api/v1/reports/ratios?{WholeDay}");

        // Effective: the 140 answered, 14 of each block's 20 failures, 11 of the 16 shared.
        Assert.True(report["answeredCallsInScope"]!.GetValue<bool>());
        Assert.Equal(140 + 176, report["attempts"]!.GetValue<long>());
        Assert.Equal(140, report["answered"]!.GetValue<long>());
        Assert.Equal(176, report["failures"]!.GetValue<long>());
        Assert.Equal(140 + 8 * 14 + 11, report["effective"]!.GetValue<long>());
        Assert.Equal(Math.Round(140.0 / 316, 4), report["asr"]!.GetValue<double>());
        Assert.Equal(Math.Round(263.0 / 316, 4), report["ner"]!.GetValue<double>());
    }

    [Fact]
    public async Task Timeseries_OfTheScenario_PutsEachHoursCallsInItsBucket_AndTheOtherHoursAtZero()
    {
        var project = await SharedAsync(fixture);

        var report = await project.Read.GetJsonAsync($"/api/v1/reports/timeseries?{WholeDay}&interval=hour");
        var buckets = report["buckets"]!.AsArray().Select(bucket => bucket!).ToList();

        Assert.Equal(24, buckets.Count);
        Assert.Equal(
            Enumerable.Range(0, 24).Select(hour => Instant(Day.AddHours(hour)).Replace("Z", "+00:00")),
            buckets.Select(bucket => (string)bucket["start"]!));

        // 09:00 and 14:00: four blocks of 20 and 40 + 20 + 10 answered, of which 4 × 14 + 70 effective.
        foreach (var hour in BlockHours)
        {
            Assert.Equal(4 * 20, buckets[hour]["failures"]!.GetValue<long>());
            Assert.Equal(40 + 20 + 10, buckets[hour]["answered"]!.GetValue<long>());
            Assert.Equal(Math.Round(70.0 / 150, 4), buckets[hour]["asr"]!.GetValue<double>());
            Assert.Equal(Math.Round((4 * 14 + 70) / 150.0, 4), buckets[hour]["ner"]!.GetValue<double>());
            Assert.Equal(
                [("3xx", 0), ("4xx", 4 * 12), ("5xx", 4 * 3), ("6xx", 4 * 1), ("none", 4 * 4)],
                Counts(buckets[hour]));
        }

        var shared = buckets[SharedResponsesHour];
        Assert.Equal(16, shared["failures"]!.GetValue<long>());
        Assert.Equal(0, shared["answered"]!.GetValue<long>());
        Assert.Equal([("3xx", 1), ("4xx", 10), ("5xx", 2), ("6xx", 3), ("none", 0)], Counts(shared));

        var quiet = buckets.Where((_, hour) => hour is not (9 or 14 or SharedResponsesHour)).ToList();
        Assert.Equal(21, quiet.Count);
        Assert.All(quiet, bucket => Assert.Equal(0, bucket["failures"]!.GetValue<long>()));
        Assert.All(quiet, bucket => Assert.Equal(0, bucket["answered"]!.GetValue<long>()));
        Assert.All(quiet, bucket => Assert.All(Counts(bucket), count => Assert.Equal(0, count.Count)));
        Assert.All(quiet, bucket => Assert.Null(bucket["asr"]));
    }

    /// <summary>What a breakdown row should say, from its failures, answered and network-effective calls.</summary>
    internal static (long Failures, long Answered, long Attempts, double? Asr, double? Ner) Calls(
        long failures, long answered, long effective) =>
        (failures, answered, failures + answered,
            Math.Round((double)answered / (failures + answered), 4),
            Math.Round((double)effective / (failures + answered), 4));

    internal static (long Failures, long Answered, long Attempts, double? Asr, double? Ner) Numbers(JsonNode row) =>
        (row["failures"]!.GetValue<long>(), row["answered"]!.GetValue<long>(), row["attempts"]!.GetValue<long>(),
            row["asr"]?.GetValue<double>(), row["ner"]?.GetValue<double>());

    internal static JsonNode RowOf(JsonNode report, string? value) =>
        report["rows"]!.AsArray().Single(row => (string?)row!["value"] == value)!;

    internal static List<string?> Values(JsonNode report) =>
        report["rows"]!.AsArray().Select(row => (string?)row!["value"]).ToList();

    internal static JsonNode ClassOf(JsonNode report, string responseClass) =>
        report["classes"]!.AsArray().Single(item => (string)item!["class"]! == responseClass)!;

    /// <summary>The (key, count) pairs of a list of counted things, in the order the report gives them.</summary>
    internal static List<(string Key, long Count)> Tally(JsonNode items, string key) =>
        items.AsArray().Select(item => (item![key]!.ToString(), item["count"]!.GetValue<long>())).ToList();

    /// <summary>A time bucket's counts, in the order of its keys.</summary>
    internal static List<(string Key, long Count)> Counts(JsonNode bucket) =>
        bucket["counts"]!.AsObject().Select(count => (count.Key, count.Value!.GetValue<long>())).ToList();
}
