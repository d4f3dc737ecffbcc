namespace CallTracker.Sip.Tests;

public class InformativeHeadersTests
{
    [Fact]
    public void RetryAfterSeconds_OfTheCaptured503_IsItsNumber()
    {
        Assert.True(SipResponseParser.TryParse(SharedData.SipResponse("08-503.sip"), out var response, out _));
        var expected = int.Parse(response!.Headers.GetFirst("Retry-After")!.Split([' ', ';', '('])[0],
            System.Globalization.CultureInfo.InvariantCulture);

        var seconds = InformativeHeaders.RetryAfterSeconds(response.Headers);

        Assert.Equal(expected, seconds);
    }

    [Theory]
    [InlineData("120", 120)]
    [InlineData("120 (maintenance)", 120)]
    [InlineData("18000;duration=3600", 18000)]
    [InlineData("30 (lunch) ;duration=10", 30)]
    [InlineData("soon", null)]
    [InlineData("-5", null)]
    public void RetryAfterSeconds_ReadsTheDeltaSeconds(string value, int? expected)
    {
        var headers = new SipHeaders([new SipHeader("Retry-After", value)]);

        var seconds = InformativeHeaders.RetryAfterSeconds(headers);

        Assert.Equal(expected, seconds);
    }

    [Theory]
    [InlineData("07-408.sip")]
    [InlineData("09-488.sip")]
    public void Warnings_OfTheCapturedResponses_HaveCodeAgentAndText(string file)
    {
        Assert.True(SipResponseParser.TryParse(SharedData.SipResponse(file), out var response, out _));

        var warnings = InformativeHeaders.Warnings(response!.Headers);

        var warning = Assert.Single(warnings);
        Assert.InRange(warning.Code!.Value, 300, 399);
        Assert.False(string.IsNullOrEmpty(warning.Agent));
        Assert.False(string.IsNullOrEmpty(warning.Text));
    }

    [Fact]
    public void Warnings_SeveralValuesAndGarbage_AreAllKept()
    {
        var headers = new SipHeaders(
        [
            new SipHeader("Warning", "305 gw1.example \"Incompatible media, try G.711\", 399 gw2 \"Other\""),
            new SipHeader("Warning", "not a warning"),
        ]);

        var warnings = InformativeHeaders.Warnings(headers);

        Assert.Equal(3, warnings.Count);
        Assert.Equal(new WarningValue(305, "gw1.example", "Incompatible media, try G.711"), warnings[0]);
        Assert.Equal(399, warnings[1].Code);
        Assert.Equal(new WarningValue(null, null, "not a warning"), warnings[2]);
    }
}
