using System.Text;
using CallTracker.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CallTracker.Api.Tests.BadInput;

/// <summary>
/// Every endpoint with bad request headers: malformed and enormous credentials, languages, media types and
/// origins, injection where a key or token is looked up, and a thousand headers at once. A header the service
/// cannot use is ignored or refused by name; it never costs a 5xx.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class HeaderTests(ApiFixture fixture, ITestOutputHelper output)
{
    private static readonly (string Label, string Name, string Value)[] Headers =
    [
        ("qualities that are not numbers", "Accept-Language", "vi;q=abc, en;q=1e400, *;q=-1"),
        ("5,000 languages", "Accept-Language",
            string.Join(", ", Enumerable.Range(0, 5_000).Select(index => $"x{index};q=0.5"))),
        ("csv at a quality NaN", "Accept", "text/csv;q=NaN, application/json;q=2"),
        ("5,000 media types", "Accept", string.Join(", ", Enumerable.Range(0, 5_000).Select(index => $"a/b{index}"))),
        ("origin null", "Origin", "null"),
        ("origin not allowed", "Origin", "https://evil.example.test"),
        ("origin of 8 KB", "Origin", "https://" + new string('a', 8_000) + ".test"),
        ("a 20 KB token", "Authorization", "Bearer " + new string('t', 20_000)),
        ("another scheme", "Authorization", "Basic Zm9vOmJhcg=="),
        ("sql as the token", "Authorization", "Bearer ' OR 1=1 --"),
        ("sql as the ingest key", "X-CallTracker-Key", "' OR 1=1 --"),
        ("sql in X-Sentry-Auth", "X-Sentry-Auth", "Sentry sentry_key='; DROP TABLE call_events; --"),
        ("an empty X-Sentry-Auth", "X-Sentry-Auth", "Sentry ,,,,=,sentry_key="),
        ("a date that is not one", "If-Modified-Since", "yesterday at noon"),
        ("a broken range", "Range", "bytes=9-1,-,x"),
        ("a forwarded chain of junk", "X-Forwarded-For", "999.1.1.1, <script>, ::::"),
    ];

    [Fact]
    public async Task BadHeadersAtEveryEndpoint_NeverBreakTheRule()
    {
        using var probe = new Probe(fixture);
        var seeded = await probe.UseNewProjectAsync();

        foreach (var endpoint in await EndpointCatalogue.ReadAsync(fixture))
        {
            foreach (var (label, name, value) in Headers)
            {
                var request = Request(endpoint, seeded);
                request.Headers.Remove(name);
                request.Headers.TryAddWithoutValidation(name, value);
                await probe.SendAsync(endpoint.ToString(), label, request);
            }

            var many = Request(endpoint, seeded);
            for (var index = 0; index < 1_000; index++)
            {
                many.Headers.TryAddWithoutValidation($"X-Junk-{index}", "<script>alert(1)</script>");
            }

            await probe.SendAsync(endpoint.ToString(), "1,000 headers", many);

            var preflight = new HttpRequestMessage(HttpMethod.Options, seeded.PathOf(endpoint));
            preflight.Headers.TryAddWithoutValidation("Origin", "https://crm.example.test");
            preflight.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "<script>");
            preflight.Headers.TryAddWithoutValidation("Access-Control-Request-Headers",
                string.Join(",", Enumerable.Range(0, 2_000).Select(index => $"x-h{index}")));
            await probe.SendAsync(endpoint.ToString(), "preflight of junk", preflight);
        }

        probe.AssertNoFailures(output);
    }

    private static HttpRequestMessage Request(Endpoint endpoint, SeededProject seeded)
    {
        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), seeded.PathOf(endpoint));
        if (endpoint.ExampleBody is { } body)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return request;
    }
}
