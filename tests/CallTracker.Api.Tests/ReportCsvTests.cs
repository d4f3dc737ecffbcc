using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CallTracker.Api.Tests.Infrastructure;
using CsvHelper;
using static CallTracker.Api.Tests.ReportScenario;

namespace CallTracker.Api.Tests;

/// <summary>
/// Every report as a CSV download, read back by a real CSV reader (CsvHelper, strict about quotes and column
/// counts) and compared with the same report as JSON.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class ReportCsvTests(ApiFixture fixture)
{
    private static readonly string[] FailureOutcomes =
    [
        "busy", "no_answer", "declined", "invalid_number", "unreachable", "cancelled", "network_error",
        "configuration_error", "media_error", "blocked", "redirected", "no_response", "unknown",
    ];

    private static readonly string[] BreakdownColumns = ["failures", "answered", "attempts", "asr", "ner"];

    [Fact]
    public async Task ClassReport_AsCsv_HasALineForEachCodeAndLocalCause_WithTheJsonReportsCounts()
    {
        var project = await SharedAsync(fixture);

        var json = await project.Read.GetJsonAsync($"/api/v1/reports/classes?{WholeDay}");
        var csv = await GetCsvAsync(project.Read, $"/api/v1/reports/classes?{WholeDay}&format=csv");

        Assert.Equal(
            ["class", "class_count", "class_share", "code", "phrase", "local_cause", "count", "share_of_class"],
            csv.Header);
        foreach (var item in json["classes"]!.AsArray().Select(item => item!))
        {
            var lines = csv.Rows.Where(row => row["class"] == (string)item["class"]!).ToList();
            var expected = item["codes"]!.AsArray()
                .Select(code => (code!["code"]!.ToString(), "", code["count"]!.ToString(), (string?)code["phrase"]))
                .Concat(item["localCauses"]!.AsArray()
                    .Select(cause => ("", (string)cause!["localCause"]!, cause["count"]!.ToString(), (string?)"")));

            Assert.All(lines, line => Assert.Equal(item["count"]!.ToString(), line["class_count"]));
            Assert.All(lines, line => AssertNumber(item["share"], line["class_share"]));
            Assert.Equal(expected, lines.Select(line => (line["code"], line["local_cause"], line["count"],
                (string?)line["phrase"])));
        }

        // One line per code: 3xx 1, 4xx 8, 5xx 2, 6xx 3; and per local cause: none 3.
        Assert.Equal("Moved Temporarily", csv.Rows.Single(row => row["class"] == "3xx")["phrase"]);
        Assert.Equal(1 + 8 + 2 + 3 + 3, csv.Rows.Count);
    }

    [Fact]
    public async Task ClassReport_AsCsv_GivesAClassWithoutFailuresOneLineOfZeroes()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new { occurredAt = Instant(Day.AddHours(10)), sipCode = 486 });

        var csv = await GetCsvAsync(project.Read, $"/api/v1/reports/classes?{WholeDay}&format=csv");

        Assert.Equal(
            ["3xx,0,0,,,,0,0", "4xx,1,1,486,Busy Here,,1,1", "5xx,0,0,,,,0,0", "6xx,0,0,,,,0,0", "none,0,0,,,,0,0"],
            csv.Rows.Select(row => string.Join(',', csv.Header.Select(column => row[column]))));
    }

    [Fact]
    public async Task OutcomeReport_AsCsv_HasEveryOutcomeWithItsLabelCountAndShare()
    {
        var project = await SharedAsync(fixture);

        var json = await project.Read.GetJsonAsync($"/api/v1/reports/outcomes?{WholeDay}");
        var csv = await GetCsvAsync(project.Read, $"/api/v1/reports/outcomes?{WholeDay}&format=csv");

        Assert.Equal(["outcome", "label", "count", "share"], csv.Header);
        Assert.Equal(FailureOutcomes, csv.Rows.Select(row => row["outcome"]));
        foreach (var (item, row) in json["outcomes"]!.AsArray().Zip(csv.Rows))
        {
            Assert.Equal((string)item!["label"]!, row["label"]);
            Assert.Equal(item["count"]!.ToString(), row["count"]);
            AssertNumber(item["share"], row["share"]);
        }
    }

    [Fact]
    public async Task CodeReport_AsCsv_HasEveryCodeAndLocalCauseInTheJsonReportsOrder()
    {
        var project = await SharedAsync(fixture);

        var json = await project.Read.GetJsonAsync($"/api/v1/reports/codes?{WholeDay}");
        var csv = await GetCsvAsync(project.Read, $"/api/v1/reports/codes?{WholeDay}&format=csv");

        Assert.Equal(["code", "phrase", "class", "local_cause", "count", "share", "outcomes"], csv.Header);
        Assert.Equal(json["codes"]!.AsArray().Count, csv.Rows.Count);
        foreach (var (item, row) in json["codes"]!.AsArray().Zip(csv.Rows))
        {
            Assert.Equal(item!["code"]?.ToString() ?? "", row["code"]);
            Assert.Equal((string?)item["phrase"] ?? "", row["phrase"]);
            Assert.Equal((string)item["class"]!, row["class"]);
            Assert.Equal((string?)item["localCause"] ?? "", row["local_cause"]);
            Assert.Equal(item["count"]!.ToString(), row["count"]);
            AssertNumber(item["share"], row["share"]);
        }

        // The outcomes column lists each outcome with its count, most frequent first.
        Assert.Equal("unreachable:34 no_answer:17", csv.Rows.Single(row => row["code"] == "480")["outcomes"]);
    }

    [Theory]
    [InlineData("agents", "agent")]
    [InlineData("trunks", "trunk")]
    [InlineData("tags/campaign", "tag:campaign")]
    public async Task BreakdownReport_AsCsv_HasOneLinePerRow_WithTheJsonReportsNumbers(string report, string key)
    {
        var project = await SharedAsync(fixture);

        var json = await project.Read.GetJsonAsync($"/api/v1/reports/{report}?{WholeDay}");
        var csv = await GetCsvAsync(project.Read, $"/api/v1/reports/{report}?{WholeDay}&format=csv");

        Assert.Equal([key, .. BreakdownColumns, .. FailureOutcomes], csv.Header);
        Assert.Equal(json["rows"]!.AsArray().Count, csv.Rows.Count);
        foreach (var (item, row) in json["rows"]!.AsArray().Zip(csv.Rows))
        {
            Assert.Equal((string?)item!["value"] ?? "", row[key]);
            AssertBreakdownNumbers(item, row);
        }
    }

    [Fact]
    public async Task CarrierReport_AsCsv_HasTheCountryAndTheCarrierInTwoColumns()
    {
        var project = await SharedAsync(fixture);

        var json = await project.Read.GetJsonAsync($"/api/v1/reports/carriers?{WholeDay}");
        var csv = await GetCsvAsync(project.Read, $"/api/v1/reports/carriers?{WholeDay}&format=csv");

        Assert.Equal(["country", "carrier", .. BreakdownColumns, .. FailureOutcomes], csv.Header);
        Assert.Equal(
            [("VN", "MobiFone"), ("VN", "Viettel"), ("DE", "Vodafone")],
            csv.Rows.Select(row => (row["country"], row["carrier"])));
        foreach (var (item, row) in json["rows"]!.AsArray().Zip(csv.Rows))
        {
            AssertBreakdownNumbers(item!, row);
        }

        // Vodafone's calls were never answered while others were: an ASR of 0, not an empty field.
        Assert.Equal("0", csv.Rows.Single(row => row["carrier"] == "Vodafone")["asr"]);
    }

    [Fact]
    public async Task Timeseries_AsCsv_StartsEachLineWithTheBucketsLocalTimeAndOffset()
    {
        var project = await SharedAsync(fixture);
        var query = $"from={Date(Day)}&to={Date(Day.AddDays(1))}&tz=Asia/Ho_Chi_Minh&interval=hour&groupBy=outcome";

        var json = await project.Read.GetJsonAsync($"/api/v1/reports/timeseries?{query}");
        var csv = await GetCsvAsync(project.Read, $"/api/v1/reports/timeseries?{query}&format=csv");

        Assert.Equal(["start", "failures", "answered", "asr", "ner", .. FailureOutcomes], csv.Header);
        Assert.Equal(24, csv.Rows.Count);
        Assert.Equal($"{Date(Day)}T00:00:00+07:00", csv.Rows[0]["start"]);
        Assert.All(csv.Rows, row => Assert.EndsWith("+07:00", row["start"], StringComparison.Ordinal));

        // 09:00 UTC is 16:00 in Ho Chi Minh City: the first block hour.
        var blockHour = csv.Rows.Single(row => row["start"] == $"{Date(Day)}T16:00:00+07:00");
        Assert.Equal((4 * 20).ToString(CultureInfo.InvariantCulture), blockHour["failures"]);
        Assert.Equal((4 * 4).ToString(CultureInfo.InvariantCulture), blockHour["busy"]);
        foreach (var (bucket, row) in json["buckets"]!.AsArray().Zip(csv.Rows))
        {
            Assert.Equal((string)bucket!["start"]!, row["start"]);
            Assert.Equal(bucket["failures"]!.ToString(), row["failures"]);
            Assert.Equal(bucket["answered"]!.ToString(), row["answered"]);
            AssertNumber(bucket["asr"], row["asr"]);
            AssertNumber(bucket["ner"], row["ner"]);
            Assert.All(FailureOutcomes, outcome => Assert.Equal(bucket["counts"]![outcome]!.ToString(), row[outcome]));
        }
    }

    [Fact]
    public async Task RatioReport_AsCsv_IsOneLineOfTheJsonReportsNumbers()
    {
        var project = await SharedAsync(fixture);

        var json = await project.Read.GetJsonAsync($"/api/v1/reports/ratios?{WholeDay}");
        var csv = await GetCsvAsync(project.Read, $"/api/v1/reports/ratios?{WholeDay}&format=csv");

        Assert.Equal(["attempts", "answered", "effective", "failures", "asr", "ner"], csv.Header);
        var row = Assert.Single(csv.Rows);
        Assert.Equal(["316", "140", "263", "176"], new[] { "attempts", "answered", "effective", "failures" }
            .Select(column => row[column]));
        Assert.All(csv.Header[..4], column => Assert.Equal(json[column]!.ToString(), row[column]));
        AssertNumber(json["asr"], row["asr"]);
        AssertNumber(json["ner"], row["ner"]);
    }

    [Fact]
    public async Task ACsvDownload_IsUtf8WithAByteOrderMark_CrlfLines_AndAnAttachmentName()
    {
        var project = await fixture.CreateProjectAsync();

        var csv = await GetCsvAsync(project.Read, $"/api/v1/reports/outcomes?{WholeDay}&format=csv");
        var text = Encoding.UTF8.GetString(csv.Bytes.AsSpan(3));
        var contentType = csv.Response.Content.Headers.ContentType!;
        var disposition = csv.Response.Content.Headers.ContentDisposition!;

        Assert.Equal(HttpStatusCode.OK, csv.Response.StatusCode);
        Assert.Equal([0xEF, 0xBB, 0xBF], csv.Bytes[..3]);
        Assert.StartsWith("outcome,label,count,share\r\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", text.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal("text/csv", contentType.MediaType);
        Assert.Equal("utf-8", contentType.CharSet);
        Assert.Contains(("header", "present"), contentType.Parameters.Select(item => (item.Name, item.Value)));
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal($"calltracker-outcomes-{Date(Day)}.csv", disposition.FileName);
        Assert.Equal($"calltracker-outcomes-{Date(Day)}.csv", disposition.FileNameStar);
    }

    [Fact]
    public async Task ACsvDownloadsName_CarriesTheFirstDayInTheRequestedZone()
    {
        var project = await fixture.CreateProjectAsync();

        // From is 17:00 UTC the day before: the day in Ho Chi Minh City is the one asked for.
        var csv = await GetCsvAsync(project.Read,
            $"/api/v1/reports/timeseries?from={Date(Day)}&to={Date(Day.AddDays(1))}&tz=Asia/Ho_Chi_Minh&format=csv");
        var disposition = csv.Response.Content.Headers.ContentDisposition!;

        Assert.Equal($"calltracker-timeseries-{Date(Day)}.csv", disposition.FileName);
    }

    [Theory]
    [InlineData("format=csv", null, true)]
    [InlineData("", "text/csv", true)]
    [InlineData("", "text/csv, application/json;q=0.9", true)]
    [InlineData("", "application/json, text/csv;q=0.5", false)]
    [InlineData("", "*/*", false)]
    [InlineData("", null, false)]
    [InlineData("format=json", "text/csv", false)]
    [InlineData("format=csv", "application/json", true)]
    public async Task AReport_IsCsvWhenFormatOrElseAcceptAsksForIt(string format, string? accept, bool isCsv)
    {
        var project = await fixture.CreateProjectAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/reports/agents?{WholeDay}&{format}");
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await project.Read.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(isCsv ? "text/csv" : "application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Accept", response.Headers.Vary);
    }

    [Fact]
    public async Task AReportWithABadFilter_AskedForAsCsv_IsStillAJsonValidationProblem()
    {
        var project = await fixture.CreateProjectAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/reports/agents?country=Vietnam");
        request.Headers.Accept.ParseAdd("text/csv");

        var response = await project.Read.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AgentIdsAndTagsThatASpreadsheetWouldRunAsFormulas_ArePrefixedWithAnApostrophe()
    {
        var project = await fixture.CreateProjectAsync();
        string[] values = ["=HYPERLINK(\"https://evil.example/\",\"Click\")", "+84 cmd", "-1+1", "@SUM(A1:A9)"];
        await project.Ingest.PostEventsAsync(values.Select((value, index) => new
        {
            occurredAt = Instant(Day.AddHours(10).AddMinutes(index)),
            sipCode = 486,
            agent = value,
            tags = new { campaign = value },
        }));

        var agents = await GetCsvAsync(project.Read, $"/api/v1/reports/agents?{WholeDay}&format=csv");
        var campaigns = await GetCsvAsync(project.Read, $"/api/v1/reports/tags/campaign?{WholeDay}&format=csv");

        Assert.Equal(values.Select(value => "'" + value).Order(), agents.Rows.Select(row => row["agent"]).Order());
        Assert.Equal(
            values.Select(value => "'" + value).Order(), campaigns.Rows.Select(row => row["tag:campaign"]).Order());
    }

    [Fact]
    public async Task VietnameseText_AndFieldsWithCommasAndQuotes_SurviveTheRoundTrip()
    {
        var project = await fixture.CreateProjectAsync();
        string[] agents = ["Nguyễn Thị Lan", "Trần, \"Bé\" Hùng", " Lê Văn Tám "];
        await project.Ingest.PostEventsAsync(agents.Select((agent, index) => new
        {
            occurredAt = Instant(Day.AddHours(10).AddMinutes(index)),
            sipCode = 486,
            agent,
        }));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/reports/outcomes?{WholeDay}");
        request.Headers.Accept.ParseAdd("text/csv");
        request.Headers.AcceptLanguage.ParseAdd("vi");

        var outcomes = await ReadCsvAsync(await project.Read.SendAsync(request));
        var agentsCsv = await GetCsvAsync(project.Read, $"/api/v1/reports/agents?{WholeDay}&format=csv");

        Assert.Equal("Máy bận", outcomes.Rows.Single(row => row["outcome"] == "busy")["label"]);
        Assert.Equal(
            "Không liên lạc được (tắt máy, ngoài vùng phủ sóng, chưa đăng ký)",
            outcomes.Rows.Single(row => row["outcome"] == "unreachable")["label"]);
        Assert.Equal(agents.Order(StringComparer.Ordinal), agentsCsv.Rows.Select(row => row["agent"])
            .Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TagReport_OfAVietnameseTagKey_IsNamedInTheHeaderAndTheFileName()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(new
        {
            occurredAt = Instant(Day.AddHours(10)),
            sipCode = 486,
            tags = new Dictionary<string, string> { ["chiến_dịch"] = "Tết" },
        });

        var csv = await GetCsvAsync(
            project.Read, $"/api/v1/reports/tags/{Uri.EscapeDataString("chiến_dịch")}?{WholeDay}&format=csv");
        var disposition = csv.Response.Content.Headers.ContentDisposition!;

        Assert.Equal("tag:chiến_dịch", csv.Header[0]);
        Assert.Equal("Tết", Assert.Single(csv.Rows)["tag:chiến_dịch"]);
        Assert.Equal($"calltracker-tag-chiến_dịch-{Date(Day)}.csv", disposition.FileNameStar);
    }

    /// <summary>A CSV download: the response, its bytes, and its lines read by CsvHelper by header name.</summary>
    private sealed record CsvTable(
        HttpResponseMessage Response, byte[] Bytes, string[] Header, List<Dictionary<string, string>> Rows);

    private static async Task<CsvTable> GetCsvAsync(HttpClient client, string path) =>
        await ReadCsvAsync(await client.GetAsync(path));

    private static async Task<CsvTable> ReadCsvAsync(HttpResponseMessage response)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.IsSuccessStatusCode, Encoding.UTF8.GetString(bytes));
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);

        // Strict, as a spreadsheet's import is: a stray quote or a short line fails the read.
        var options = new CsvReaderOptions
        {
            Separator = ',',
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Throw,
            MissingField = CsvMissingFieldHandling.Throw,
        };
        using var csv = CsvReader.Create(bytes, options);
        var header = csv.Headers.ToArray();
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read())
        {
            rows.Add(header.Select((name, index) => (name, csv.GetString(index))).ToDictionary());
        }

        return new CsvTable(response, bytes, header, rows);
    }

    private static void AssertBreakdownNumbers(JsonNode item, Dictionary<string, string> row)
    {
        Assert.Equal(item["failures"]!.ToString(), row["failures"]);
        Assert.Equal(item["answered"]!.ToString(), row["answered"]);
        Assert.Equal(item["attempts"]!.ToString(), row["attempts"]);
        AssertNumber(item["asr"], row["asr"]);
        AssertNumber(item["ner"], row["ner"]);
        Assert.All(FailureOutcomes, outcome => Assert.Equal(item["outcomes"]![outcome]!.ToString(), row[outcome]));
    }

    /// <summary>A ratio or share: the same number in both, or JSON null and an empty field.</summary>
    private static void AssertNumber(JsonNode? json, string field)
    {
        if (json is null)
        {
            Assert.Equal("", field);
            return;
        }

        Assert.Equal(json.GetValue<double>(), double.Parse(field, NumberStyles.Float, CultureInfo.InvariantCulture));
    }
}
