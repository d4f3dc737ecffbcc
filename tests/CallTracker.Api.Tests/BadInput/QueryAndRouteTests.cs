using System.Text;
using CallTracker.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CallTracker.Api.Tests.BadInput;

/// <summary>
/// Every endpoint of the running host, under bad query strings and route ids: SQL and script injection in every
/// query parameter its OpenAPI operation lists and in <c>tag[...]</c> keys and values, junk chosen from
/// <see cref="Inputs.Seed"/>, values aimed at zones, times and cursors, path traversal and junk in every route
/// parameter, and enormous query strings. An injection that is a valid value may be a 200 with nothing in it;
/// what matters is the rule (see <see cref="Probe"/>) and that the database is as it was.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class QueryAndRouteTests(ApiFixture fixture, ITestOutputHelper output)
{
    /// <summary>Junk values per parameter besides the injections and the targeted values, chosen by the seed.</summary>
    private const int JunkPerParameter = 4;

    [Fact]
    public async Task InjectionAndJunkInEveryQueryParameter_NeverBreakTheRuleNorTouchTheDatabase()
    {
        using var probe = new Probe(fixture);
        var seeded = await probe.UseNewProjectAsync();
        var random = new Random(Inputs.Seed);

        foreach (var endpoint in await EndpointCatalogue.ReadAsync(fixture))
        {
            var path = seeded.PathOf(endpoint);
            foreach (var parameter in endpoint.QueryParameters)
            {
                var values = Inputs.Injections.Concat(Inputs.Targeted(parameter))
                    .Concat(Inputs.Sample(Inputs.Junk, JunkPerParameter, random));
                foreach (var value in values)
                {
                    var injection = Inputs.Injections.Contains(value);
                    await probe.SendAsync(endpoint.ToString(), $"{parameter}: {value.Label}",
                        Request(endpoint, $"{path}?{parameter}={value.Text}"), checkRows: injection);
                }
            }

            // Tags filter the reports; every other endpoint must simply ignore them.
            foreach (var key in Inputs.Injections.Concat(Inputs.Sample(Inputs.Junk, 2, random)))
            {
                foreach (var value in Inputs.Injections)
                {
                    await probe.SendAsync(endpoint.ToString(), $"tag[{key.Label}]={value.Label}",
                        Request(endpoint, $"{path}?tag%5B{key.Text}%5D={value.Text}"), checkRows: true);
                }
            }
        }

        probe.AssertNoFailures(output);
    }

    [Fact]
    public async Task TheEdgesOfTheCalendarInTheFarthestZones_AreAnsweredOrRefusedByName()
    {
        using var probe = new Probe(fixture);
        var seeded = await probe.UseNewProjectAsync();
        string[] zones = ["Pacific%2FKiritimati", "Etc%2FGMT%2B12", "America%2FSt_Johns"];
        string[] times =
        [
            "0001-01-01", "9999-12-31", "2000-01-01", "2999-12-31", "253402300799999", "946684800000",
            Inputs.Escape("2000-01-01T00:00:00+14:00"), Inputs.Escape("2999-12-31T23:59:59-12:00"),
        ];

        foreach (var endpoint in await EndpointCatalogue.ReadAsync(fixture))
        {
            var bounds = endpoint.QueryParameters.Intersect(["from", "to"]).ToList();
            if (!endpoint.QueryParameters.Contains("tz"))
            {
                continue;
            }

            var path = seeded.PathOf(endpoint);
            foreach (var zone in zones)
            {
                var bucket = endpoint.QueryParameters.Contains("interval") ? "&interval=hour" : "";
                foreach (var (bound, time) in bounds.SelectMany(bound => times.Select(time => (bound, time))))
                {
                    await probe.SendAsync(endpoint.ToString(), $"tz={zone}&{bound}={time}",
                        Request(endpoint, $"{path}?tz={zone}&{bound}={time}{bucket}"));
                }

                await probe.SendAsync(endpoint.ToString(), $"tz={zone}, the whole calendar",
                    Request(endpoint, $"{path}?tz={zone}&from=2000-01-01&to=2999-12-31{bucket}"));
            }
        }

        probe.AssertNoFailures(output);
    }

    [Fact]
    public async Task JunkAndTraversalInEveryRouteParameter_AreProblems()
    {
        using var probe = new Probe(fixture);
        var seeded = await probe.UseNewProjectAsync();

        foreach (var endpoint in await EndpointCatalogue.ReadAsync(fixture))
        {
            foreach (var parameter in endpoint.PathParameters)
            {
                foreach (var junk in Inputs.RouteJunk)
                {
                    var path = endpoint.PathWithRaw(parameter, junk.Text, name => seeded.RouteValue(endpoint, name));
                    // The in-memory test server throws on a NUL in a path; a real socket shows what clients get.
                    await probe.SendAsync(endpoint.ToString(), $"{{{parameter}}}: {junk.Label}",
                        Request(endpoint, path), overKestrel: junk.Text.Contains("%00", StringComparison.Ordinal));
                }
            }
        }

        probe.AssertNoFailures(output);
    }

    [Fact]
    public async Task EnormousQueryStrings_AreAnsweredWithoutAHang()
    {
        using var probe = new Probe(fixture);
        var seeded = await probe.UseNewProjectAsync();
        var queries = new (string Label, string Query)[]
        {
            ("40 KB value", "agent=" + new string('a', 40_000)),
            ("5,000 parameters", string.Join('&', Enumerable.Range(0, 5_000).Select(index => $"p{index}=1"))),
            ("one parameter 5,000 times", string.Join('&', Enumerable.Repeat("limit=1", 5_000))),
            ("2,000 tag filters", string.Join('&', Enumerable.Range(0, 2_000).Select(index => $"tag%5Bk{index}%5D=v"))),
        };

        foreach (var endpoint in await EndpointCatalogue.ReadAsync(fixture))
        {
            var path = seeded.PathOf(endpoint);
            foreach (var (label, query) in queries)
            {
                await probe.SendAsync(endpoint.ToString(), label, Request(endpoint, $"{path}?{query}"));
            }

            // Past Kestrel's limit on a request line (8 KiB), which only a real socket has: Kestrel's own 414.
            var beyond = await probe.SendAsync(endpoint.ToString(), "100 KB query over a socket",
                Request(endpoint, $"{path}?agent={new string('a', 100_000)}"), overKestrel: true);
            probe.Expect(beyond?.Status == 414, endpoint.ToString(), "100 KB query over a socket", "414", beyond);
        }

        probe.AssertNoFailures(output);
    }

    /// <summary>
    /// The endpoint's request at a path; a body endpoint gets its valid example body, so that only the query
    /// or the route is wrong.
    /// </summary>
    private static HttpRequestMessage Request(Endpoint endpoint, string pathAndQuery)
    {
        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), pathAndQuery);
        if (endpoint.ExampleBody is { } body)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return request;
    }
}
