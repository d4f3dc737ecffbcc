using System.Text.Json.Nodes;
using CallTracker.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CallTracker.Api.Tests.BadInput;

/// <summary>
/// One route the service maps, with what its OpenAPI operation says about it: the query parameters it
/// reads and a valid body built from the examples of its request schema (null when it takes none).
/// </summary>
public sealed record Endpoint(
    string Method, string Template, IReadOnlyList<string> PathParameters, IReadOnlyList<string> QueryParameters,
    JsonNode? ExampleBody)
{
    public bool IsWrite => Method is not ("GET" or "HEAD");

    /// <summary>The Sentry protocol's routes, which read their bodies themselves (envelopes, events).</summary>
    public bool IsSentry => Template.EndsWith("/envelope", StringComparison.Ordinal)
        || Template.EndsWith("/store", StringComparison.Ordinal);

    public override string ToString() => $"{Method} {Template}";

    /// <summary>The path with every parameter filled by <paramref name="value"/>, escaped.</summary>
    public string Path(Func<string, string> value) =>
        PathParameters.Aggregate(Template, (path, name) =>
            path.Replace($"{{{name}}}", Uri.EscapeDataString(value(name)), StringComparison.Ordinal));

    /// <summary>The path with one parameter given as already escaped text, the others filled normally.</summary>
    public string PathWithRaw(string parameter, string escaped, Func<string, string> value) =>
        PathParameters.Aggregate(Template, (path, name) => path.Replace($"{{{name}}}",
            name == parameter ? escaped : Uri.EscapeDataString(value(name)), StringComparison.Ordinal));
}

/// <summary>
/// Every endpoint the running host maps, read from its own EndpointDataSource (so that a route left out of
/// Swagger is still probed) and described by its own OpenAPI document. A new endpoint is covered by every
/// bad-input test without editing one.
/// </summary>
public static class EndpointCatalogue
{
    public static async Task<IReadOnlyList<Endpoint>> ReadAsync(ApiFixture fixture)
    {
        var document = await fixture.Factory.CreateClient().GetJsonAsync("/swagger/v1/swagger.json");
        var paths = document["paths"]!.AsObject();
        var schemas = document["components"]?["schemas"]?.AsObject();
        var routes = fixture.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>();

        var endpoints = new List<Endpoint>();
        foreach (var route in routes)
        {
            // Without a trailing slash, as OpenAPI names it; routing matches either (Sentry SDKs send one).
            var template = "/" + route.RoutePattern.RawText!.Trim('/');
            var parameters = route.RoutePattern.Parameters.Select(parameter => parameter.Name).ToList();
            var bare = Unconstrained(template);

            // A route without method metadata (health, metrics) answers any method; GET is the one used.
            var methods = route.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods.Where(method => method != "OPTIONS"))
            {
                var operation = paths[bare]?[method.ToLowerInvariant()];
                var query = operation?["parameters"]?.AsArray()
                    .Where(parameter => (string?)parameter!["in"] == "query")
                    .Select(parameter => (string)parameter!["name"]!)
                    .ToList() ?? [];
                var body = operation?["requestBody"]?["content"]?["application/json"]?["schema"] is { } schema
                    ? Example(schema, schemas)
                    : null;
                endpoints.Add(new Endpoint(method, bare, parameters, query, body));
            }
        }

        return endpoints.DistinctBy(endpoint => endpoint.ToString()).OrderBy(endpoint => endpoint.Template)
            .ThenBy(endpoint => endpoint.Method).ToList();
    }

    /// <summary><c>/api/{projectId:int}/envelope/</c> as <c>/api/{projectId}/envelope/</c>.</summary>
    private static string Unconstrained(string template) =>
        System.Text.RegularExpressions.Regex.Replace(template, @"\{([^}:?]+)[^}]*\}", "{$1}");

    /// <summary>A valid value of a schema: its example, else an object of its properties' examples.</summary>
    private static JsonNode? Example(JsonNode schema, JsonObject? schemas)
    {
        if (schema["$ref"] is { } reference)
        {
            var name = ((string)reference!).Split('/')[^1];
            return schemas?[name] is { } named ? Example(named, schemas) : null;
        }

        if (schema["example"] is { } example)
        {
            return example.DeepClone();
        }

        if (schema["oneOf"]?[0] is { } first)
        {
            return Example(first, schemas);
        }

        if (schema["properties"] is JsonObject properties)
        {
            var value = new JsonObject();
            foreach (var (name, property) in properties)
            {
                value[name] = Example(property!, schemas);
            }

            return value;
        }

        return null;
    }
}
