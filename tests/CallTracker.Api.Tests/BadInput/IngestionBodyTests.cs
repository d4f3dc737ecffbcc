using System.Text;
using System.Text.Json.Nodes;
using CallTracker.Api.Tests.Infrastructure;
using Xunit.Abstractions;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests.BadInput;

/// <summary>
/// POST /api/v1/events under bad bodies, generated from <see cref="Inputs.Seed"/>: truncated and mutated JSON,
/// wrong types in every field, huge strings, deep nesting, invalid UTF-8, NUL, thousands of headers. Each answer
/// keeps the rule (see <see cref="Probe"/>), and README's promises where it makes one: a refused body is a 400
/// naming the field, a body over the limit a 413, a NUL is removed and the event stored with a flag.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class IngestionBodyTests(ApiFixture fixture, ITestOutputHelper output)
{
    private const string Route = "POST /api/v1/events";
    private const int Megabyte = 1024 * 1024;

    private static readonly Guid FixedId = new("3f2b8c1e-0d4a-4e7b-9c61-5a2f0e9d7b10");

    [Fact]
    public async Task GeneratedBadBodies_AreRefusedAs400sThatNameTheProblem_AndStoreNothing()
    {
        using var probe = new Probe(fixture);
        await probe.UseNewProjectAsync();
        var valid = Inputs.Utf8(ValidEvent());
        var batch = Inputs.Utf8(new JsonArray(ValidEvent(), ValidEvent()));

        var refused = new List<(string Label, byte[] Body)>();
        refused.AddRange(Inputs.Truncations(valid, 60));
        refused.AddRange(Inputs.Truncations(batch, 30).Select(cut => ("batch " + cut.Label, cut.Body)));
        refused.Add(("10,000 nested arrays", Inputs.Nesting(10_000, objects: false)));
        refused.Add(("10,000 nested objects", Inputs.Nesting(10_000, objects: true)));
        foreach (var field in new[] { "extra", "headers", "tags", "fingerprint" })
        {
            var marker = Inputs.Replace(ValidEvent(), $"$.{field}", "NESTING");
            refused.Add(($"10,000 levels in {field}", Inputs.Splice(Inputs.Utf8(marker),
                Encoding.UTF8.GetBytes("\"NESTING\""), Inputs.Nesting(10_000, objects: true))));
        }

        foreach (var path in Inputs.StringPaths(ValidEvent()))
        {
            foreach (var (name, bytes) in Inputs.InvalidUtf8)
            {
                refused.Add(($"{name} in {path}", Inputs.WithRawBytes(ValidEvent(), path, bytes)));
            }

            refused.Add(($"lone surrogate escape in {path}",
                Inputs.WithRawBytes(ValidEvent(), path, "\\ud800"u8.ToArray())));
            refused.Add(($"raw NUL byte in {path}", Inputs.WithRawBytes(ValidEvent(), path, [0])));
        }

        refused.Add(("invalid utf-8 outside strings", [.. valid, 0xFF, 0xFE]));
        refused.Add(("raw NUL after the object", [.. valid, 0]));
        refused.Add(("5,000 headers", Inputs.Utf8(Inputs.Replace(ValidEvent(), "$.headers",
            Inputs.ManyEntries(5_000, "X-Header")))));
        var vias = new JsonArray([.. Enumerable.Range(0, 5_000).Select(_ => (JsonNode?)"SIP/2.0/UDP a")]);
        refused.Add(("one header with 5,000 values", Inputs.Utf8(Inputs.Replace(ValidEvent(),
            "$.headers", new JsonObject { ["Via"] = vias }))));
        refused.Add(("5,000 tags", Inputs.Utf8(Inputs.Replace(ValidEvent(), "$.tags",
            Inputs.ManyEntries(5_000, "tag")))));
        refused.Add(("5,000 keys in extra", Inputs.Utf8(Inputs.Replace(ValidEvent(), "$.extra",
            Inputs.ManyEntries(5_000, "key")))));
        refused.Add(("1,001 events", Inputs.Utf8(new JsonArray(
            [.. Enumerable.Range(0, 1_001).Select(_ => (JsonNode?)ValidEvent())]))));
        refused.Add(("duplicate property", Encoding.UTF8.GetBytes(
            $$"""{"occurredAt":"{{MinutesAgo(1)}}","sipCode":486,"sipCode":487}""")));
        foreach (var text in new[] { "", " ", "null", "[]", "[null]", "\"event\"", "1", "true", "{}" })
        {
            refused.Add(($"body '{text}'", Encoding.UTF8.GetBytes(text)));
        }

        foreach (var (label, body) in refused)
        {
            var answer = await probe.SendAsync(Route, label, Post(body));
            probe.Expect(answer?.Status == 400, Route, label, "400", answer);
        }

        probe.AssertNoFailures(output);
    }

    [Fact]
    public async Task WrongTypesInEveryField_AndRandomMutations_NeverBreakTheRule()
    {
        using var probe = new Probe(fixture);
        await probe.UseNewProjectAsync();
        var random = new Random(Inputs.Seed);
        var valid = ValidEvent();
        var message = ValidEvent();
        message.Remove("headers");
        message.Remove("reasonPhrase");
        message["sipMessage"] = SharedData.SipResponse("16-480.sip");
        message["sipCode"] = 480;

        var cases = new List<(string Label, byte[] Body)>();
        cases.AddRange(Inputs.WrongTypesInEveryField(valid).Select(item => (item.Label, Inputs.Utf8(item.Body))));
        cases.AddRange(Inputs.WrongTypesInEveryField(ValidEvent(FixedId))
            .Where(item => item.Label.StartsWith("$.eventId ", StringComparison.Ordinal))
            .Select(item => (item.Label, Inputs.Utf8(item.Body))));
        cases.AddRange(Inputs.Mutations(Inputs.Utf8(valid), random, 60));
        cases.AddRange(Inputs.Mutations(Inputs.Utf8(message), random, 30)
            .Select(mutation => ("sipMessage event " + mutation.Label, mutation.Body)));
        var sip = (string)message["sipMessage"]!;
        for (var length = 0; length < sip.Length; length += sip.Length / 30)
        {
            var cut = Inputs.Replace(message, "$.sipMessage", sip[..length]);
            cases.Add(($"sipMessage cut at {length}", Inputs.Utf8(cut)));
        }

        foreach (var (label, body) in cases)
        {
            var answer = await probe.SendAsync(Route, label, Post(body));
            probe.Expect(answer?.Status is 202 or 400, Route, label, "202 or 400", answer);
        }

        probe.AssertNoFailures(output);
    }

    [Fact]
    public async Task ExtremeNumbers_InEveryNumberAndInExtra_AreStoredOrRefusedByName()
    {
        using var probe = new Probe(fixture);
        await probe.UseNewProjectAsync();

        foreach (var number in Inputs.ExtremeNumbers)
        {
            var valid = ValidEvent();
            var paths = Inputs.NumberPaths(valid).Append("$.extra.nested.ok").ToList();
            foreach (var path in paths)
            {
                var body = Inputs.WithRawJson(ValidEvent(), path, number);
                var answer = await probe.SendAsync(Route, $"{number} at {path}", Post(body));
                probe.Expect(answer?.Status is 202 or 400, Route, $"{number} at {path}", "202 or 400", answer);
            }
        }

        probe.AssertNoFailures(output);
    }

    [Fact]
    public async Task RepeatedPatternsThatRegexesBacktrackOn_AreAnsweredInTime()
    {
        using var probe = new Probe(fixture);
        await probe.UseNewProjectAsync();
        foreach (var fragment in Inputs.BacktrackingFragments)
        {
            var text = Inputs.Repeated(fragment, Megabyte / 4);
            foreach (var path in new[] { "$.headers.Reason", "$.headers.Warning", "$.extra.crmLeadId" })
            {
                var body = Inputs.Utf8(Inputs.Replace(ValidEvent(), path, text));
                await probe.SendAsync(Route, $"'{fragment}' repeated in {path}", Post(body));
            }
        }

        // A raw message parsed line by line: folds that continue one header, lines that are no header.
        foreach (var fragment in new[] { "\r\n a", "\r\nx", "\r\n:", "\r\nA:", "\n\t" })
        {
            var withMessage = ValidEvent();
            withMessage.Remove("sipCode");
            withMessage.Remove("reasonPhrase");
            withMessage.Remove("headers");
            withMessage["sipMessage"] = "SIP/2.0 486 Busy Here\r\nX-Long: a" + Inputs.Repeated(fragment, 500_000);
            var label = $"sipMessage of '{fragment.ReplaceLineEndings("\\n")}' repeated";
            await probe.SendAsync(Route, label, Post(Inputs.Utf8(withMessage)));
        }

        // Reading them back masks phone numbers in every header, with patterns of its own.
        var read = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events?limit=500");
        await probe.SendAsync("GET /api/v1/events", "the events above, read back", read);
        probe.AssertNoFailures(output);
    }

    [Fact]
    public async Task HugeStrings_AreRefusedByField_AndBodiesOverTheLimitAre413()
    {
        using var probe = new Probe(fixture);
        await probe.UseNewProjectAsync();
        var huge = new string('x', Megabyte);

        foreach (var path in Inputs.StringPaths(ValidEvent()))
        {
            var body = Inputs.Utf8(Inputs.Replace(ValidEvent(), path, huge));
            await probe.SendAsync(Route, $"1 MiB in {path}", Post(body));
        }

        var tooLarge = Inputs.Utf8(Inputs.Replace(ValidEvent(), "$.agent", huge + huge + huge));
        var sized = await probe.SendAsync(Route, "3 MiB body", Post(tooLarge));
        var chunked = await probe.SendAsync(Route, "3 MiB body, chunked", Post(tooLarge, chunked: true));

        probe.Expect(sized?.Status == 413, Route, "3 MiB body", "413", sized);
        probe.Expect(chunked?.Status == 413, Route, "3 MiB body, chunked", "413", chunked);
        probe.AssertNoFailures(output);
    }

    [Fact]
    public async Task ANulInAnyString_IsRemovedAndTheEventStoredWithAFlag_OrTheFieldIsNamed()
    {
        using var probe = new Probe(fixture);
        var seeded = await probe.UseNewProjectAsync();

        foreach (var path in Inputs.StringPaths(ValidEvent()))
        {
            var eventId = Guid.NewGuid();
            var valid = ValidEvent(eventId);
            var text = (string)Inputs.Nodes(valid).First(node => node.Path == path).Node!;
            var withNul = Inputs.Replace(valid, path, "\0" + text + "\0");
            var answer = await probe.SendAsync(Route, $"\\u0000 in {path}", Post(Inputs.Utf8(withNul)));
            var field = path.TrimStart('$', '.');

            if (answer?.Status == 202 && path != "$.eventId")
            {
                var stored = await seeded.Project.Read.GetJsonAsync($"/api/v1/events/{eventId}");
                probe.Expect((bool?)stored["nulRemoved"] == true, Route, path, "nulRemoved: true", answer);
            }
            else
            {
                probe.Expect(answer?.Json?["errors"]?[field] is not null, Route, path, $"a 400 naming {field}", answer);
            }
        }

        probe.AssertNoFailures(output);
    }

    [Fact]
    public async Task AnythingButJson_IsA415ProblemAndStoresNothing()
    {
        using var probe = new Probe(fixture);
        await probe.UseNewProjectAsync();
        var valid = Inputs.Utf8(ValidEvent());

        foreach (var type in new[] { "application/xml", "multipart/form-data; boundary=x", "image/png", "json" })
        {
            var answer = await probe.SendAsync(Route, type, Post(valid, contentType: type));
            probe.Expect(answer?.Status == 415, Route, type, "415", answer);
        }

        var none = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = new ByteArrayContent(valid) };
        var untyped = await probe.SendAsync(Route, "no content type", none);

        probe.Expect(untyped?.Status == 415, Route, "no content type", "415", untyped);
        probe.AssertNoFailures(output);
    }

    /// <summary>
    /// A failed call with every field of the contract set, all valid. Its time is fixed, so that a mutation at
    /// an offset changes the same character in every run (a time outside the server's window is replaced by
    /// the time received, and the event still accepted); without an id the service makes one, so that every
    /// accepted case is really written rather than answered as a duplicate.
    /// </summary>
    internal static JsonObject ValidEvent(Guid? eventId = null)
    {
        var valid = Fields();
        if (eventId is { } id)
        {
            valid.Insert(0, "eventId", id.ToString());
        }

        return valid;
    }

    private static JsonObject Fields() => new()
    {
        ["occurredAt"] = "2026-12-04T09:15:00+07:00",
        ["sipCode"] = 486,
        ["reasonPhrase"] = "Busy Here",
        ["localCause"] = "ring_timeout",
        ["headers"] = new JsonObject
        {
            ["Reason"] = "Q.850;cause=17;text=\"User busy\"",
            ["Via"] = new JsonArray("SIP/2.0/WSS a;branch=1", "SIP/2.0/UDP b;branch=2"),
            ["Warning"] = "399 carrier.example \"Number barred\"",
            ["Retry-After"] = "120 (busy);duration=60",
        },
        ["phoneNumber"] = "0900000001",
        ["agent"] = "agent-007",
        ["callId"] = "c-0001@crm.example.test",
        ["direction"] = "outbound",
        ["trunk"] = "viettel-1",
        ["ringing"] = true,
        ["postDialDelayMs"] = 2300,
        ["ringDurationMs"] = 18000,
        ["tags"] = new JsonObject { ["campaign"] = "winter-sale" },
        ["extra"] = new JsonObject { ["crmLeadId"] = 1234, ["nested"] = new JsonObject { ["ok"] = true } },
        ["fingerprint"] = new JsonArray("{{ default }}", "crm-7"),
    };

    private static HttpRequestMessage Post(byte[] body, string contentType = "application/json", bool chunked = false)
    {
        HttpContent content = chunked ? new ChunkedContent(body) : new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = content };
    }

    /// <summary>A body sent without a Content-Length, so that only reading it can find its size.</summary>
    private sealed class ChunkedContent(byte[] body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            stream.WriteAsync(body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
