using System.Net;
using System.Text.Json.Nodes;
using CallTracker.Api.Tests.Infrastructure;
using static CallTracker.Api.Tests.ReportScenario;
using static CallTracker.Api.Tests.ReportTests;

namespace CallTracker.Api.Tests;

/// <summary>
/// Failed calls over time, in buckets of the caller's time zone. The calls sit either side of 17:00 UTC,
/// which is midnight in Ho Chi Minh City (UTC+7, no daylight saving): one UTC day, two Vietnamese ones.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class TimeseriesTests(ApiFixture fixture)
{
    private const string HoChiMinh = "tz=Asia/Ho_Chi_Minh";

    /// <summary>23:30 in Ho Chi Minh City: two busy calls and one unreachable.</summary>
    private static readonly DateTimeOffset LateEvening = Day.AddHours(16).AddMinutes(30);

    /// <summary>00:30 the next day there: a 503, a call with no response (transport error), one answered.</summary>
    private static readonly DateTimeOffset AfterMidnight = Day.AddHours(17).AddMinutes(30);

    private static string LocalDay(int days) => $"{Date(Day.AddDays(days))}T00:00:00+07:00";

    [Fact]
    public async Task ByDayInHoChiMinhCity_CallsEitherSideOf17Utc_FallOnTwoLocalDays()
    {
        var project = await CreateAsync();

        var report = await project.Read.GetJsonAsync(
            $"/api/v1/reports/timeseries?from={Date(Day)}&to={Date(Day.AddDays(2))}&{HoChiMinh}&interval=day");

        // Dates without a time are local midnights: 17:00 UTC the day before.
        Assert.Equal(Instant(Day.AddHours(-7)), (string)report["from"]!);
        Assert.Equal(Instant(Day.AddDays(1).AddHours(17)), (string)report["to"]!);
        Assert.Equal("Asia/Ho_Chi_Minh", (string)report["timeZone"]!);
        Assert.Equal([LocalDay(0), LocalDay(1)], Starts(report));
        Assert.Equal([3L, 2L], Column(report, "failures"));
        Assert.Equal([0L, 1L], Column(report, "answered"));
    }

    [Fact]
    public async Task ByDayInUtc_TheSameCalls_FallOnOneDay()
    {
        var project = await CreateAsync();

        var report = await project.Read.GetJsonAsync(
            $"/api/v1/reports/timeseries?from={Date(Day)}&to={Date(Day.AddDays(1))}&tz=UTC&interval=day");

        Assert.Equal([$"{Date(Day)}T00:00:00+00:00"], Starts(report));
        Assert.Equal([3L + 2L], Column(report, "failures"));
        Assert.Equal([1L], Column(report, "answered"));
    }

    [Fact]
    public async Task ByDay_DaysWithoutCalls_AreListedAsZeroes()
    {
        var project = await CreateAsync();

        var report = await project.Read.GetJsonAsync(
            $"/api/v1/reports/timeseries?from={Date(Day.AddDays(-1))}&to={Date(Day.AddDays(3))}&{HoChiMinh}" +
            "&interval=day");
        var buckets = report["buckets"]!.AsArray().Select(bucket => bucket!).ToList();

        Assert.Equal([LocalDay(-1), LocalDay(0), LocalDay(1), LocalDay(2)], Starts(report));
        Assert.Equal([0L, 3L, 2L, 0L], Column(report, "failures"));
        Assert.Equal([0L, 0L, 1L, 0L], Column(report, "answered"));

        // A day with no call has no ratio: 0 would read as "no call was answered" on a chart.
        foreach (var empty in new[] { buckets[0], buckets[3] })
        {
            Assert.All(Counts(empty), count => Assert.Equal(0, count.Count));
            Assert.Null(empty["asr"]);
            Assert.Null(empty["ner"]);
        }
    }

    [Fact]
    public async Task ByHourInHoChiMinhCity_CountsEachLocalHour_AndGivesItsRatios()
    {
        var project = await CreateAsync();
        var from = Uri.EscapeDataString($"{Date(Day)}T23:00:00+07:00");
        var to = Uri.EscapeDataString($"{Date(Day.AddDays(1))}T01:00:00+07:00");

        var report = await project.Read.GetJsonAsync(
            $"/api/v1/reports/timeseries?from={from}&to={to}&{HoChiMinh}&interval=hour");
        var buckets = report["buckets"]!.AsArray().Select(bucket => bucket!).ToList();

        Assert.Equal(Instant(Day.AddHours(16)), (string)report["from"]!);
        Assert.Equal("hour", (string)report["interval"]!);
        Assert.Equal([$"{Date(Day)}T23:00:00+07:00", LocalDay(1)], Starts(report));
        Assert.Equal([3L, 2L], Column(report, "failures"));

        // 23:00: nothing answered of 3, all 3 network-effective (busy, busy, unreachable).
        Assert.Equal(0.0, buckets[0]["asr"]!.GetValue<double>());
        Assert.Equal(1.0, buckets[0]["ner"]!.GetValue<double>());

        // 00:00: 1 answered of 3; only the answered call is effective (a 503 and a transport error are not).
        Assert.Equal(Math.Round(1.0 / 3, 4), buckets[1]["asr"]!.GetValue<double>());
        Assert.Equal(Math.Round(1.0 / 3, 4), buckets[1]["ner"]!.GetValue<double>());
    }

    [Fact]
    public async Task ByHourInAZoneHalfAnHourOffUtc_StartsBucketsOnLocalHours()
    {
        var project = await CreateAsync();

        var report = await project.Read.GetJsonAsync(
            $"/api/v1/reports/timeseries?from={Instant(Day.AddHours(16))}&to={Instant(Day.AddHours(18))}" +
            "&tz=Asia/Kolkata&interval=hour");

        // 16:00 UTC is 21:30 in India (UTC+5:30): its hour began at 21:00, and the calls are at 22:00 and 23:00.
        Assert.Equal(
            [$"{Date(Day)}T21:00:00+05:30", $"{Date(Day)}T22:00:00+05:30", $"{Date(Day)}T23:00:00+05:30"],
            Starts(report));
        Assert.Equal([0L, 3L, 2L], Column(report, "failures"));
    }

    [Fact]
    public async Task ByDayOverADaylightSavingChange_GivesEachLocalDayItsOwnOffset()
    {
        var project = await fixture.CreateProjectAsync();

        var days = await project.Read.GetJsonAsync(
            "/api/v1/reports/timeseries?from=2026-03-28&to=2026-03-31&tz=Europe/Berlin&interval=day");
        var hours = await project.Read.GetJsonAsync(
            "/api/v1/reports/timeseries?from=2026-03-29&to=2026-03-30&tz=Europe/Berlin&interval=hour");

        // Clocks went from 02:00 to 03:00 on 29 March 2026: that day had 23 hours.
        Assert.Equal(["2026-03-28T00:00:00+01:00", "2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00"],
            Starts(days));
        Assert.Equal(23, Starts(hours).Count);
        Assert.Equal(["2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00"], Starts(hours)[1..3]);
    }

    [Fact]
    public async Task GroupedByClass_CountsEachBucketsFailuresPerClass()
    {
        var project = await CreateAsync();

        var report = await project.Read.GetJsonAsync(TwoLocalDays("groupBy=class"));
        var buckets = report["buckets"]!.AsArray().Select(bucket => bucket!).ToList();

        Assert.Equal("class", (string)report["groupBy"]!);
        Assert.Equal(["3xx", "4xx", "5xx", "6xx", "none"], Keys(report));
        Assert.Equal([("3xx", 0), ("4xx", 3), ("5xx", 0), ("6xx", 0), ("none", 0)], Counts(buckets[0]));
        Assert.Equal([("3xx", 0), ("4xx", 0), ("5xx", 1), ("6xx", 0), ("none", 1)], Counts(buckets[1]));
    }

    [Fact]
    public async Task GroupedByOutcome_ListsEveryFailureOutcome_AndCountsEachBucketsCalls()
    {
        var project = await CreateAsync();

        var report = await project.Read.GetJsonAsync(TwoLocalDays("groupBy=outcome"));
        var buckets = report["buckets"]!.AsArray().Select(bucket => bucket!).ToList();

        Assert.Equal(
            ["busy", "no_answer", "declined", "invalid_number", "unreachable", "cancelled", "network_error",
                "configuration_error", "media_error", "blocked", "redirected", "no_response", "unknown"],
            Keys(report));
        Assert.Equal([("busy", 2), ("unreachable", 1)], Counts(buckets[0]).Where(count => count.Count > 0));
        Assert.Equal([("network_error", 1 + 1)], Counts(buckets[1]).Where(count => count.Count > 0));
    }

    [Fact]
    public async Task GroupedByCode_ListsTheCodesSeenMostFrequentFirst_AndNoneForCallsWithoutOne()
    {
        var project = await CreateAsync();

        var report = await project.Read.GetJsonAsync(TwoLocalDays("groupBy=code"));
        var buckets = report["buckets"]!.AsArray().Select(bucket => bucket!).ToList();

        // 486 twice; then 480, 503 and none once each, in text order. The answered 200 is no failure code.
        Assert.Equal(["486", "480", "503", "none"], Keys(report));
        Assert.Equal([("486", 2), ("480", 1), ("503", 0), ("none", 0)], Counts(buckets[0]));
        Assert.Equal([("486", 0), ("480", 0), ("503", 1), ("none", 1)], Counts(buckets[1]));
    }

    [Fact]
    public async Task OfAProjectThatSendsNoAnsweredCalls_HasNoRatios()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new { occurredAt = Instant(LateEvening), sipCode = 486 });

        var report = await project.Read.GetJsonAsync(TwoLocalDays("groupBy=class"));

        Assert.False(report["answeredCallsInScope"]!.GetValue<bool>());
        Assert.Equal([1L, 0L], Column(report, "failures"));
        Assert.All(report["buckets"]!.AsArray(), bucket => Assert.Null(bucket!["asr"]));
        Assert.All(report["buckets"]!.AsArray(), bucket => Assert.Null(bucket!["ner"]));
    }

    [Fact]
    public async Task WithoutAnIntervalOrGroupBy_IsHourlyByClass()
    {
        var project = await fixture.CreateProjectAsync();

        var report = await project.Read.GetJsonAsync(
            $"/api/v1/reports/timeseries?from={Instant(Day)}&to={Instant(Day.AddHours(3))}");

        Assert.Equal("hour", (string)report["interval"]!);
        Assert.Equal("class", (string)report["groupBy"]!);
        Assert.Equal("UTC", (string)report["timeZone"]!);
        Assert.Equal(3, Starts(report).Count);
    }

    [Theory]
    [InlineData("interval=week", "interval")]
    [InlineData("interval=Hour", "interval")]
    [InlineData("groupBy=agent", "groupBy")]
    [InlineData("tz=Asia/Saigon_City", "tz")]
    [InlineData("tz=%2B07:00", "tz")]
    public async Task WithABadParameter_IsAValidationProblemNamingIt(string parameter, string field)
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Read.GetAsync(
            $"/api/v1/reports/timeseries?from={Date(Day)}&to={Date(Day.AddDays(2))}&{parameter}");
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task WithABadIntervalAndABadGroupByAndABadFilter_NamesAllThree()
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Read.GetAsync(
            "/api/v1/reports/timeseries?interval=week&groupBy=agent&class=2xx");
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["class", "groupBy", "interval"], problem["errors"]!.AsObject().Select(e => e.Key).Order());
    }

    [Fact]
    public async Task OfAThousandHours_IsAnswered_AndOfOneHourMore_IsAValidationProblemNamingFrom()
    {
        var project = await fixture.CreateProjectAsync();
        var to = Instant(Day);

        var thousand = await project.Read.GetJsonAsync(
            $"/api/v1/reports/timeseries?from={Instant(Day.AddHours(-1000))}&to={to}&interval=hour");
        var tooMany = await project.Read.GetAsync(
            $"/api/v1/reports/timeseries?from={Instant(Day.AddHours(-1001))}&to={to}&interval=hour");
        var asDays = await project.Read.GetJsonAsync(
            $"/api/v1/reports/timeseries?from={Instant(Day.AddHours(-1001))}&to={to}&interval=day");

        // A thousand hours from half past: they touch 1001 clock hours.
        var halfPast = await project.Read.GetAsync(
            $"/api/v1/reports/timeseries?from={Instant(Day.AddHours(-1000).AddMinutes(30))}" +
            $"&to={Instant(Day.AddMinutes(30))}&interval=hour");

        Assert.Equal(1000, Starts(thousand).Count);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.NotNull((await tooMany.JsonAsync())["errors"]!["from"]);
        Assert.Equal(HttpStatusCode.BadRequest, halfPast.StatusCode);
        Assert.NotNull((await halfPast.JsonAsync())["errors"]!["from"]);

        // 1001 hours are 41 days and 17 hours, which touch 42 days.
        Assert.Equal(42, Starts(asDays).Count);
    }

    /// <summary>A project with the calls either side of midnight in Ho Chi Minh City.</summary>
    private async Task<TestProject> CreateAsync()
    {
        var project = await fixture.CreateProjectAsync();
        var response = await project.Ingest.PostEventsAsync(new object[]
        {
            new { occurredAt = Instant(LateEvening), sipCode = 486 },
            new { occurredAt = Instant(LateEvening.AddMinutes(1)), sipCode = 486 },
            new { occurredAt = Instant(LateEvening.AddMinutes(2)), sipCode = 480 },
            new { occurredAt = Instant(AfterMidnight), sipCode = 503 },
            new { occurredAt = Instant(AfterMidnight.AddMinutes(1)), localCause = "transport_error" },
            new { occurredAt = Instant(AfterMidnight.AddMinutes(2)), sipCode = 200 },
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return project;
    }

    /// <summary>The two local days of the calls, by day in Ho Chi Minh City, with more parameters.</summary>
    private static string TwoLocalDays(string parameters) =>
        $"/api/v1/reports/timeseries?from={Date(Day)}&to={Date(Day.AddDays(2))}&{HoChiMinh}&interval=day&" +
        parameters;

    private static List<string> Starts(JsonNode report) =>
        report["buckets"]!.AsArray().Select(bucket => (string)bucket!["start"]!).ToList();

    private static List<long> Column(JsonNode report, string name) =>
        report["buckets"]!.AsArray().Select(bucket => bucket![name]!.GetValue<long>()).ToList();

    private static List<string> Keys(JsonNode report) =>
        report["keys"]!.AsArray().Select(key => (string)key!).ToList();
}
