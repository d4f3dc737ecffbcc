using System.Text.Json.Nodes;

namespace CallTracker.Sip.Tests;

public sealed class CredentialsTests
{
    private const string InviteWithSdp =
        "INVITE sip:0901234501@carrier.example SIP/2.0\r\n" +
        "Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK776asdhds\r\n" +
        "From: <sip:agent-007@crm.example>;tag=1928301774\r\n" +
        "Authorization: Digest username=\"agent-007\", realm=\"crm.example\", nonce=\"84a4cc6f\",\r\n" +
        " uri=\"sip:0901234501@carrier.example\", response=\"7587245234b3434cc3412213e5f113a5\"\r\n" +
        "Content-Type: application/sdp\r\n" +
        "\r\n" +
        "v=0\r\no=- 2890844526 2890844526 IN IP4 192.0.2.10\r\nc=IN IP4 192.0.2.10\r\n" +
        "m=audio 49170 RTP/AVP 0\r\n" +
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n";

    [Theory]
    [InlineData("<sip:alice:s3cret@pbx.example.com>", "<sip:alice@pbx.example.com>")]
    [InlineData("sips:alice:s3cret@pbx.example.com:5061", "sips:alice@pbx.example.com:5061")]
    [InlineData("<sip:bob@host;password=s3cret;transport=tcp>", "<sip:bob@host;password=[removed];transport=tcp>")]
    [InlineData("wss://edge.example/ws?token=s3cret&v=1", "wss://edge.example/ws?token=[removed]&v=1")]
    [InlineData("wss://agent:s3cret@edge.example/ws", "wss://agent@edge.example/ws")]
    [InlineData("<sip:0901234501@carrier.example;user=phone>", "<sip:0901234501@carrier.example;user=phone>")]
    [InlineData("sip:carrier.example:5060", "sip:carrier.example:5060")]
    [InlineData("login failed: password=abc for agent 7", "login failed: password=[removed] for agent 7")]
    [InlineData("oauth=1 session_token=x", "oauth=1 session_token=x")]
    public void Scrub_TakesPasswordsOutOfUrisAndParameters_AndLeavesTheRest(string text, string expected) =>
        Assert.Equal(expected, Credentials.Scrub(text));

    /// <summary>
    /// Found by the bad-input suite: half a megabyte of "sip:a:" in a header took the URI password pattern
    /// over two minutes, since every "sip:" scanned to the end of the text for an '@'.
    /// </summary>
    [Fact]
    public void Scrub_OfHalfAMegabyteOfUriStarts_TakesLinearTime_AndStillFindsALongPassword()
    {
        var starts = string.Concat(Enumerable.Repeat("sip:a:", 90_000));
        var longPassword = $"sip:alice:{new string('p', 256)}@pbx.example.com";
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var scrubbed = Credentials.Scrub(starts);

        Assert.Equal(starts, scrubbed);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal("sip:alice@pbx.example.com", Credentials.Scrub(longPassword));
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("proxy-authorization")]
    public void TheAuthorizationHeaders_AreCredentials(string name) =>
        Assert.True(Credentials.IsCredentialHeader(name));

    [Theory]
    [InlineData("X-Api-Key", "[removed]")]
    [InlineData("X-Auth-Token", "[removed]")]
    [InlineData("x-sip-password", "[removed]")]
    [InlineData("WWW-Authenticate", "Digest realm=\"pbx\", nonce=\"4b2f\"")]
    [InlineData("Server", "Digest realm=\"pbx\", nonce=\"4b2f\"")]
    public void AHeaderNamedLikeACredential_KeepsOnlyItsName(string name, string stored) =>
        Assert.Equal(stored, Credentials.ScrubHeaderValue(name, "Digest realm=\"pbx\", nonce=\"4b2f\""));

    [Fact]
    public void AWholeMessage_LosesItsCredentialHeaderLines_ButNotItsChallenge()
    {
        var message = "SIP/2.0 401 Unauthorized\r\nWWW-Authenticate: Digest nonce=\"4b2f\"\r\n" +
            "X-Api-Key: my-secret-api-key-1\r\nCSeq: 1 INVITE\r\n";

        var scrubbed = Credentials.ScrubMessage(message);

        Assert.Equal("SIP/2.0 401 Unauthorized\r\nWWW-Authenticate: Digest nonce=\"4b2f\"\r\nCSeq: 1 INVITE\r\n",
            scrubbed);
    }

    [Fact]
    public void AWholeMessage_LosesItsAuthorizationLinesAndItsSessionDescription()
    {
        var scrubbed = Credentials.ScrubMessage(InviteWithSdp);

        Assert.DoesNotContain("7587245234b3434cc3412213e5f113a5", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("uri=", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("inline:", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("192.0.2.10", scrubbed, StringComparison.Ordinal);
        Assert.StartsWith("INVITE sip:0901234501@carrier.example SIP/2.0\r\nVia:", scrubbed, StringComparison.Ordinal);
        Assert.Contains("From: <sip:agent-007@crm.example>", scrubbed, StringComparison.Ordinal);
    }

    [Fact]
    public void ABareSessionDescription_IsNotKeptAtAll()
    {
        var sdp = InviteWithSdp[(InviteWithSdp.IndexOf("v=0", StringComparison.Ordinal))..];

        Assert.Equal("[SDP removed]", Credentials.ScrubMessage(sdp));
    }

    [Fact]
    public void AnSdksEvent_LosesCredentialPropertiesAndCredentialsInsideItsStrings()
    {
        var json = new JsonObject
        {
            ["request"] = new JsonObject { ["headers"] = new JsonObject { ["Authorization"] = "Bearer s3cret" } },
            ["breadcrumbs"] = new JsonArray(new JsonObject { ["message"] = InviteWithSdp }),
            ["extra"] = new JsonObject
            {
                ["sipPassword"] = "s3cret",
                ["x-auth-token"] = "s3cret",
                ["agent"] = "agent-007",
            },
        };

        var text = Credentials.ScrubJson(json)!.ToJsonString();

        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("7587245234b3434cc3412213e5f113a5", text, StringComparison.Ordinal);
        Assert.DoesNotContain("inline:", text, StringComparison.Ordinal);
        Assert.Contains("INVITE sip:0901234501@carrier.example", text, StringComparison.Ordinal);
        Assert.Contains("agent-007", text, StringComparison.Ordinal);
    }
}
