using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using CallTracker.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CallTracker.Api.Tests.BadInput;

/// <summary>
/// The Sentry endpoints (<c>/api/{projectId}/envelope/</c> and <c>/store/</c>, found in the host's routes) under
/// bad envelopes and events generated from <see cref="Inputs.Seed"/>: truncated and mutated, every field of the
/// wrong type, lying item lengths, 10,000 levels of nesting, invalid UTF-8, NUL, thousands of headers and tags,
/// sizes past Sentry's limits, broken compression. They answer errors as ProblemDetails, whose <c>detail</c> is
/// what Sentry's own JSON error carries and what SDKs log, so every 4xx must have one.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class SentryBodyTests(ApiFixture fixture, ITestOutputHelper output)
{
    private const int Megabyte = 1024 * 1024;

    [Fact]
    public async Task GeneratedBadEnvelopes_NeverBreakTheRule_AndErrorsCarryADetail()
    {
        using var probe = new Probe(fixture);
        var random = new Random(Inputs.Seed);
        var endpoint = await SentryEndpointAsync("envelope");
        var seeded = await probe.UseNewProjectAsync();
        var sip = SipEvent();
        var error = ErrorEvent();
        var valid = Envelope(Header(seeded), sip);

        var cases = new List<(string Label, byte[] Body)>();
        cases.AddRange(Inputs.Truncations(valid, 40));
        cases.AddRange(Inputs.Mutations(valid, random, 40));
        foreach (var (name, payload) in new[] { ("sip event", sip), ("error event", error) })
        {
            var mistyped = Inputs.WrongTypesInEveryField(payload);
            cases.AddRange(mistyped.Select(item => ($"{name} {item.Label}", Envelope(Header(seeded), item.Body))));
        }

        cases.AddRange(Inputs.WrongTypesInEveryField(Header(seeded))
            .Select(item => ("envelope header " + item.Label, Envelope(item.Body, sip))));
        var itemHeader = new JsonObject { ["type"] = "event", ["length"] = 2 };
        foreach (var (label, item) in Inputs.WrongTypesInEveryField(itemHeader))
        {
            cases.Add(("item header " + label, Join(Header(seeded).ToJsonString(), item.ToJsonString(), "{}")));
        }

        cases.AddRange(Malformed(seeded, sip));
        foreach (var (name, make) in Inputs.WrongTypes.Append(("not an id", () => "not-an-id")))
        {
            var header = Header(seeded);
            header["event_id"] = make();
            cases.Add(($"envelope header event_id as {name}", Envelope(header, sip)));
            var payload = (JsonObject)sip.DeepClone();
            payload["event_id"] = make();
            cases.Add(($"event_id as {name}", Envelope(new JsonObject(), payload)));
        }

        foreach (var (label, body) in cases)
        {
            var answer = await probe.SendAsync(endpoint.ToString(), label, Post(endpoint, seeded, body));
            ExpectSentryAnswer(probe, endpoint, label, answer);
        }

        foreach (var (label, body, status) in Oversized(seeded, sip))
        {
            var answer = await probe.SendAsync(endpoint.ToString(), label, Post(endpoint, seeded, body));
            probe.Expect(answer?.Status == status, endpoint.ToString(), label, status.ToString(), answer);

            // Over a real socket too, where the endpoint lifts Kestrel's own limit to apply Sentry's.
            var overSocket = Post(endpoint, seeded, body);
            overSocket.Headers.ExpectContinue = true;
            var socket = await probe.SendAsync(endpoint.ToString(), label + " over a socket", overSocket,
                overKestrel: true);
            probe.Expect(socket?.Status == status, endpoint.ToString(), label + " over a socket", $"{status}", socket);
        }

        probe.AssertNoFailures(output);
    }

    [Fact]
    public async Task GeneratedBadStoreEvents_NeverBreakTheRule_AndErrorsCarryADetail()
    {
        using var probe = new Probe(fixture);
        var random = new Random(Inputs.Seed);
        var endpoint = await SentryEndpointAsync("store");
        var seeded = await probe.UseNewProjectAsync();
        var sip = SipEvent();
        var valid = Inputs.Utf8(sip);

        var cases = new List<(string Label, byte[] Body)>();
        cases.AddRange(Inputs.Truncations(valid, 30));
        cases.AddRange(Inputs.Mutations(valid, random, 30));
        cases.AddRange(Inputs.WrongTypesInEveryField(sip)
            .Select(item => (item.Label, Inputs.Utf8(item.Body))));
        foreach (var path in Inputs.StringPaths(sip))
        {
            cases.Add(($"raw NUL in {path}", Inputs.WithRawBytes(sip, path, [0])));
            cases.Add(($"lone surrogate escape in {path}", Inputs.WithRawBytes(sip, path, "\\ud800"u8.ToArray())));
            cases.Add(($"0xFF in {path}", Inputs.WithRawBytes(sip, path, [0xFF])));
        }

        foreach (var path in Inputs.NumberPaths(sip).Append("$.extra.to"))
        {
            cases.AddRange(Inputs.ExtremeNumbers.Select(number =>
                ($"{number} at {path}", Inputs.WithRawJson(sip, path, number))));
        }

        cases.Add(("10,000 nested objects", Inputs.Nesting(10_000, objects: true)));
        cases.Add(("10,000 nested arrays", Inputs.Nesting(10_000, objects: false)));
        cases.Add(("1 MiB and more", Inputs.Utf8(Inputs.Replace(sip, "$.message", new string('x', Megabyte)))));
        foreach (var text in new[] { "", "null", "[]", "\"event\"", "{\"a\":1,\"a\":2}" })
        {
            cases.Add(($"body '{text}'", Encoding.UTF8.GetBytes(text)));
        }

        foreach (var (label, body) in cases)
        {
            var answer = await probe.SendAsync(endpoint.ToString(), label, Post(endpoint, seeded, body));
            ExpectSentryAnswer(probe, endpoint, label, answer);
        }

        probe.AssertNoFailures(output);
    }

    [Fact]
    public async Task ANulInAnyStringOfAnEvent_IsRemovedAndTheEventStored()
    {
        using var probe = new Probe(fixture);
        var endpoint = await SentryEndpointAsync("envelope");
        var seeded = await probe.UseNewProjectAsync();

        foreach (var (kind, payload, reader) in new[]
            { ("sip event", SipEvent(), "/api/v1/events/"), ("error event", ErrorEvent(), "/api/v1/error-events/") })
        {
            foreach (var path in Inputs.StringPaths(payload))
            {
                var eventId = Guid.NewGuid();
                var withNul = Inputs.Replace(payload, path,
                    (string)Inputs.Nodes(payload).First(node => node.Path == path).Node! + "\0");
                withNul["event_id"] = eventId.ToString("N");
                var label = $"{kind} \\u0000 in {path}";
                var answer = await probe.SendAsync(endpoint.ToString(), label,
                    Post(endpoint, seeded, Envelope(new JsonObject(), withNul)));

                // A failed call whose SIP data no longer validates is kept as an error event, as README says.
                var stored = await seeded.Project.Read.GetAsync(reader + eventId);
                var fallback = await seeded.Project.Read.GetAsync("/api/v1/error-events/" + eventId.ToString("N"));
                probe.Expect(answer?.Status == 200 && (stored.IsSuccessStatusCode || fallback.IsSuccessStatusCode),
                    endpoint.ToString(), label, "200 and the event stored", answer);
            }
        }

        probe.AssertNoFailures(output);
    }

    [Fact]
    public async Task RepeatedPatternsThatRegexesBacktrackOn_AreAnsweredInTime_AndReadBack()
    {
        using var probe = new Probe(fixture);
        var endpoint = await SentryEndpointAsync("store");
        var seeded = await probe.UseNewProjectAsync();

        foreach (var fragment in Inputs.BacktrackingFragments)
        {
            // Under 1 MiB in all: the message is grouped and titled, every string is scrubbed.
            var text = Inputs.Repeated(fragment, 250_000);
            var error = Inputs.Replace(Inputs.Replace(ErrorEvent(), "$.logentry.message", text),
                "$.exception.values[0].value", text);
            await probe.SendAsync(endpoint.ToString(), $"'{fragment}' repeated", Post(endpoint, seeded,
                Inputs.Utf8(error)));
        }

        foreach (var path in new[] { "/api/v1/error-events?limit=500", "/api/v1/issues?kind=error&limit=500" })
        {
            await probe.SendAsync("GET " + path.Split('?')[0], "the events above, read back",
                new HttpRequestMessage(HttpMethod.Get, path));
        }

        probe.AssertNoFailures(output);
    }

    /// <summary>Every 4xx of a Sentry endpoint carries a detail; every 200 is Sentry's JSON answer.</summary>
    private static void ExpectSentryAnswer(Probe probe, Endpoint endpoint, string label, Answer? answer)
    {
        if (answer is { Status: >= 400 and < 500 })
        {
            probe.Expect((string?)answer.Json?["detail"] is { Length: > 0 }, endpoint.ToString(), label,
                "a detail, as Sentry's JSON error has", answer);
        }
        else if (answer is { Status: 200 })
        {
            probe.Expect(answer.Json is JsonObject, endpoint.ToString(), label, "Sentry's JSON answer", answer);
        }
    }

    /// <summary>Envelopes broken in how they are framed, encoded or compressed.</summary>
    private static List<(string Label, byte[] Body)> Malformed(SeededProject seeded, JsonObject sip)
    {
        var header = Header(seeded).ToJsonString();
        var payload = sip.ToJsonString();
        var length = Encoding.UTF8.GetByteCount(payload);
        var cases = new List<(string Label, byte[] Body)>
        {
            ("length past the end", Join(header, $$"""{"type":"event","length":{{length + 10}}}""", payload)),
            ("length short", Join(header, $$"""{"type":"event","length":{{length - 10}}}""", payload)),
            ("length zero", Join(header, """{"type":"event","length":0}""", payload)),
            ("length negative", Join(header, """{"type":"event","length":-1}""", payload)),
            ("length 1e30", Join(header, """{"type":"event","length":1e30}""", payload)),
            ("length of a long", Join(header, """{"type":"event","length":9223372036854775807}""", payload)),
            ("skipped item of a long length", Join(header, """{"type":"attachment","length":9223372036854775807}""",
                "x")),
            ("two events", Join(header, $$"""{"type":"event","length":{{length}}}""", payload,
                $$"""{"type":"event","length":{{length}}}""", payload)),
            ("10,000 empty lines", Encoding.UTF8.GetBytes(header + new string('\n', 10_000))),
            ("10,000 attachments", Encoding.UTF8.GetBytes(header + "\n" + string.Concat(
                Enumerable.Repeat("{\"type\":\"attachment\",\"length\":1}\nx\n", 10_000)))),
            ("header only, no newline", Encoding.UTF8.GetBytes(header)),
            ("empty", []),
            ("newlines only", "\n\n\n"u8.ToArray()),
            ("header that is an array", Join("[1,2]", """{"type":"event"}""", payload)),
            ("10,000 levels in the header", [.. Inputs.Nesting(10_000, objects: true), (byte)'\n']),
            ("10,000 levels in the item header", Join(header, Encoding.UTF8.GetString(Inputs.Nesting(10_000, true)))),
            ("10,000 levels as the event", Join(header, """{"type":"event"}""",
                Encoding.UTF8.GetString(Inputs.Nesting(10_000, true)))),
        };

        foreach (var (name, bytes) in Inputs.InvalidUtf8.Take(3))
        {
            var marker = "RAW"u8.ToArray();
            cases.Add(($"{name} in the envelope header",
                Inputs.Splice(Envelope(new JsonObject { ["sdk"] = new JsonObject { ["name"] = "RAW" } }, sip), marker,
                    bytes)));
            cases.Add(($"{name} in the item header", Inputs.Splice(
                Join(header, """{"type":"event","x":"RAW"}""", payload), marker, bytes)));
            cases.Add(($"{name} in the event", Inputs.Splice(
                Envelope(new JsonObject(), Inputs.Replace(sip, "$.message", "RAW")), marker, bytes)));
        }

        cases.Add(("raw NUL in the envelope header", Inputs.Splice(
            Envelope(new JsonObject { ["sdk"] = "RAW" }, sip), "RAW"u8.ToArray(), [0])));
        cases.Add(("5,000 SIP headers", Envelope(new JsonObject(),
            Inputs.Replace(sip, "$.contexts.sip.headers", Inputs.ManyEntries(5_000, "X-Header")))));
        cases.Add(("5,000 request headers", Envelope(new JsonObject(),
            Inputs.Replace(ErrorEvent(), "$.request.headers", Inputs.ManyEntries(5_000, "X-Header")))));
        cases.Add(("5,000 tags", Envelope(new JsonObject(),
            Inputs.Replace(sip, "$.tags", Inputs.ManyEntries(5_000, "t")))));
        return cases;
    }

    /// <summary>Envelopes past Sentry's limits (1 MiB an event, 20 MiB an envelope) and one just under.</summary>
    private static List<(string Label, byte[] Body, int Status)> Oversized(SeededProject seeded, JsonObject sip)
    {
        var attachment = new string('a', 21 * Megabyte);
        var item = $$"""{"type":"attachment","length":{{attachment.Length}}}""";
        return
        [
            ("event of 1 MiB and more", Envelope(Header(seeded),
                Inputs.Replace(sip, "$.extra.to", new string('x', Megabyte))), 413),
            ("event just under 1 MiB", Envelope(Header(seeded),
                Inputs.Replace(sip, "$.extra.to", new string('x', Megabyte - 4096))), 200),
            ("envelope of 21 MiB", Join(Header(seeded).ToJsonString(), item, attachment), 413),
        ];
    }

    [Fact]
    public async Task MissingWrongOrMalformedKeys_Are403sWithADetail_AndStoreNothing()
    {
        using var probe = new Probe(fixture);
        var endpoint = await SentryEndpointAsync("envelope");
        var seeded = await probe.UseNewProjectAsync();
        var body = Envelope(new JsonObject(), SipEvent());
        var keys = new (string Label, string Query)[]
        {
            ("no key", ""),
            ("a key of the wrong form", "sentry_key=public"),
            ("a NUL in the key", "sentry_key=0123%00"),
            ("a 10 KB key", "sentry_key=" + new string('a', 10_000)),
            ("another project's key", "sentry_key=" + ApiFixture.BootstrapIngestKey),
            ("sql in the key", "sentry_key=" + Inputs.Injections[0].Text),
        };

        foreach (var (label, query) in keys)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"{seeded.PathOf(endpoint)}/?{query}")
            {
                Content = new ByteArrayContent(body),
            };
            var answer = await probe.SendAsync(endpoint.ToString(), label, request, withCredentials: false);

            probe.Expect(answer?.Status == 403, endpoint.ToString(), label, "403", answer);
            ExpectSentryAnswer(probe, endpoint, label, answer);
        }

        probe.AssertNoFailures(output);
    }

    [Fact]
    public async Task BrokenCompression_IsA400Or415ThatSaysWhy()
    {
        using var probe = new Probe(fixture);
        var endpoint = await SentryEndpointAsync("envelope");
        var seeded = await probe.UseNewProjectAsync();
        var valid = Envelope(Header(seeded), SipEvent());
        var gzipped = Gzip(valid);
        var cases = new (string Label, byte[] Body, string Encoding, int Status)[]
        {
            ("gzip cut in half", gzipped[..(gzipped.Length / 2)], "gzip", 400),
            ("gzip header, plain body", valid, "gzip", 400),
            ("deflate of garbage", "not deflate at all"u8.ToArray(), "deflate", 400),
            ("brotli of garbage", "not brotli at all"u8.ToArray(), "br", 400),
            ("zstd", gzipped, "zstd", 415),
            ("an encoding of 5,000 gzips", gzipped, string.Join(", ", Enumerable.Repeat("gzip", 5_000)), 415),
        };

        foreach (var (label, body, encoding, status) in cases)
        {
            var request = Post(endpoint, seeded, body);
            request.Content!.Headers.TryAddWithoutValidation("Content-Encoding", encoding);
            var answer = await probe.SendAsync(endpoint.ToString(), label, request);

            probe.Expect(answer?.Status == status, endpoint.ToString(), label, status.ToString(), answer);
            ExpectSentryAnswer(probe, endpoint, label, answer);
        }

        probe.AssertNoFailures(output);
    }

    private async Task<Endpoint> SentryEndpointAsync(string kind) =>
        (await EndpointCatalogue.ReadAsync(fixture)).Single(endpoint => endpoint.IsSentry
            && endpoint.Template.EndsWith("/" + kind, StringComparison.Ordinal));

    /// <summary>A post as a browser SDK makes it: the key in the query, the body as text/plain.</summary>
    private static HttpRequestMessage Post(Endpoint endpoint, SeededProject seeded, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", "text/plain;charset=UTF-8");
        var path = $"{seeded.PathOf(endpoint)}/?sentry_key={seeded.IngestKey}&sentry_version=7";
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }

    /// <summary>
    /// The header an SDK writes. Times here and in the events are fixed, so that a mutation at an offset
    /// changes the same character in every run (times far from the server's clock are replaced); there is no
    /// event_id, so that the service makes one and every accepted case is really written, not a duplicate.
    /// </summary>
    private static JsonObject Header(SeededProject seeded) => new()
    {
        ["sent_at"] = "2026-12-04T02:15:01.000Z",
        ["dsn"] = $"https://{seeded.IngestKey}@calltracker.example.test/{seeded.ProjectId}",
        ["sdk"] = new JsonObject { ["name"] = "sentry.javascript.browser", ["version"] = "8.0.0" },
    };

    /// <summary>An envelope of one event item whose length is the payload's exact byte count.</summary>
    private static byte[] Envelope(JsonNode header, JsonNode payload)
    {
        var json = payload.ToJsonString();
        var item = $$"""{"type":"event","length":{{Encoding.UTF8.GetByteCount(json)}}}""";
        return Join(header.ToJsonString(), item, json);
    }

    private static byte[] Join(params string[] lines) => Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");

    private static byte[] Gzip(byte[] body)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest))
        {
            gzip.Write(body);
        }

        return compressed.ToArray();
    }

    /// <summary>A rejected call as a browser SDK reports it, with SIP data in a context, tags and extras.</summary>
    private static JsonObject SipEvent() => new()
    {
        ["timestamp"] = 1764814500.125,
        ["platform"] = "javascript",
        ["level"] = "warning",
        ["message"] = "SIP call failed: 486 Busy Here",
        ["release"] = "crm@7.2.0",
        ["environment"] = "production",
        ["tags"] = new JsonObject { ["sip.code"] = "486", ["agent"] = "agent-007", ["campaign"] = "winter-sale" },
        ["extra"] = new JsonObject { ["callId"] = "c-0001@crm.example.test", ["to"] = "+84 90 000 0001" },
        ["contexts"] = new JsonObject
        {
            ["sip"] = new JsonObject
            {
                ["sipCode"] = 486,
                ["reasonPhrase"] = "Busy Here",
                ["headers"] = new JsonObject { ["Reason"] = "Q.850;cause=17;text=\"User busy\"" },
                ["phoneNumber"] = "0900000001",
                ["ringing"] = true,
            },
        },
        ["user"] = new JsonObject { ["id"] = "agent-007", ["ip_address"] = "10.0.0.7" },
        ["fingerprint"] = new JsonArray("{{ default }}", "crm"),
        ["sdk"] = new JsonObject { ["name"] = "sentry.javascript.browser", ["version"] = "8.0.0" },
    };

    /// <summary>A CRM exception, with what SDKs add: a stack, breadcrumbs, the request, tags as pairs.</summary>
    private static JsonObject ErrorEvent() => new()
    {
        ["timestamp"] = "2026-12-04T02:15:00.123456Z",
        ["level"] = "error",
        ["platform"] = "javascript",
        ["exception"] = new JsonObject
        {
            ["values"] = new JsonArray(new JsonObject
            {
                ["type"] = "TypeError",
                ["value"] = "call 1234 is undefined",
                ["stacktrace"] = new JsonObject
                {
                    ["frames"] = new JsonArray(new JsonObject { ["filename"] = "app.js", ["lineno"] = 10 }),
                },
            }),
        },
        ["logentry"] = new JsonObject { ["message"] = "Call %s failed", ["params"] = new JsonArray("1234") },
        ["breadcrumbs"] = new JsonObject
        {
            ["values"] = new JsonArray(new JsonObject { ["category"] = "sip", ["message"] = "INVITE sent" }),
        },
        ["request"] = new JsonObject
        {
            ["url"] = "https://crm.example.test/calls",
            ["headers"] = new JsonObject { ["Cookie"] = "session=1", ["User-Agent"] = "Chrome" },
        },
        ["user"] = new JsonObject { ["id"] = "agent-007" },
        ["tags"] = new JsonArray(new JsonArray("browser", "Chrome")),
    };
}
