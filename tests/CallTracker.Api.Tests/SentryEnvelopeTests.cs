using System.IO.Compression;
using System.Net;
using System.Text;
using CallTracker.Api.Tests.Infrastructure;

namespace CallTracker.Api.Tests;

/// <summary>
/// Envelopes written by hand for what SDKs do not produce on demand, after the Sentry field cases in
/// ../shared/data/field-cases.json (SENTRY-01 to SENTRY-07).
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class SentryEnvelopeTests(ApiFixture fixture)
{
    private const string BrowserQuery = "sentry_version=7&sentry_client=sentry.javascript.browser%2F8.0.0";

    [Theory]
    [InlineData("text/plain;charset=UTF-8")]
    [InlineData("application/x-sentry-envelope")]
    [InlineData("application/octet-stream")]
    [InlineData(null)]
    public async Task BrowserEnvelope_AsAnyContentType_IsStoredAsAFailedCallInTheClassReport(string? contentType)
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();

        var response = await PostAsync(project, BrowserEnvelope(eventId, project), contentType: contentType);
        var body = await response.JsonAsync();
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");
        var report = await project.Read.GetJsonAsync("/api/v1/reports/classes");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(eventId.ToString("N"), (string)body["id"]!);
        Assert.Equal(486, stored["sipCode"]!.GetValue<int>());
        Assert.Equal("4xx", (string)stored["responseClass"]!);
        Assert.Equal("agent-007", (string)stored["agent"]!);
        Assert.Equal("c-0001@crm.example.test", (string)stored["callId"]!);
        Assert.Equal(1, report["classes"]![1]!["count"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("raw-deflate")]
    [InlineData("br")]
    public async Task EveryContentEncoding_DecodesToTheSameStoredEvent(string encoding)
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        var (bytes, header) = Compress(Encoding.UTF8.GetBytes(BrowserEnvelope(eventId, project)), encoding);

        var response = await PostAsync(project, bytes, encoding: header);
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");
        var report = await project.Read.GetJsonAsync("/api/v1/reports/classes");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(486, stored["sipCode"]!.GetValue<int>());
        Assert.Equal(1, report["classes"]![1]!["count"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("gzip, gzip")]
    [InlineData("identity, br")]
    public async Task StackedEncodings_AreUndoneInReverseOrder(string header)
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        var bytes = Encoding.UTF8.GetBytes(BrowserEnvelope(eventId, project));
        foreach (var encoding in header.Split(", ").Where(encoding => encoding != "identity"))
        {
            bytes = Compress(bytes, encoding).Bytes;
        }

        var content = new ByteArrayContent(bytes);
        content.Headers.TryAddWithoutValidation("Content-Encoding", header);
        var response = await fixture.Factory.CreateClient()
            .PostAsync($"/api/{project.Id}/envelope/?sentry_key={project.IngestKey}", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await project.Read.GetAsync($"/api/v1/events/{eventId}")).StatusCode);
    }

    [Fact]
    public async Task AnswersToAnAllowedOrigin_VaryByOrigin()
    {
        var project = await fixture.CreateProjectAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/{project.Id}/envelope/?{BrowserQuery}")
        {
            Content = new StringContent("{}\n", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("Origin", "https://crm.example.test");

        var response = await fixture.Factory.CreateClient().SendAsync(request);

        Assert.Contains("Origin", response.Headers.Vary);
    }

    [Fact]
    public async Task ACorruptStream_Is400_AndAnUnknownEncodingIs415()
    {
        var project = await fixture.CreateProjectAsync();
        byte[] garbage = [0x1f, 0x8b, 0x08, 0x00, .. "GARBAGE-NOT-GZIP"u8.ToArray()];

        var corrupt = await PostAsync(project, garbage, encoding: "gzip");
        var unknown = await PostAsync(project, garbage, encoding: "zstd");

        Assert.Equal(HttpStatusCode.BadRequest, corrupt.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unknown.StatusCode);
    }

    [Fact]
    public async Task AGzipBomb_Is413WithoutBeingInflatedWhole()
    {
        var project = await fixture.CreateProjectAsync();
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            var spaces = new byte[1024 * 1024];
            Array.Fill(spaces, (byte)' ');
            gzip.Write("{}\n{\"type\":\"attachment\"}\n"u8);
            for (var megabyte = 0; megabyte < 110; megabyte++)
            {
                gzip.Write(spaces);
            }
        }

        var response = await PostAsync(project, compressed.ToArray(), encoding: "gzip");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task AnEventItemOverOneMebibyte_Is413AndNothingIsStored_ButOneJustUnderIsAccepted()
    {
        var project = await fixture.CreateProjectAsync();
        var tooBig = Guid.NewGuid();
        var justUnder = Guid.NewGuid();

        var rejected = await PostAsync(project, EnvelopeWithPadding(tooBig, 1024 * 1024 + 10));
        var accepted = await PostAsync(project, EnvelopeWithPadding(justUnder, 1024 * 1024 - 200));
        var missing = await project.Read.GetAsync($"/api/v1/error-events/{tooBig:N}");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task ItemsOfOtherTypes_ItemsWithoutLength_AndNoTrailingNewline_AreAllRead()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        var attachment = new string('a', 300);
        var payload = Event(eventId, "\"tags\":{\"sip.code\":\"503\"}");
        var envelope = $"{{\"event_id\":\"{eventId:N}\"}}\n"
            + $"{{\"type\":\"attachment\",\"length\":{attachment.Length},\"filename\":\"trace.txt\"}}\n{attachment}\n"
            + "{\"type\":\"session\"}\n{\"sid\":\"x\",\"status\":\"exited\"}\n"
            + $"{{\"type\":\"event\"}}\n{payload}";

        var response = await PostAsync(project, envelope);
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(503, stored["sipCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task TheEnvelopeHeadersEventId_WinsOverThePayloads()
    {
        var project = await fixture.CreateProjectAsync();
        var headerId = Guid.NewGuid();
        var payloadId = Guid.NewGuid();
        var payload = Event(payloadId, "\"tags\":{\"sip.code\":\"480\"}");
        var envelope = $"{{\"event_id\":\"{headerId:N}\"}}\n{{\"type\":\"event\"}}\n{payload}\n";

        var body = await (await PostAsync(project, envelope)).JsonAsync();

        Assert.Equal(headerId.ToString("N"), (string)body["id"]!);
        Assert.Equal(480, (await project.Read.GetJsonAsync($"/api/v1/events/{headerId}"))["sipCode"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("0123456789abcdef0123456789abcdee")]
    [InlineData(null)]
    public async Task AWrongOrMissingKey_Is403WithCorsHeaders_AndNothingIsStored(string? key)
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        var query = key is null ? BrowserQuery : $"sentry_key={key}&{BrowserQuery}";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/{project.Id}/envelope/?{query}")
        {
            Content = new StringContent(BrowserEnvelope(eventId, project, withDsn: false), Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("Origin", "https://crm.example.test");

        var response = await fixture.Factory.CreateClient().SendAsync(request);
        var stored = await project.Read.GetAsync($"/api/v1/events/{eventId}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("https://crm.example.test", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var exposed = string.Join(',', response.Headers.GetValues("Access-Control-Expose-Headers"));
        Assert.Contains("X-Sentry-Rate-Limits", exposed, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Retry-After", exposed, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }

    [Theory]
    [InlineData("POST", "/api/not-a-number/envelope/", HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/1/envelope/", HttpStatusCode.MethodNotAllowed)]
    [InlineData("PUT", "/api/1/store/", HttpStatusCode.MethodNotAllowed)]
    public async Task AWrongDsnOrMethod_IsAProblemWithCorsHeaders_SoABrowserSdkCanReadIt(
        string method, string path, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method == "GET" ? null : new StringContent("{}", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("Origin", "https://crm.example.test");

        var response = await fixture.Factory.CreateClient().SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.Contains("Access-Control-Allow-Origin"));
        if (expected == HttpStatusCode.MethodNotAllowed)
        {
            Assert.Equal(["POST"], response.Content.Headers.Allow);
        }
    }

    [Fact]
    public async Task TheKeyOfAnotherProject_Is403()
    {
        var project = await fixture.CreateProjectAsync();
        var other = await fixture.CreateProjectAsync();

        var withOthersKey = project with { IngestKey = other.IngestKey };

        var response = await PostAsync(withOthersKey, BrowserEnvelope(Guid.NewGuid(), project));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task TheKey_MayComeFromXSentryAuthOrTheEnvelopesDsn()
    {
        var project = await fixture.CreateProjectAsync();
        var viaHeader = Guid.NewGuid();
        var viaDsn = Guid.NewGuid();
        var client = fixture.Factory.CreateClient();
        using var withHeader = new HttpRequestMessage(HttpMethod.Post, $"/api/{project.Id}/envelope/")
        {
            Content = new StringContent(BrowserEnvelope(viaHeader, project, withDsn: false)),
        };
        withHeader.Headers.TryAddWithoutValidation("X-Sentry-Auth",
            $"Sentry sentry_key={project.IngestKey}, sentry_version=7, sentry_client=crm/1.0");

        var first = await client.SendAsync(withHeader);
        var second = await client.PostAsync($"/api/{project.Id}/envelope/",
            new StringContent(BrowserEnvelope(viaDsn, project, withDsn: true)));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    [Fact]
    public async Task Preflight_AllowsTheHeadersSdksSend()
    {
        var project = await fixture.CreateProjectAsync();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, $"/api/{project.Id}/envelope/?{BrowserQuery}");
        preflight.Headers.Add("Origin", "https://crm.example.test");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers",
            "content-type,content-encoding,x-sentry-auth,sentry-trace,baggage,traceparent,request-id");

        var response = await fixture.Factory.CreateClient().SendAsync(preflight);

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal("https://crm.example.test", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var allowed = string.Join(',', response.Headers.GetValues("Access-Control-Allow-Headers"));
        Assert.Contains("x-sentry-auth", allowed, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("baggage", allowed, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheSameEventIdTwice_AndAtOnce_IsStoredOnceAndAnsweredWithItsId()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        var envelope = BrowserEnvelope(eventId, project);

        var first = await PostAsync(project, envelope);
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostAsync(project, envelope)));
        var report = await project.Read.GetJsonAsync("/api/v1/reports/classes");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.All(concurrent, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal(1, report["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task AClientClockTwoHoursFast_IsCorrectedBySentAt()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        var fast = DateTimeOffset.UtcNow.AddHours(2);
        var envelope = $"{{\"event_id\":\"{eventId:N}\",\"sent_at\":\"{fast:O}\"}}\n{{\"type\":\"event\"}}\n"
            + Event(eventId, "\"tags\":{\"sip.code\":\"486\"}", $"{fast.AddSeconds(-1).ToUnixTimeSeconds()}.5");

        await PostAsync(project, envelope);
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");
        var occurredAt = DateTimeOffset.Parse((string)stored["occurredAt"]!);
        var receivedAt = DateTimeOffset.Parse((string)stored["receivedAt"]!);

        Assert.Null(stored["reportedOccurredAt"]);
        Assert.InRange(occurredAt, receivedAt.AddMinutes(-1), receivedAt.AddMinutes(1));
    }

    [Theory]
    [InlineData("nine fraction digits")]
    [InlineData("an offset")]
    [InlineData("not a time")]
    public async Task NineFractionDigitsAreRead_AndABadSentAtRejectsNothing(string form)
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        var sentAt = form switch
        {
            "nine fraction digits" => $"{now:yyyy-MM-ddTHH:mm:ss}.123456789Z",
            "an offset" => now.ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-ddTHH:mm:ss.fffzzz"),
            _ => "not a time",
        };
        var timestamp = $"{DateTimeOffset.UtcNow.AddMinutes(-3):yyyy-MM-ddTHH:mm:ss}.123456789Z";
        var envelope = $"{{\"event_id\":\"{eventId:N}\",\"sent_at\":\"{sentAt}\"}}\n{{\"type\":\"event\"}}\n"
            + Event(eventId, "\"tags\":{\"sip.code\":\"486\"}", $"\"{timestamp}\"");

        var response = await PostAsync(project, envelope);
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith(".123456Z", (string)stored["occurredAt"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Store_WithoutAnEventId_AnswersAGeneratedIdAndKeepsTheMessageAsAnErrorEvent()
    {
        var project = await fixture.CreateProjectAsync();
        var client = fixture.Factory.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Sentry-Auth",
            $"Sentry sentry_version=7, sentry_key={project.IngestKey}, sentry_client=crm-logger/1.0");

        var response = await client.PostAsync($"/api/{project.Id}/store/", new StringContent(
            "{\"timestamp\":1740795300,\"platform\":\"javascript\",\"level\":\"error\","
            + "\"message\":\"SIP call failed: 503\"}",
            Encoding.UTF8, "application/json"));
        var id = (string)(await response.JsonAsync())["id"]!;
        var stored = await project.Read.GetJsonAsync($"/api/v1/error-events/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(32, id.Length);
        Assert.Equal("SIP call failed: 503", (string)stored["message"]!);
    }

    [Fact]
    public async Task AnEnvelopeWithoutEventIdOrTimestamp_IsStored()
    {
        var project = await fixture.CreateProjectAsync();
        const string Envelope = "{\"sent_at\":\"2025-03-01T02:15:01.000Z\"}\n{\"type\":\"event\",\"length\":74}\n"
            + "{\"platform\":\"javascript\",\"level\":\"error\",\"message\":\"SIP call failed: 503\"}\n";

        var response = await PostAsync(project, Envelope);
        var id = (string)(await response.JsonAsync())["id"]!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await project.Read.GetAsync($"/api/v1/error-events/{id}")).StatusCode);
    }

    /// <summary>Bugsink once answered 500 here: invalid UTF-8 anywhere is a 400 naming the problem.</summary>
    [Fact]
    public async Task InvalidUtf8_IsA400NotA500()
    {
        var project = await fixture.CreateProjectAsync();
        byte[] inHeader =
        [
            .. "{\"event_id\":\"9ec79c33ec9942ab8353589fcb2e04dc\",\"sdk\":{\"name\":\"crm"u8.ToArray(), 0xff, 0xfe,
            .. "\"}}\n{\"type\":\"event\"}\n{\"message\":\"x\"}\n"u8.ToArray(),
        ];
        byte[] inEvent =
        [
            .. "{}\n{\"type\":\"event\"}\n{\"message\":\"x"u8.ToArray(), 0xff, 0xfe, .. "\"}\n"u8.ToArray(),
        ];

        byte[] inItemHeader = [.. "{}\n{\"type\":\"ev"u8.ToArray(), 0xff, .. "ent\"}\n{}\n"u8.ToArray()];

        var header = await PostAsync(project, inHeader);
        var payload = await PostAsync(project, inEvent);
        var itemHeader = await PostAsync(project, inItemHeader);

        Assert.Equal(HttpStatusCode.BadRequest, header.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, payload.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, itemHeader.StatusCode);
    }

    /// <summary>
    /// Found by the bad-input suite: an SDK's extra of 1e1000000 went into jsonb as a number numeric cannot
    /// hold, the insert failed (22003), and the event was a 503 that no retry cures.
    /// </summary>
    [Fact]
    public async Task NumbersPastWhatPostgreSqlHolds_AreKeptAsTextInTheStoredPayload()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        var envelope = $"{{}}\n{{\"type\":\"event\"}}\n{{\"event_id\":\"{eventId:N}\",\"message\":\"m\","
            + "\"extra\":{\"huge\":1e1000000,\"tiny\":1e-1000000,\"fine\":4.86e2}}\n";

        var response = await PostAsync(project, envelope);
        var extra = (await project.Read.GetJsonAsync($"/api/v1/error-events/{eventId:N}"))["payload"]!["extra"]!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1e1000000", (string)extra["huge"]!);
        Assert.Equal("1e-1000000", (string)extra["tiny"]!);
        Assert.Equal(486, extra["fine"]!.GetValue<decimal>());
    }

    /// <summary>Found by the bad-input suite: reading "type" of a number or an array threw, a 500.</summary>
    [Theory]
    [InlineData("123")]
    [InlineData("[\"event\"]")]
    [InlineData("\"event\"")]
    public async Task AnItemHeaderThatIsNotAnObject_Is400SayingSo(string itemHeader)
    {
        var project = await fixture.CreateProjectAsync();

        var response = await PostAsync(project, $"{{}}\n{itemHeader}\n{{\"message\":\"m\"}}\n");
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("item header", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NulCharacters_AreRemovedFromErrorEventsAsFromFailedCalls()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        var envelope = $"{{}}\n{{\"type\":\"event\"}}\n{{\"event_id\":\"{eventId:N}\",\"message\":\"a\\u0000b\","
            + "\"release\":\"r\\u0000\",\"tags\":{\"k\\u0000\":\"v\\u0000\"},"
            + "\"exception\":{\"values\":[{\"type\":\"T\\u0000\",\"value\":\"x\\u0000\"}]}}\n";

        var response = await PostAsync(project, envelope);
        var stored = await project.Read.GetJsonAsync($"/api/v1/error-events/{eventId:N}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ab", (string)stored["message"]!);
        Assert.Equal("v", (string)stored["tags"]!["k"]!);
        Assert.Equal("T", (string)stored["exceptionType"]!);
    }

    [Theory]
    [InlineData("{\"message\":\"bad \\ud800 here\"}")]
    [InlineData("{\"message\":\"ok\",\"extra\":{\"a\":\"\\udc00\"}}")]
    [InlineData("{\"tags\":{\"sip.code\":\"486\",\"agent\":\"\\ud800\"}}")]
    [InlineData("{\"message\":\"dup1\",\"message\":\"dup2\"}")]
    public async Task LoneSurrogatesAndDuplicateKeys_AreA400NotA500(string payload)
    {
        var project = await fixture.CreateProjectAsync();

        var response = await PostAsync(project, $"{{}}\n{{\"type\":\"event\"}}\n{payload}\n");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("\"0001-01-01T00:00:00Z\"", "\"9000-01-01T00:00:00Z\"")]
    [InlineData("\"9999-12-31T00:00:00Z\"", "\"0003-01-01T00:00:00Z\"")]
    [InlineData("1", "253402300000")]
    [InlineData("12345", "\"12/01/2026\"")]
    public async Task ExtremeOrOddSentAtAndTimestamps_AreStoredAtTheTimeReceived(string sentAt, string timestamp)
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        var envelope = $"{{\"event_id\":\"{eventId:N}\",\"sent_at\":{sentAt}}}\n{{\"type\":\"event\"}}\n"
            + Event(eventId, "\"tags\":{\"sip.code\":\"486\"}", timestamp) + "\n";

        var response = await PostAsync(project, envelope);
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((string)stored["receivedAt"]!, (string)stored["occurredAt"]!);
    }

    [Fact]
    public async Task ACorruptBrotliStream_Is400()
    {
        var project = await fixture.CreateProjectAsync();

        byte[] garbage = [.. "GARBAGE-NOT-BROTLI-"u8.ToArray(), 0xff, 0xff, 0xff, 0xff, 0x00, 0x01];

        var response = await PostAsync(project, garbage, encoding: "br");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ALimitBrokenAfterTheEvent_StoresNothing()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            var item = $"{{}}\n{{\"type\":\"event\"}}\n{Event(eventId, "\"logger\":\"crm\"")}\n";
            gzip.Write(Encoding.UTF8.GetBytes(item));
            gzip.Write("{\"type\":\"attachment\"}\n"u8);
            var spaces = new byte[1024 * 1024];
            Array.Fill(spaces, (byte)' ');
            for (var megabyte = 0; megabyte < 110; megabyte++)
            {
                gzip.Write(spaces);
            }
        }

        var response = await PostAsync(project, compressed.ToArray(), encoding: "gzip");
        var stored = await project.Read.GetAsync($"/api/v1/error-events/{eventId:N}");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }

    [Fact]
    public async Task TwoEventsInOneEnvelope_IsA400()
    {
        var project = await fixture.CreateProjectAsync();
        var envelope = $"{{}}\n{{\"type\":\"event\"}}\n{Event(Guid.NewGuid(), "\"logger\":\"crm\"")}\n"
            + $"{{\"type\":\"event\"}}\n{Event(Guid.NewGuid(), "\"logger\":\"crm\"")}\n";

        var response = await PostAsync(project, envelope);
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most one event", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SipDataThatDoesNotValidate_IsKeptAsAnErrorEventRatherThanLost()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        var envelope = $"{{}}\n{{\"type\":\"event\"}}\n{Event(eventId, "\"tags\":{\"sip.code\":\"abc\"}")}\n";

        var response = await PostAsync(project, envelope);
        var stored = await project.Read.GetAsync($"/api/v1/error-events/{eventId:N}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
    }

    private Task<HttpResponseMessage> PostAsync(
        TestProject project, string envelope, string? contentType = "text/plain") =>
        PostAsync(project, Encoding.UTF8.GetBytes(envelope), contentType: contentType);

    private async Task<HttpResponseMessage> PostAsync(
        TestProject project, byte[] body, string? encoding = null, string? contentType = "text/plain")
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        if (encoding is not null)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }

        var uri = $"/api/{project.Id}/envelope/?sentry_key={project.IngestKey}&{BrowserQuery}";
        return await fixture.Factory.CreateClient().PostAsync(uri, content);
    }

    /// <summary>SENTRY-01's envelope, with a fresh id, a recent timestamp and the project's own key.</summary>
    private static string BrowserEnvelope(Guid eventId, TestProject project, bool withDsn = true)
    {
        var payload = Event(eventId,
            "\"tags\":{\"sip.status\":\"486\",\"sip.class\":\"4xx\",\"agent\":\"agent-007\"},"
            + "\"extra\":{\"callId\":\"c-0001@crm.example.test\",\"to\":\"+84 90 000 0001\","
            + "\"reasonPhrase\":\"Busy Here\"}");
        var dsn = withDsn ? $",\"dsn\":\"https://{project.IngestKey}@failedcalls.example.test/{project.Id}\"" : "";
        return $"{{\"event_id\":\"{eventId:N}\",\"sent_at\":\"{DateTimeOffset.UtcNow:O}\"{dsn},"
            + "\"sdk\":{\"name\":\"sentry.javascript.browser\",\"version\":\"8.0.0\"}}\n"
            + $"{{\"type\":\"event\",\"length\":{Encoding.UTF8.GetByteCount(payload)}}}\n{payload}\n";
    }

    /// <summary>An event payload; the timestamp (a JSON value) is a minute ago unless given.</summary>
    private static string Event(Guid eventId, string fields, string? timestamp = null) =>
        $"{{\"event_id\":\"{eventId:N}\","
        + $"\"timestamp\":{timestamp ?? $"{DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds()}.0"},"
        + $"\"platform\":\"javascript\",\"level\":\"error\",\"message\":\"SIP call failed: 486 Busy Here\",{fields}}}";

    private static byte[] EnvelopeWithPadding(Guid eventId, int payloadBytes)
    {
        var prefix = Event(eventId, "\"extra\":{\"sipTrace\":\"");
        var padding = new string('x', payloadBytes - Encoding.UTF8.GetByteCount(prefix) - 3);
        var payload = prefix + padding + "\"}}";
        return Encoding.UTF8.GetBytes($"{{\"event_id\":\"{eventId:N}\"}}\n"
            + $"{{\"type\":\"event\",\"length\":{Encoding.UTF8.GetByteCount(payload)}}}\n{payload}\n");
    }

    private static (byte[] Bytes, string Header) Compress(byte[] data, string encoding)
    {
        using var output = new MemoryStream();
        using (Stream compressor = encoding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
            "deflate" => new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true),
            "raw-deflate" => new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true),
            _ => new BrotliStream(output, CompressionLevel.Optimal, leaveOpen: true),
        })
        {
            compressor.Write(data);
        }

        return (output.ToArray(), encoding == "raw-deflate" ? "deflate" : encoding);
    }
}
