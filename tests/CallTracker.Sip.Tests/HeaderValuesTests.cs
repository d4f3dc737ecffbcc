namespace CallTracker.Sip.Tests;

public class HeaderValuesTests
{
    [Fact]
    public void Split_CommasOutsideQuotesAndAngleBrackets_SeparateValues()
    {
        var values = HeaderValues.Split("Contact", "\"Doe, John\" <sip:a@b;x=1,2>;q=0.5, <sip:c@d>");

        Assert.Equal(["\"Doe, John\" <sip:a@b;x=1,2>;q=0.5", "<sip:c@d>"], values);
    }

    [Theory]
    [InlineData("WWW-Authenticate")]
    [InlineData("www-authenticate")]
    [InlineData("Authorization")]
    [InlineData("Proxy-Authenticate")]
    [InlineData("Proxy-Authorization")]
    public void Split_ChallengesAndCredentials_AreNeverSplit(string name)
    {
        const string Challenge = "Digest realm=\"carrier\", nonce=\"abc\", algorithm=MD5, qop=\"auth,auth-int\"";

        var values = HeaderValues.Split(name, Challenge);

        Assert.Equal([Challenge], values);
    }

    [Fact]
    public void Split_ACompactName_FollowsItsLongNamesRule()
    {
        var values = HeaderValues.Split("m", "<sip:a@b>, <sip:c@d>");

        Assert.Equal(2, values.Count);
    }

    [Fact]
    public void Split_TheCapturedChallenge_StaysOneValue()
    {
        Assert.True(SipResponseParser.TryParse(SharedData.SipResponse("10-403.sip"), out var response, out _));
        var challenge = response!.Headers.GetFirst("WWW-Authenticate")!;

        var values = HeaderValues.Split("WWW-Authenticate", challenge);

        Assert.Contains("nonce=", Assert.Single(values), StringComparison.Ordinal);
    }
}
