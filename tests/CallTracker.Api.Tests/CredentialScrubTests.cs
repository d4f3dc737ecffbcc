using System.Net;
using CallTracker.Api.Tests.Infrastructure;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>
/// Credentials never reach the database (issue 7): Authorization headers, passwords in URIs, credential
/// parameters and SDP bodies are gone from the stored headers, raw message, tags, extra data and Sentry
/// events, checked in the rows themselves.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class CredentialScrubTests(ApiFixture fixture)
{
    private const string Secret = "s3cretZ9";

    private static readonly string Invite =
        "INVITE sip:0901234501@carrier.example SIP/2.0\r\n" +
        $"Authorization: Digest username=\"agent-007\", response=\"{Secret}\"\r\n" +
        "Content-Type: application/sdp\r\n\r\n" +
        "v=0\r\no=- 1 1 IN IP4 192.0.2.77\r\nc=IN IP4 192.0.2.77\r\nm=audio 49170 RTP/AVP 0\r\n";

    [Fact]
    public async Task ANativeEvent_IsStoredWithoutItsCredentials()
    {
        var project = await fixture.CreateProjectAsync();
        var response = await project.Ingest.PostEventsAsync(new
        {
            occurredAt = MinutesAgo(1),
            sipCode = 486,
            headers = new Dictionary<string, string>
            {
                ["Authorization"] = $"Digest username=\"agent-007\", response=\"{Secret}\"",
                ["Proxy-Authorization"] = $"Digest response=\"{Secret}\"",
                ["Contact"] = $"<sip:agent-007:{Secret}@192.0.2.1;transport=ws>",
                ["Reason"] = "Q.850;cause=17",
            },
            tags = new { websocket = $"wss://edge.example/ws?token={Secret}" },
            extra = new { lastInvite = Invite, sipPassword = Secret },
        });

        var stored = await StoredTextAsync("call_events", project);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.DoesNotContain(Secret, stored, StringComparison.Ordinal);
        Assert.DoesNotContain("192.0.2.77", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("Authorization", stored, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Q.850;cause=17", stored, StringComparison.Ordinal);
        Assert.Contains("sip:agent-007@192.0.2.1", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARawSipMessage_IsStoredWithoutCredentialLines()
    {
        var project = await fixture.CreateProjectAsync();
        var message = "SIP/2.0 407 Proxy Authentication Required\r\n" +
            "Via: SIP/2.0/WSS crm.invalid;branch=z9hG4bK1\r\n" +
            $"Proxy-Authorization: Digest response=\"{Secret}\"\r\n" +
            $"Contact: <sip:pbx:{Secret}@192.0.2.5>\r\n" +
            "Proxy-Authenticate: Digest realm=\"carrier.example\", nonce=\"abc\"\r\n\r\n";

        var response = await project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(1), sipMessage = message });
        var stored = await StoredTextAsync("call_events", project);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.DoesNotContain(Secret, stored, StringComparison.Ordinal);
        Assert.Contains("Proxy-Authenticate", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASentryEvent_LosesCredentialsInItsBreadcrumbsAndExtras()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        var breadcrumb = System.Text.Json.JsonSerializer.Serialize(Invite);
        var payload = $"{{\"event_id\":\"{eventId:N}\",\"timestamp\":{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.0,"
            + "\"platform\":\"javascript\",\"level\":\"error\",\"message\":\"WebSocket closed\","
            + $"\"breadcrumbs\":{{\"values\":[{{\"category\":\"sip\",\"message\":{breadcrumb}}}]}},"
            + $"\"extra\":{{\"password\":\"{Secret}\",\"url\":\"wss://u:{Secret}@edge.example/ws\"}},"
            + $"\"request\":{{\"headers\":{{\"Cookie\":\"session={Secret}\"}}}}}}";

        var response = await fixture.Factory.CreateClient().PostSentryEventAsync(
            project.Id, project.IngestKey, eventId, payload);
        var stored = await StoredTextAsync("error_events", project);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("WebSocket closed", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, stored, StringComparison.Ordinal);
        Assert.DoesNotContain("192.0.2.77", stored, StringComparison.Ordinal);
    }

    /// <summary>Every column of the project's rows as one text, to search for what must not be there.</summary>
    private async Task<string> StoredTextAsync(string table, TestProject project)
    {
        await using var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            $"SELECT coalesce(string_agg(row_to_json(t)::text, ' '), '') FROM {table} t WHERE project_id = $1",
            connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = project.Id });
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
