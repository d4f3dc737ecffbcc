using System.Net.Http.Headers;
using CallTracker.Api.Events;
using CallTracker.Api.Hosting;
using CallTracker.Api.Tests.Infrastructure;
using CallTracker.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>Every failure explained: outcomes on events and in reports, end to end.</summary>
[Collection(ApiSuite.Name)]
public sealed class OutcomeTests(ApiFixture fixture)
{
    [Theory]
    [InlineData("01-486.sip", "busy")]
    [InlineData("02-404.sip", "invalid_number")]
    [InlineData("03-480.sip", "unreachable")]
    [InlineData("04-480.sip", "unreachable")]
    [InlineData("05-603.sip", "declined")]
    [InlineData("06-487.sip", "cancelled")]
    [InlineData("07-408.sip", "unreachable")]
    [InlineData("08-503.sip", "network_error")]
    [InlineData("09-488.sip", "media_error")]
    [InlineData("10-403.sip", "configuration_error")]
    [InlineData("11-484.sip", "invalid_number")]
    [InlineData("12-500.sip", "network_error")]
    [InlineData("13-600.sip", "busy")]
    [InlineData("14-604.sip", "invalid_number")]
    [InlineData("15-302.sip", "redirected")]
    [InlineData("16-480.sip", "no_answer")]
    public async Task Post_EachCapturedResponse_IsStoredWithTheEngineersOutcome(string file, string outcome)
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();

        await project.Ingest.PostEventsAsync(Captured(file, eventId));
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");

        Assert.Equal(outcome, (string)stored["outcome"]!);
        Assert.False(string.IsNullOrEmpty((string?)stored["meaning"]));
        Assert.False(string.IsNullOrEmpty((string?)stored["remedy"]));
    }

    [Fact]
    public async Task Get_AnEventInVietnamese_ExplainsItInVietnamese()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        await project.Ingest.PostEventsAsync(Captured("04-480.sip", eventId));

        var english = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/events/{eventId}");
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("vi-VN"));
        var response = await project.Read.SendAsync(request);
        var vietnamese = await response.JsonAsync();

        Assert.Equal("q850", (string)english["outcomeBasis"]!);
        Assert.Equal(20, english["q850Cause"]!.GetValue<int>());
        Assert.NotEqual((string)english["meaning"]!, (string)vietnamese["meaning"]!);
        const string Unreachable = "Không liên lạc được (tắt máy, ngoài vùng phủ sóng, chưa đăng ký)";
        Assert.Equal(Unreachable, (string)vietnamese["outcomeLabel"]!);
        Assert.Contains("Accept-Language", response.Headers.Vary);
    }

    [Fact]
    public async Task Get_AnEvent_ShowsEveryReasonWarningAndRetryAfter()
    {
        var project = await fixture.CreateProjectAsync();
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        await project.Ingest.PostEventsAsync(new object[]
        {
            new { eventId = ids[0], occurredAt = MinutesAgo(1), sipMessage = SharedData.SipResponse("16-480.sip") },
            new { eventId = ids[1], occurredAt = MinutesAgo(1), sipMessage = SharedData.SipResponse("08-503.sip") },
            new { eventId = ids[2], occurredAt = MinutesAgo(1), sipMessage = SharedData.SipResponse("09-488.sip") },
        });

        var twoReasons = await project.Read.GetJsonAsync($"/api/v1/events/{ids[0]}");
        var retry = await project.Read.GetJsonAsync($"/api/v1/events/{ids[1]}");
        var warned = await project.Read.GetJsonAsync($"/api/v1/events/{ids[2]}");

        var reasons = twoReasons["reasons"]!.AsArray();
        Assert.Equal(["Q.850", "SIP"], reasons.Select(reason => (string)reason!["protocol"]!));
        Assert.Equal([19, 480], reasons.Select(reason => reason!["cause"]!.GetValue<int>()));
        Assert.True(retry["retryAfterSeconds"]!.GetValue<int>() > 0);
        Assert.Single(warned["sipWarnings"]!.AsArray());
    }

    [Fact]
    public async Task Post_ARing_timeoutBesideA487_IsNoAnswer_AndCallsWithoutAResponseTakeTheLocalCause()
    {
        var project = await fixture.CreateProjectAsync();
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid() };

        await project.Ingest.PostEventsAsync(new object[]
        {
            new { eventId = ids[0], occurredAt = MinutesAgo(1), sipCode = 487, localCause = "ring_timeout" },
            new { eventId = ids[1], occurredAt = MinutesAgo(1), localCause = "transport_error" },
        });
        var atRingTimeout = await project.Read.GetJsonAsync($"/api/v1/events/{ids[0]}");
        var dropped = await project.Read.GetJsonAsync($"/api/v1/events/{ids[1]}");

        Assert.Equal("no_answer", (string)atRingTimeout["outcome"]!);
        Assert.Equal("network_error", (string)dropped["outcome"]!);
        Assert.Equal("local_cause", (string)dropped["outcomeBasis"]!);
    }

    [Fact]
    public async Task Post_APhoneNumber_IsStoredAsGivenWithItsE164FormAndAConvertedOldMobileIsFlagged()
    {
        var project = await fixture.CreateProjectAsync();
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };

        await project.Ingest.PostEventsAsync(new object[]
        {
            new { eventId = ids[0], occurredAt = MinutesAgo(1), sipCode = 486, phoneNumber = "0162 000 0001" },
            new { eventId = ids[1], occurredAt = MinutesAgo(1), sipCode = 486, phoneNumber = "0900000001 ext. 5" },
            new { eventId = ids[2], occurredAt = MinutesAgo(1), sipCode = 486, phoneNumber = "not a number" },
        });
        var reader = fixture.FullNumbersReader(project);
        var old = await reader.GetJsonAsync($"/api/v1/events/{ids[0]}");
        var withExtension = await reader.GetJsonAsync($"/api/v1/events/{ids[1]}");
        var garbage = await reader.GetJsonAsync($"/api/v1/events/{ids[2]}");

        Assert.Equal("0162 000 0001", (string)old["phoneNumber"]!);
        Assert.Equal("+84320000001", (string)old["phone"]!["e164"]!);
        Assert.True(old["phone"]!["converted"]!.GetValue<bool>());
        Assert.Equal("Viettel", (string)old["phone"]!["carrier"]!);
        Assert.Equal("5", (string)withExtension["phone"]!["extension"]!);
        Assert.Equal("mobile", (string)withExtension["phone"]!["type"]!);
        Assert.False(garbage["phone"]!["valid"]!.GetValue<bool>());
        Assert.Null(garbage["phone"]!["e164"]);
    }

    [Fact]
    public async Task OutcomeReport_OfTheSixteenCapturedResponses_CountsEachOutcome()
    {
        var project = await fixture.CreateProjectAsync();
        await project.Ingest.PostEventsAsync(SharedData.SipResponseFiles()
            .Select(file => new { occurredAt = MinutesAgo(5), sipMessage = SharedData.SipResponse(file) }));
        await project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(5), sipCode = 200 });

        var report = await project.Read.GetJsonAsync("/api/v1/reports/outcomes");
        var counts = report["outcomes"]!.AsArray()
            .ToDictionary(item => (string)item!["outcome"]!, item => item!["count"]!.GetValue<long>());

        Assert.Equal(16, report["total"]!.GetValue<long>());
        Assert.DoesNotContain("answered", counts.Keys);
        Assert.Equal(2, counts["busy"]);
        Assert.Equal(3, counts["invalid_number"]);
        Assert.Equal(3, counts["unreachable"]);
        Assert.Equal(1, counts["no_answer"]);
        Assert.Equal(2, counts["network_error"]);
        Assert.Equal(1, counts["declined"]);
        Assert.Equal(1, counts["cancelled"]);
        Assert.Equal(1, counts["media_error"]);
        Assert.Equal(1, counts["configuration_error"]);
        Assert.Equal(1, counts["redirected"]);
        Assert.Equal(0, counts["blocked"]);
    }

    [Fact]
    public async Task ClassReport_BreaksEachClassDownByOutcome()
    {
        var project = await fixture.CreateProjectAsync();
        string[] files = ["03-480.sip", "16-480.sip", "01-486.sip"];
        await project.Ingest.PostEventsAsync(files.Select(file => Captured(file, Guid.NewGuid())));

        var report = await project.Read.GetJsonAsync("/api/v1/reports/classes");
        var clientFailures = report["classes"]!.AsArray().Single(item => (string)item!["class"]! == "4xx")!;
        var outcomes = clientFailures["outcomes"]!.AsArray()
            .ToDictionary(item => (string)item!["outcome"]!, item => item!["count"]!.GetValue<long>());
        var codes = clientFailures["codes"]!.AsArray();

        Assert.Equal(new Dictionary<string, long> { ["busy"] = 1, ["no_answer"] = 1, ["unreachable"] = 1 }, outcomes);
        Assert.Equal(2, codes.Single(code => code!["code"]!.GetValue<int>() == 480)!["count"]!.GetValue<long>());
    }

    [Fact]
    public async Task Backfill_GivesEventsStoredBeforeOutcomesTheirOutcome()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        await project.Ingest.PostEventsAsync(Captured("03-480.sip", eventId));
        await fixture.ExecuteSqlAsync(
            "UPDATE call_events SET outcome = NULL, outcome_basis = NULL, q850_cause = NULL, " +
            $"reasons = '[]', phone_e164 = NULL WHERE event_id = '{eventId}'");

        using var scope = fixture.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CallTrackerDbContext>();
        var enricher = scope.ServiceProvider.GetRequiredService<CallEventEnricher>();
        var writer = scope.ServiceProvider.GetRequiredService<EventWriter>();
        var filled = await OutcomeBackfill.RunAsync(db, enricher, writer, NullLogger.Instance, CancellationToken.None);
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");
        var outcomes = await project.Read.GetJsonAsync("/api/v1/reports/outcomes");

        Assert.True(filled >= 1);
        Assert.Equal(1, outcomes["outcomes"]!.AsArray()
            .Single(item => (string)item!["outcome"]! == "unreachable")!["count"]!.GetValue<long>());
        Assert.Equal("unreachable", (string)stored["outcome"]!);
        Assert.Equal(18, stored["q850Cause"]!.GetValue<int>());
        Assert.Single(stored["reasons"]!.AsArray());
    }

    [Fact]
    public async Task Post_A408TheClientMadeUpAtItsRequestTimeout_IsNoResponseNotUnreachable()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();

        await project.Ingest.PostEventsAsync(
            new { eventId, occurredAt = MinutesAgo(1), sipCode = 408, localCause = "request_timeout" });
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");

        Assert.Equal("no_response", (string)stored["outcome"]!);
        Assert.Equal("local_cause", (string)stored["outcomeBasis"]!);
    }

    [Fact]
    public async Task List_FilteredByOutcome_DrillsDownFromTheOutcomeReport()
    {
        var project = await fixture.CreateProjectAsync();
        string[] files = ["01-486.sip", "13-600.sip", "02-404.sip"];
        await project.Ingest.PostEventsAsync(files.Select(file => Captured(file, Guid.NewGuid())));

        var busy = await project.Read.GetJsonAsync("/api/v1/events?outcome=busy");
        var wrong = await project.Read.GetAsync("/api/v1/events?outcome=sleepy");

        Assert.Equal([486, 600], busy["items"]!.AsArray().Select(item => item!["sipCode"]!.GetValue<int>()).Order());
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, wrong.StatusCode);
    }

    [Fact]
    public async Task Get_HeadersSentInCompactForm_AreKeyedByTheirLongNames()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        const string Message =
            "SIP/2.0 486 Busy Here\r\ni: abc@host\r\nv: SIP/2.0/UDP a\r\nREASON: Q.850;cause=17\r\n\r\n";

        await project.Ingest.PostEventsAsync(new { eventId, occurredAt = MinutesAgo(1), sipMessage = Message });
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");

        Assert.Equal("abc@host", (string)stored["headers"]!["Call-ID"]![0]!);
        Assert.NotNull(stored["headers"]!["Via"]);
        Assert.Equal("abc@host", (string)stored["callId"]!);
    }

    [Fact]
    public async Task Post_ASipMessageWithAStrayLineAndHeadersBesideIt_IsStoredWithWarnings()
    {
        var project = await fixture.CreateProjectAsync();
        const string Message = "SIP/2.0 486 Busy Here\r\nthis is no header\r\nCall-ID: x\r\n\r\n";

        var response = await project.Ingest.PostEventsAsync(new
        {
            occurredAt = MinutesAgo(1),
            sipMessage = Message,
            headers = new { Reason = "Q.850;cause=17" },
        });
        var warnings = (await response.JsonAsync())["events"]![0]!["warnings"]!.AsArray()
            .Select(warning => (string)warning!).ToList();

        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains(warnings, warning => warning.Contains("this is no header", StringComparison.Ordinal));
        Assert.Contains(warnings, warning => warning.Contains("were ignored", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Get_AnOldCityLandline_ShowsWhyItIsDoubtful()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();

        await project.Ingest.PostEventsAsync(
            new { eventId, occurredAt = MinutesAgo(1), sipCode = 404, phoneNumber = "(08) 3822 1234" });
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");

        Assert.Contains("landline", (string)stored["phone"]!["problem"]!, StringComparison.Ordinal);
    }

    private static object Captured(string file, Guid eventId) =>
        new { eventId, occurredAt = MinutesAgo(1), sipMessage = SharedData.SipResponse(file) };

}
