using System.Net;
using System.Text.Json;
using CallTracker.Api.Tests.Infrastructure;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>POST /api/v1/events: what is stored, what is refused, and how each is answered.</summary>
[Collection(ApiSuite.Name)]
public sealed class IngestionTests(ApiFixture fixture)
{
    [Fact]
    public async Task Post_OneEvent_Is202WithItsIdAndEveryFieldIsStored()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();

        var response = await project.Ingest.PostEventsAsync(new
        {
            eventId,
            occurredAt = MinutesAgo(1),
            sipCode = 486,
            reasonPhrase = "Busy Here",
            headers = new Dictionary<string, object>
            {
                ["Reason"] = "Q.850;cause=17;text=\"User busy\"",
                ["Via"] = new[] { "SIP/2.0/WSS a;branch=1", "SIP/2.0/UDP b;branch=2" },
            },
            phoneNumber = "0900000001",
            agent = "agent-007",
            callId = "c-0001@crm.example.test",
            trunk = "viettel-1",
            ringing = true,
            postDialDelayMs = 2300,
            ringDurationMs = 18000,
            tags = new { campaign = "winter-sale" },
            extra = new { crmLeadId = 1234, nested = new { ok = true } },
        });
        var body = await response.JsonAsync();
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, body["stored"]!.GetValue<int>());
        Assert.Equal(eventId.ToString(), (string)body["events"]![0]!["eventId"]!);
        Assert.Equal("stored", (string)body["events"]![0]!["status"]!);
        Assert.Equal(486, stored["sipCode"]!.GetValue<int>());
        Assert.Equal("4xx", (string)stored["responseClass"]!);
        Assert.Equal("Q.850", (string)stored["reasonProtocol"]!);
        Assert.Equal(17, stored["reasonCause"]!.GetValue<int>());
        Assert.Equal("User busy", (string)stored["reasonText"]!);
        Assert.Equal(["SIP/2.0/WSS a;branch=1", "SIP/2.0/UDP b;branch=2"],
            stored["headers"]!["Via"]!.AsArray().Select(value => (string)value!));
        Assert.Equal("outbound", (string)stored["direction"]!);
        Assert.Equal("viettel-1", (string)stored["trunk"]!);
        Assert.True(stored["ringing"]!.GetValue<bool>());
        Assert.Equal(2300, stored["postDialDelayMs"]!.GetValue<int>());
        Assert.Equal("winter-sale", (string)stored["tags"]!["campaign"]!);
        Assert.Equal(1234, stored["extra"]!["crmLeadId"]!.GetValue<int>());
        Assert.EndsWith("Z", (string)stored["receivedAt"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ARawSipMessage_TakesCodePhraseHeadersAndCallIdFromIt_AndDropsTheBody()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        var message = SharedData.SipResponse("10-403.sip") + "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\n";

        await project.Ingest.PostEventsAsync(new { eventId, occurredAt = MinutesAgo(1), sipMessage = message });
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");

        Assert.Equal(403, stored["sipCode"]!.GetValue<int>());
        Assert.Equal("Forbidden", (string)stored["reasonPhrase"]!);
        Assert.NotNull(stored["headers"]!["WWW-Authenticate"]);
        Assert.Equal("Q.850", (string)stored["reasonProtocol"]!);
        Assert.Equal(21, stored["reasonCause"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty((string?)stored["callId"]));
        Assert.StartsWith("SIP/2.0 403", (string)stored["sipMessage"]!, StringComparison.Ordinal);
        Assert.DoesNotContain("v=0", (string)stored["sipMessage"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_TheSameEventIdTwice_StoresItOnce_AndTheFirstOneWins()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();

        var first = await project.Ingest.PostEventsAsync(new { eventId, occurredAt = MinutesAgo(1), sipCode = 486 });
        var second = await project.Ingest.PostEventsAsync(new { eventId, occurredAt = MinutesAgo(1), sipCode = 503 });
        var secondBody = await second.JsonAsync();
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");
        var report = await project.Read.GetJsonAsync("/api/v1/reports/classes");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal("duplicate", (string)secondBody["events"]![0]!["status"]!);
        Assert.Equal(1, secondBody["duplicates"]!.GetValue<int>());
        Assert.Equal(486, stored["sipCode"]!.GetValue<int>());
        Assert.Equal(1, report["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task Post_TheSameEventIdConcurrently_StoresItOnceWithoutAnError()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            project.Ingest.PostEventsAsync(new { eventId, occurredAt = MinutesAgo(1), sipCode = 486 })));
        var statuses = await Task.WhenAll(responses.Select(async response =>
            (string)(await response.JsonAsync())["events"]![0]!["status"]!));
        var report = await project.Read.GetJsonAsync("/api/v1/reports/classes");

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Accepted, response.StatusCode));
        Assert.Single(statuses, status => status == "stored");
        Assert.Equal(1, report["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task Post_ABatchRepeatingAnId_StoresTheFirstAndAnswersTheRepeatAsDuplicate()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();

        var response = await project.Ingest.PostEventsAsync(new object[]
        {
            new { eventId, occurredAt = MinutesAgo(1), sipCode = 486 },
            new { eventId, occurredAt = MinutesAgo(1), sipCode = 503 },
        });
        var body = await response.JsonAsync();
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");

        Assert.Equal(["stored", "duplicate"], body["events"]!.AsArray().Select(item => (string)item!["status"]!));
        Assert.Equal(486, stored["sipCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Post_ABatchWithBadEvents_Is400ListingEveryBadFieldByIndex_AndStoresNothing()
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Ingest.PostEventsAsync(new object[]
        {
            new { occurredAt = MinutesAgo(1), sipCode = 486 },
            new { occurredAt = "2025-03-01T09:15:00", sipCode = 700 },
            new { sipCode = "486", ringing = "yes" },
        });
        var problem = await response.JsonAsync();
        var errors = problem["errors"]!.AsObject();
        var report = await project.Read.GetJsonAsync("/api/v1/reports/classes");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            ["[1].occurredAt", "[1].sipCode", "[2].occurredAt", "[2].ringing", "[2].sipCode"],
            errors.Select(error => error.Key).Order());
        Assert.Contains("offset", (string)errors["[1].occurredAt"]![0]!, StringComparison.Ordinal);
        Assert.NotNull(problem["traceId"]);
        Assert.Equal(0, report["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task Post_TimesWithOffsetZAndUnixMilliseconds_AreStoredAsTheSameUtcInstant()
    {
        var project = await fixture.CreateProjectAsync();
        var instant = DateTimeOffset.UtcNow.AddMinutes(-10);
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        var truncated = DateTimeOffset.FromUnixTimeMilliseconds(instant.ToUnixTimeMilliseconds());
        var vietnam = TimeSpan.FromHours(7);
        const string withOffset = "yyyy-MM-ddTHH:mm:ss.fffzzz";
        const string withZ = "yyyy-MM-ddTHH:mm:ss.fff'Z'";

        await project.Ingest.PostEventsAsync(new object[]
        {
            new { eventId = ids[0], occurredAt = truncated.ToOffset(vietnam).ToString(withOffset), sipCode = 480 },
            new { eventId = ids[1], occurredAt = truncated.UtcDateTime.ToString(withZ), sipCode = 480 },
            new { eventId = ids[2], occurredAt = truncated.ToUnixTimeMilliseconds(), sipCode = 480 },
        });
        var stored = await Task.WhenAll(ids.Select(id => project.Read.GetJsonAsync($"/api/v1/events/{id}")));

        var expected = truncated.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFF'Z'");
        Assert.All(stored, call => Assert.Equal(expected, (string)call["occurredAt"]!));
        Assert.All(stored, call => Assert.Null(call["reportedOccurredAt"]));
    }

    [Theory]
    [InlineData(60)]
    [InlineData(-60 * 24 * 31)]
    public async Task Post_AnImplausibleTime_IsReplacedByTheTimeReceived_AndTheOriginalKept(int minutesAhead)
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        var claimed = DateTimeOffset.UtcNow.AddMinutes(minutesAhead);

        var posted = new { eventId, occurredAt = claimed.ToString("O"), sipCode = 486 };
        var response = await project.Ingest.PostEventsAsync(posted);
        var body = await response.JsonAsync();
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Single(body["events"]![0]!["warnings"]!.AsArray());
        Assert.Equal((string)stored["receivedAt"]!, (string)stored["occurredAt"]!);
        Assert.Equal(claimed.ToUnixTimeMilliseconds(),
            DateTimeOffset.Parse((string)stored["reportedOccurredAt"]!).ToUnixTimeMilliseconds());
    }

    [Theory]
    [InlineData("700")]
    [InlineData("99")]
    [InlineData("-1")]
    [InlineData("1000.0")]
    [InlineData("183")]
    [InlineData("486.5")]
    [InlineData("\"4\"")]
    [InlineData("\"486 \"")]
    [InlineData("true")]
    public async Task Post_ASipCodeThatIsNotAFinalResponse_Is400NamingSipCode(string sipCode)
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Ingest.PostRawAsync(
            $$"""{"occurredAt":"{{MinutesAgo(1)}}","sipCode":{{sipCode}}}""");
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]!["sipCode"]);
    }

    [Theory]
    [InlineData("486.0", 486, "4xx")]
    [InlineData("477", 477, "4xx")]
    [InlineData("555", 555, "5xx")]
    [InlineData("608", 608, "6xx")]
    [InlineData("699", 699, "6xx")]
    [InlineData("200", 200, "2xx")]
    public async Task Post_AnyFinalCode_IsAcceptedWithTheClassOfItsFirstDigit(
        string sipCode, int code, string responseClass)
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();

        var response = await project.Ingest.PostRawAsync(
            $$"""{"eventId":"{{eventId}}","occurredAt":"{{MinutesAgo(1)}}","sipCode":{{sipCode}}}""");
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(code, stored["sipCode"]!.GetValue<int>());
        Assert.Equal(responseClass, (string)stored["responseClass"]!);
    }

    [Theory]
    [InlineData("\"sipCode\":null,\"localCause\":\"transport_error\",\"wsCloseCode\":1006", "transport_error")]
    [InlineData("\"localCause\":\"terminated\"", "unknown")]
    [InlineData("\"sipCode\":0,\"reasonPhrase\":\"\"", "unknown")]
    public async Task Post_ACallThatEndedWithoutAResponse_IsStoredAsClassNone(string fields, string localCause)
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();

        var response = await project.Ingest.PostRawAsync(
            $$"""{"eventId":"{{eventId}}","occurredAt":"{{MinutesAgo(1)}}",{{fields}}}""");
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Null(stored["sipCode"]);
        Assert.Equal("none", (string)stored["responseClass"]!);
        Assert.Equal(localCause, (string)stored["localCause"]!);
    }

    [Fact]
    public async Task Post_UnknownFieldsAndUnknownLocalCauses_AreAcceptedWithWarnings()
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Ingest.PostRawAsync(
            $$"""{"occurredAt":"{{MinutesAgo(1)}}","localCause":"terminated","wsCloseCode":1006}""");
        var warnings = (await response.JsonAsync())["events"]![0]!["warnings"]!.AsArray().Select(item => (string)item!);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains(warnings, warning => warning.Contains("wsCloseCode", StringComparison.Ordinal));
        Assert.Contains(warnings, warning => warning.Contains("terminated", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Temporarily Unavailable [call Processing Released]")]
    [InlineData("")]
    [InlineData("Busy")]
    public async Task Post_AnyReasonPhrase_IsStoredVerbatim(string phrase)
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();

        var posted = new { eventId, occurredAt = MinutesAgo(1), sipCode = 480, reasonPhrase = phrase };
        await project.Ingest.PostEventsAsync(posted);
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");

        Assert.Equal(phrase, (string)stored["reasonPhrase"]!);
        Assert.Equal("Temporarily Unavailable", (string)stored["standardPhrase"]!);
    }

    [Fact]
    public async Task Post_NulCharactersAnywhere_AreRemovedFromTextAndJsonAndTheEventFlagged()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();

        var response = await project.Ingest.PostRawAsync($$$"""
            {"eventId":"{{{eventId}}}","occurredAt":"{{{MinutesAgo(1)}}}","agent":"agent-007",
             "phoneNumber":"+84 90 000 0001","sipCode":486,"reasonPhrase":"Busy\u0000Here",
             "headers":{"Reason":"SIP;cause=486;text=\"Busy\u0000Here\""},
             "tags":{"camp\u0000aign":"a\u0000b"},
             "extra":{"note":"stored as jsonb","nested":"a\u0000b","k\u0000":[1,"\u0000"]}}
            """);
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("BusyHere", (string)stored["reasonPhrase"]!);
        Assert.Equal("BusyHere", (string)stored["reasonText"]!);
        Assert.Equal("ab", (string)stored["tags"]!["campaign"]!);
        Assert.Equal("ab", (string)stored["extra"]!["nested"]!);
        Assert.Equal("", (string)stored["extra"]!["k"]![1]!);
        Assert.True(stored["nulRemoved"]!.GetValue<bool>());
    }

    /// <summary>
    /// Found by the bad-input suite: JSON allows any exponent, jsonb's numeric holds 131072 digits before the
    /// point and 16383 after; a number past that failed the insert (22003), a 503 that no retry cures.
    /// </summary>
    [Fact]
    public async Task Post_NumbersInExtraPastWhatPostgreSqlHolds_AreKeptAsText_AndTheEdgesAsNumbers()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();

        var response = await project.Ingest.PostRawAsync($$$"""
            {"eventId":"{{{eventId}}}","occurredAt":"{{{MinutesAgo(1)}}}","sipCode":486,
             "extra":{"huge":1e1000000,"tiny":-1e-1000000,"largest":1e131071,"finest":1e-16383,
                      "past":[1E131072,1e-16384]}}
            """);
        var body = await response.JsonAsync();
        var extra = (await project.Read.GetJsonAsync($"/api/v1/events/{eventId}"))["extra"]!;

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains("kept as text", (string)body["events"]![0]!["warnings"]![0]!, StringComparison.Ordinal);
        Assert.Equal("1e1000000", (string)extra["huge"]!);
        Assert.Equal("-1e-1000000", (string)extra["tiny"]!);
        Assert.Equal(["1E131072", "1e-16384"], extra["past"]!.AsArray().Select(number => (string)number!));
        Assert.Equal(JsonValueKind.Number, extra["largest"]!.GetValueKind());
        Assert.Equal(JsonValueKind.Number, extra["finest"]!.GetValueKind());
    }

    [Fact]
    public async Task Post_ASipMessageThatIsARequest_Is400NamingSipMessage()
    {
        var project = await fixture.CreateProjectAsync();
        var invite = "INVITE sip:0900000001@127.0.0.1 SIP/2.0\r\nCall-ID: x\r\n\r\n";

        var response = await project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(1), sipMessage = invite });
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("request", (string)problem["errors"]!["sipMessage"]![0]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ASipCodeThatDisagreesWithTheSipMessage_Is400()
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Ingest.PostEventsAsync(new
        {
            occurredAt = MinutesAgo(1),
            sipCode = 486,
            sipMessage = SharedData.SipResponse("08-503.sip"),
        });
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]!["sipCode"]);
    }

    [Theory]
    [InlineData("{\"occurredAt\":")]
    [InlineData("[1, 2")]
    [InlineData("{\"sipCode\":486,\"sipCode\":487}")]
    [InlineData("")]
    public async Task Post_MalformedJson_Is400NotA500(string body)
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Ingest.PostRawAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("[\"not an object\"]")]
    public async Task Post_JsonThatHoldsNoEvents_Is400(string body)
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Ingest.PostRawAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Post_MoreThanAThousandEvents_Is400AndStoresNothing()
    {
        var project = await fixture.CreateProjectAsync();
        var events = Enumerable.Range(0, 1001).Select(_ => new { occurredAt = MinutesAgo(1), sipCode = 486 });

        var response = await project.Ingest.PostEventsAsync(events);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Post_ABodyOverTheLimit_Is413()
    {
        var project = await fixture.CreateProjectAsync();
        var huge = new string('x', 3 * 1024 * 1024);

        var response = await project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(1), extra = new { huge } });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task Post_AContentTypeThatIsNotJson_Is415(string contentType)
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Ingest.PostRawAsync($$"""{"occurredAt":"{{MinutesAgo(1)}}"}""", contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Post_JsonAsTextPlainWithTheKeyInTheQuery_IsAcceptedLikeABrowserBeacon()
    {
        var project = await fixture.CreateProjectAsync();
        var browser = fixture.Factory.CreateClient();

        var response = await browser.PostRawAsync(
            $$"""{"occurredAt":"{{MinutesAgo(1)}}","sipCode":486}""",
            "text/plain;charset=UTF-8", $"/api/v1/events?key={project.IngestKey}");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0123456789abcdef0123456789abcdee")]
    [InlineData("not-a-key")]
    public async Task Post_WithAMissingOrWrongKey_Is401ProblemAndStoresNothing(string? key)
    {
        var project = await fixture.CreateProjectAsync();
        var stranger = fixture.Factory.CreateClient();
        if (key is not null)
        {
            stranger.DefaultRequestHeaders.Add("X-CallTracker-Key", key);
        }

        var response = await stranger.PostEventsAsync(new { occurredAt = MinutesAgo(1), sipCode = 486 });
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrEmpty((string?)problem["detail"]));
        Assert.Equal(0, (await project.Read.GetJsonAsync("/api/v1/reports/classes"))["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task Post_WithTheBootstrapKeyFromConfiguration_IsAccepted()
    {
        var client = fixture.Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-CallTracker-Key", ApiFixture.BootstrapIngestKey);

        var response = await client.PostEventsAsync(new { occurredAt = MinutesAgo(1), sipCode = 486 });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Preflight_FromAnAllowedOrigin_AllowsPostAndEveryRequestedHeader()
    {
        var client = fixture.Factory.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/events");
        preflight.Headers.Add("Origin", "https://crm.example.test");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type,x-calltracker-key,sentry-trace,baggage");

        var response = await client.SendAsync(preflight);

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal("https://crm.example.test", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var methods = string.Join(',', response.Headers.GetValues("Access-Control-Allow-Methods"));
        Assert.Contains("POST", methods, StringComparison.Ordinal);
        var allowed = string.Join(',', response.Headers.GetValues("Access-Control-Allow-Headers"));
        Assert.Contains("sentry-trace", allowed, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("x-calltracker-key", allowed, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Preflight_FromAnotherOrigin_GetsNoCorsHeaders()
    {
        var client = fixture.Factory.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/events");
        preflight.Headers.Add("Origin", "https://evil.example.test");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");

        var response = await client.SendAsync(preflight);

        Assert.True((int)response.StatusCode < 500);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Post_RejectedFromAnAllowedOrigin_StillCarriesCorsHeadersSoTheBrowserSeesTheStatus()
    {
        var client = fixture.Factory.CreateClient();
        const string WrongKey = "0123456789abcdef0123456789abcdee";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/events?key={WrongKey}")
        {
            Content = new StringContent("{}", System.Text.Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("Origin", "https://crm.example.test");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("https://crm.example.test", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Post_FromAPageOnAnOriginThatIsNotAllowed_Is403AndStoresNothing()
    {
        var project = await fixture.CreateProjectAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/events?key={project.IngestKey}")
        {
            Content = new StringContent($$"""{"occurredAt":"{{MinutesAgo(1)}}","sipCode":486}""",
                System.Text.Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("Origin", "https://evil.example.test");

        var response = await fixture.Factory.CreateClient().SendAsync(request);
        var report = await project.Read.GetJsonAsync("/api/v1/reports/classes");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, report["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task Post_FromAnAllowedOrigin_IsAccepted()
    {
        var project = await fixture.CreateProjectAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/events?key={project.IngestKey}")
        {
            Content = new StringContent($$"""{"occurredAt":"{{MinutesAgo(1)}}","sipCode":486}""",
                System.Text.Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("Origin", "https://crm.example.test");

        var response = await fixture.Factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Post_WithAnEmptyKeyHeaderAndTheKeyInTheQuery_IsAccepted()
    {
        var project = await fixture.CreateProjectAsync();
        var client = fixture.Factory.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-CallTracker-Key", "");

        var response = await client.PostRawAsync(
            $$"""{"occurredAt":"{{MinutesAgo(1)}}","sipCode":486}""", path: $"/api/v1/events?key={project.IngestKey}");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/events", "POST")]
    [InlineData("/api/v1/events", "GET")]
    public async Task Unauthorized_CarriesAChallenge(string path, string method)
    {
        var client = fixture.Factory.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method == "POST" ? new StringContent("{}", System.Text.Encoding.UTF8, "application/json") : null,
        };

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task Post_ASingleNonObject_NamesTheBody()
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Ingest.PostRawAsync("42");
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]!["body"]);
    }

    [Fact]
    public async Task Post_ASipMessageWithTooManyHeaders_Is400()
    {
        var project = await fixture.CreateProjectAsync();
        var headers = string.Concat(Enumerable.Range(0, 300).Select(i => $"X-H{i}: v\r\n"));
        var message = $"SIP/2.0 486 Busy Here\r\n{headers}\r\n";

        var response = await project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(1), sipMessage = message });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
