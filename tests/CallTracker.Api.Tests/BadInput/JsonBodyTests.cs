using System.Text;
using System.Text.Json.Nodes;
using CallTracker.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CallTracker.Api.Tests.BadInput;

/// <summary>
/// Every endpoint whose OpenAPI operation takes a JSON body, under bad ones derived from the valid body its
/// schema's examples make: truncated, mutated (from <see cref="Inputs.Seed"/>), every field of the wrong type,
/// 1 MiB and 3 MiB strings, numbers past double and PostgreSQL's numeric, 10,000 levels of nesting, invalid
/// UTF-8, NUL and lone surrogates, thousands of properties, the wrong content type. Each endpoint gets a
/// project of its own, since a valid setting that a mutation makes (a quota, say) would change how the next
/// endpoint answers.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class JsonBodyTests(ApiFixture fixture, ITestOutputHelper output)
{
    private const int Truncations = 20;
    private const int Mutations = 20;

    [Fact]
    public async Task GeneratedBadBodiesAtEveryJsonEndpoint_NeverBreakTheRule()
    {
        using var probe = new Probe(fixture);
        var random = new Random(Inputs.Seed);
        var endpoints = (await EndpointCatalogue.ReadAsync(fixture)).Where(endpoint => endpoint.ExampleBody is not null)
            .ToList();

        foreach (var endpoint in endpoints)
        {
            var seeded = await probe.UseNewProjectAsync();
            var path = seeded.PathOf(endpoint);
            foreach (var (label, body, contentType) in Cases(endpoint.ExampleBody!, random))
            {
                var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), path)
                {
                    Content = new ByteArrayContent(body),
                };
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
                await probe.SendAsync(endpoint.ToString(), label, request);
            }

            // Past Kestrel's own limit on a body (30 MB), which the in-memory test server does not have. A
            // client that sends a large body waits to hear it is wanted (Expect: 100-continue); one that
            // sends it blindly is cut off after the answer, before it can read it.
            var huge = new HttpRequestMessage(new HttpMethod(endpoint.Method), path)
            {
                Content = new ByteArrayContent(Inputs.Utf8(new JsonObject { ["name"] = new string('x', 31 << 20) })),
            };
            huge.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            huge.Headers.ExpectContinue = true;
            var answer = await probe.SendAsync(endpoint.ToString(), "31 MiB over a socket", huge, overKestrel: true);
            probe.Expect(answer?.Status == 413, endpoint.ToString(), "31 MiB over a socket", "413", answer);
        }

        Assert.Contains(endpoints, endpoint => endpoint.Template == "/api/v1/projects/{id}/tokens");
        probe.AssertNoFailures(output);
    }

    /// <summary>The bad bodies for one endpoint, from its valid one.</summary>
    private static List<(string Label, byte[] Body, string ContentType)> Cases(JsonNode valid, Random random)
    {
        const string Json = "application/json";
        var bytes = Inputs.Utf8(valid);
        var cases = new List<(string Label, byte[] Body, string ContentType)>();

        cases.AddRange(Inputs.Truncations(bytes, Truncations).Select(cut => (cut.Label, cut.Body, Json)));
        cases.AddRange(Inputs.Mutations(bytes, random, Mutations).Select(cut => (cut.Label, cut.Body, Json)));
        cases.AddRange(Inputs.WrongTypesInEveryField(valid).Select(item => (item.Label, Inputs.Utf8(item.Body), Json)));
        foreach (var path in Inputs.StringPaths(valid))
        {
            cases.Add(($"1 MiB in {path}", Inputs.Utf8(Inputs.Replace(valid, path, new string('x', 1 << 20))), Json));
            cases.Add(($"\\u0000 in {path}", Inputs.Utf8(Inputs.Replace(valid, path, "a\0b")), Json));
            var surrogate = Inputs.WithRawBytes(valid, path, "\\udc00"u8.ToArray());
            cases.Add(($"lone surrogate escape in {path}", surrogate, Json));
            cases.Add(($"raw NUL in {path}", Inputs.WithRawBytes(valid, path, [0]), Json));
            foreach (var (name, sequence) in Inputs.InvalidUtf8.Take(3))
            {
                cases.Add(($"{name} in {path}", Inputs.WithRawBytes(valid, path, sequence), Json));
            }
        }

        foreach (var path in Inputs.NumberPaths(valid))
        {
            cases.AddRange(Inputs.ExtremeNumbers.Take(6).Select(number =>
                ($"{number} at {path}", Inputs.WithRawJson(valid, path, number), Json)));
        }

        if (Inputs.StringPaths(valid).FirstOrDefault() is { } first)
        {
            cases.Add(("3 MiB body", Inputs.Utf8(Inputs.Replace(valid, first, new string('x', 3 << 20))), Json));
        }

        cases.Add(("10,000 nested arrays", Inputs.Nesting(10_000, objects: false), Json));
        cases.Add(("10,000 nested objects", Inputs.Nesting(10_000, objects: true), Json));
        cases.Add(("5,000 properties", Inputs.Utf8(Inputs.ManyEntries(5_000, "field")), Json));
        cases.Add(("invalid utf-8 after the body", [.. bytes, 0xFF], Json));
        foreach (var text in new[] { "", "null", "[]", "1", "\"text\"", "{\"a\":1,\"a\":2}" })
        {
            cases.Add(($"body '{text}'", Encoding.UTF8.GetBytes(text), Json));
        }

        foreach (var type in new[] { "text/plain", "application/xml", "application/x-www-form-urlencoded" })
        {
            cases.Add(($"as {type}", bytes, type));
        }

        return cases;
    }
}
