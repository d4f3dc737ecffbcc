using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CallTracker.Api.Tests.Infrastructure;

public static class HttpExtensions
{
    public static Task<HttpResponseMessage> PostEventsAsync(this HttpClient client, object body) =>
        client.PostAsJsonAsync("/api/v1/events", body);

    public static Task<HttpResponseMessage> PostRawAsync(
        this HttpClient client, string body, string contentType = "application/json", string path = "/api/v1/events")
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        return client.PostAsync(path, content);
    }

    /// <summary>
    /// One Sentry event in an envelope, as a browser SDK posts it: text/plain, the key in the query, the item's
    /// length in bytes.
    /// </summary>
    public static Task<HttpResponseMessage> PostSentryEventAsync(
        this HttpClient client, int projectId, string ingestKey, Guid eventId, string payload)
    {
        var envelope = $"{{\"event_id\":\"{eventId:N}\"}}\n"
            + $"{{\"type\":\"event\",\"length\":{Encoding.UTF8.GetByteCount(payload)}}}\n{payload}\n";
        return client.PostAsync($"/api/{projectId}/envelope/?sentry_key={ingestKey}",
            new StringContent(envelope, Encoding.UTF8, "text/plain"));
    }

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())
        ?? throw new JsonException("The response body is JSON null.");

    public static async Task<JsonNode> GetJsonAsync(this HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text)!;
    }

    /// <summary>An instant a few minutes ago, inside the accepted clock window, as ISO 8601 with Z.</summary>
    public static string MinutesAgo(int minutes) =>
        DateTimeOffset.UtcNow.AddMinutes(-minutes).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
}
