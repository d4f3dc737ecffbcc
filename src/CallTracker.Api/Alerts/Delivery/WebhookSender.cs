using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CallTracker.Api.Hosting;
using CallTracker.Api.Http;
using Microsoft.Extensions.Options;

namespace CallTracker.Api.Alerts.Delivery;

/// <summary>Where one webhook goes and how: set per rule action by the alert rules.</summary>
/// <param name="Secret">
/// Signs the body (<see cref="WebhookSender.SignatureHeader"/>); null sends it unsigned, as a Slack URL needs no
/// signature (its path is its secret). Never logged.
/// </param>
public sealed record AlertWebhook(Uri Url, string? Secret, WebhookFormat Format = WebhookFormat.Json);

[JsonConverter(typeof(JsonStringEnumConverter<WebhookFormat>))]
public enum WebhookFormat
{
    /// <summary>The AlertMessage itself, camelCase: the documented schema.</summary>
    Json,

    /// <summary><c>{"text": ...}</c> in mrkdwn, what Slack's incoming webhooks (and Mattermost's) take.</summary>
    Slack,
}

/// <summary>POSTs an alert to a webhook, signed so that the receiver can tell it came from us and is fresh.</summary>
/// <remarks>
/// The signature is Stripe's scheme: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;</c>. The time
/// is inside what is signed, so a receiver that rejects an old <c>t</c> rejects a replayed request too.
/// </remarks>
public sealed class WebhookSender(IHttpClientFactory clients, TimeProvider time, IOptions<CallTrackerOptions> options)
{
    public const string ClientName = "alert-webhooks";
    public const string SignatureHeader = "X-CallTracker-Signature";

    /// <summary>The webhook schema: AlertMessage in camelCase, times in UTC with a Z, as the API writes them.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new UtcDateTimeOffsetConverter() },
    };

    private readonly string? publicUrl = options.Value.Alerts.PublicUrl;

    public string Body(AlertMessage alert, WebhookFormat format) => format == WebhookFormat.Slack
        ? JsonSerializer.Serialize(new { text = AlertText.Slack(alert, AlertText.Link(alert, publicUrl)) }, Json)
        : JsonSerializer.Serialize(alert with { Link = AlertText.Link(alert, publicUrl) }, Json);

    public static string Signature(string secret, long unixSeconds, string body)
    {
        var signed = Encoding.UTF8.GetBytes($"{unixSeconds.ToString(CultureInfo.InvariantCulture)}.{body}");
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return $"t={unixSeconds.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>One attempt: any answer but a 2xx fails it; <paramref name="cancellationToken"/> times it.</summary>
    public async Task SendAsync(AlertMessage alert, AlertWebhook webhook, CancellationToken cancellationToken)
    {
        var body = Body(alert, webhook.Format);
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (!string.IsNullOrEmpty(webhook.Secret))
        {
            request.Headers.Add(SignatureHeader, Signature(webhook.Secret, time.GetUtcNow().ToUnixTimeSeconds(), body));
        }

        // Only the status matters: the answer's body is not read, so a receiver cannot make us hold a large one.
        using var response = await clients.CreateClient(ClientName)
            .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new WebhookRejectedException((int)response.StatusCode, response.ReasonPhrase);
        }
    }

    /// <summary>Registers the named client: our User-Agent, no redirects (a POST must not turn into a GET).</summary>
    public static void AddClient(IServiceCollection services) =>
        services.AddHttpClient(ClientName, client =>
            {
                client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("CallTracker", null));
                // The attempt's own timeout (AlertsOptions.AttemptTimeout) bounds each request instead.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            // The factory's own request logs name the whole URL, and a webhook's path may be its secret (Slack's
            // is): AlertDelivery logs each attempt with the scheme, host and port only.
            .RemoveAllLoggers();
}

/// <summary>A webhook answered with something other than a 2xx.</summary>
public sealed class WebhookRejectedException(int status, string? phrase)
    : Exception($"The webhook answered HTTP {status} {phrase}".TrimEnd())
{
    public int Status { get; } = status;
}
