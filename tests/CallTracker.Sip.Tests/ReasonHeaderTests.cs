namespace CallTracker.Sip.Tests;

public class ReasonHeaderTests
{
    [Fact]
    public void ParseAll_ProtocolCauseAndQuotedText_GivesOneValue()
    {
        string[] headers = ["Q.850;cause=17;text=\"User busy\""];

        var values = ReasonHeader.ParseAll(headers);

        var value = Assert.Single(values);
        Assert.Equal(new ReasonValue("Q.850", 17, "User busy"), value);
        Assert.True(value.IsQ850);
    }

    [Fact]
    public void ParseAll_SeveralValuesInOneHeader_GivesEachValueInOrder()
    {
        string[] headers = ["SIP;cause=600;text=\"Busy Everywhere\", Q.850;cause=17, SIP ; cause = 480"];

        var values = ReasonHeader.ParseAll(headers);

        Assert.Equal(
        [
            new ReasonValue("SIP", 600, "Busy Everywhere"),
            new ReasonValue("Q.850", 17, null),
            new ReasonValue("SIP", 480, null),
        ], values);
    }

    [Fact]
    public void ParseAll_QuotedTextWithCommasSemicolonsAndEscapedQuotes_KeepsTextWhole()
    {
        string[] headers = ["Q.850;cause=16;text=\"Normal, \\\"clearing\\\"; cause=99, SIP;cause=1\", SIP;cause=200"];

        var values = ReasonHeader.ParseAll(headers);

        Assert.Equal(
        [
            new ReasonValue("Q.850", 16, "Normal, \"clearing\"; cause=99, SIP;cause=1"),
            new ReasonValue("SIP", 200, null),
        ], values);
    }

    [Fact]
    public void ParseAll_LoneEscapedQuoteInText_DoesNotCloseTheText()
    {
        string[] headers = ["Q.850;cause=16;text=\"a 5\\\" gap, then; more\", SIP;cause=200"];

        var values = ReasonHeader.ParseAll(headers);

        Assert.Equal(
            [new ReasonValue("Q.850", 16, "a 5\" gap, then; more"), new ReasonValue("SIP", 200, null)],
            values);
    }

    [Fact]
    public void ParseAll_EscapedBackslashBeforeClosingQuote_EndsTheText()
    {
        string[] headers = ["Q.850;cause=31;text=\"path C:\\\\\", SIP;cause=503"];

        var values = ReasonHeader.ParseAll(headers);

        Assert.Equal([new ReasonValue("Q.850", 31, "path C:\\"), new ReasonValue("SIP", 503, null)], values);
    }

    [Theory]
    [InlineData("SIP;text=\"Call completed elsewhere\"", "Call completed elsewhere")]
    [InlineData("Q.850", null)]
    [InlineData("Q.850;cause=", null)]
    [InlineData("Q.850;cause=busy", null)]
    [InlineData("Q.850;cause", null)]
    public void ParseAll_MissingOrNonNumericCause_GivesNullCause(string header, string? expectedText)
    {
        string[] headers = [header];

        var values = ReasonHeader.ParseAll(headers);

        var value = Assert.Single(values);
        Assert.Null(value.Cause);
        Assert.Equal(expectedText, value.Text);
    }

    [Theory]
    [InlineData("X-Carrier;cause=7;text=\"Route blocked\"", "X-Carrier")]
    [InlineData("preemption;cause=1", "preemption")]
    [InlineData("q.850;cause=17", "q.850")]
    public void ParseAll_ProtocolSpelling_IsKeptAsSent(string header, string expectedProtocol)
    {
        string[] headers = [header];

        var values = ReasonHeader.ParseAll(headers);

        var value = Assert.Single(values);
        Assert.Equal(expectedProtocol, value.Protocol);
    }

    [Theory]
    [InlineData("Q.850", true)]
    [InlineData("q.850", true)]
    [InlineData("SIP", false)]
    [InlineData("Q.8500", false)]
    [InlineData("X-Carrier", false)]
    public void IsQ850_Protocol_IsTrueOnlyForQ850InAnyCase(string protocol, bool expected)
    {
        var value = new ReasonValue(protocol, 17, null);

        var isQ850 = value.IsQ850;

        Assert.Equal(expected, isQ850);
    }

    [Fact]
    public void ParseAll_SeveralHeaders_GivesValuesOfEveryHeaderInOrder()
    {
        string[] headers = ["Q.850;cause=19;text=\"No answer\"", "SIP;cause=480, X-Carrier;cause=3", "SIP;cause=487"];

        var values = ReasonHeader.ParseAll(headers);

        Assert.Equal(
        [
            new ReasonValue("Q.850", 19, "No answer"),
            new ReasonValue("SIP", 480, null),
            new ReasonValue("X-Carrier", 3, null),
            new ReasonValue("SIP", 487, null),
        ], values);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(";cause=17")]
    [InlineData(",")]
    public void ParseAll_ValueWithoutProtocol_IsSkipped(string header)
    {
        string[] headers = [header, "SIP;cause=480"];

        var values = ReasonHeader.ParseAll(headers);

        Assert.Equal([new ReasonValue("SIP", 480, null)], values);
    }

    [Fact]
    public void ParseAll_NoHeaders_GivesEmptyList()
    {
        var headers = Array.Empty<string>();

        var values = ReasonHeader.ParseAll(headers);

        Assert.Empty(values);
    }

    [Fact]
    public void ParseAll_UnknownParameters_AreIgnored()
    {
        string[] headers = ["Q.850;location=LN;cause=17;x-gw=\"a;b\";text=\"User busy\""];

        var values = ReasonHeader.ParseAll(headers);

        Assert.Equal([new ReasonValue("Q.850", 17, "User busy")], values);
    }
}
