namespace CallTracker.Sip.Tests;

public class ReasonHeaderTests
{
    private static (string Protocol, int? Cause, string? Text) R(string protocol, int? cause, string? text) =>
        (protocol, cause, text);

    private static List<(string Protocol, int? Cause, string? Text)> Shapes(IEnumerable<ReasonValue> values) =>
        values.Select(value => (value.Protocol, value.Cause, value.Text)).ToList();

    [Fact]
    public void ParseAll_ProtocolCauseAndQuotedText_GivesOneValue()
    {
        string[] headers = ["Q.850;cause=17;text=\"User busy\""];

        var values = ReasonHeader.ParseAll(headers);

        var value = Assert.Single(values);
        Assert.Equal(R("Q.850", 17, "User busy"), (value.Protocol, value.Cause, value.Text));
        Assert.True(value.IsQ850);
    }

    [Fact]
    public void ParseAll_SeveralValuesInOneHeader_GivesEachValueInOrder()
    {
        string[] headers = ["SIP;cause=600;text=\"Busy Everywhere\", Q.850;cause=17, SIP ; cause = 480"];

        var values = ReasonHeader.ParseAll(headers);

        Assert.Equal(
        [
            R("SIP", 600, "Busy Everywhere"),
            R("Q.850", 17, null),
            R("SIP", 480, null),
        ], Shapes(values));
    }

    [Fact]
    public void ParseAll_QuotedTextWithCommasSemicolonsAndEscapedQuotes_KeepsTextWhole()
    {
        string[] headers = ["Q.850;cause=16;text=\"Normal, \\\"clearing\\\"; cause=99, SIP;cause=1\", SIP;cause=200"];

        var values = ReasonHeader.ParseAll(headers);

        Assert.Equal(
        [
            R("Q.850", 16, "Normal, \"clearing\"; cause=99, SIP;cause=1"),
            R("SIP", 200, null),
        ], Shapes(values));
    }

    [Fact]
    public void ParseAll_LoneEscapedQuoteInText_DoesNotCloseTheText()
    {
        string[] headers = ["Q.850;cause=16;text=\"a 5\\\" gap, then; more\", SIP;cause=200"];

        var values = ReasonHeader.ParseAll(headers);

        Assert.Equal(
            [R("Q.850", 16, "a 5\" gap, then; more"), R("SIP", 200, null)],
            Shapes(values));
    }

    [Fact]
    public void ParseAll_EscapedBackslashBeforeClosingQuote_EndsTheText()
    {
        string[] headers = ["Q.850;cause=31;text=\"path C:\\\\\", SIP;cause=503"];

        var values = ReasonHeader.ParseAll(headers);

        Assert.Equal([R("Q.850", 31, "path C:\\"), R("SIP", 503, null)], Shapes(values));
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
        var value = ReasonHeader.Parse($"{protocol};cause=17");

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
            R("Q.850", 19, "No answer"),
            R("SIP", 480, null),
            R("X-Carrier", 3, null),
            R("SIP", 487, null),
        ], Shapes(values));
    }

    [Theory]
    [InlineData(";cause=17")]
    [InlineData("\"unterminated;cause=17")]
    [InlineData("Q.850;cause=17;text=\"open")]
    [InlineData("Q.850;cause=abc")]
    public void ParseAll_Garbage_IsKeptVerbatimAndMarkedUnparsed(string header)
    {
        string[] headers = [header, "SIP;cause=480"];

        var values = ReasonHeader.ParseAll(headers);

        Assert.Equal(2, values.Count);
        Assert.False(values[0].Parsed);
        Assert.Equal(header, values[0].Raw);
        Assert.False(values[0].IsQ850);
        Assert.True(values[1].Parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(",")]
    public void ParseAll_EmptyValues_AreSkipped(string header)
    {
        string[] headers = [header, "SIP;cause=480"];

        var values = ReasonHeader.ParseAll(headers);

        Assert.Equal([R("SIP", 480, null)], Shapes(values));
    }

    [Theory]
    [InlineData("STIR;cause=436;text=\"Bad Identity Info\"", "STIR", 436)]
    [InlineData("3GPP;cause=1;text=\"x\"", "3GPP", 1)]
    [InlineData("preemption;cause=1", "preemption", 1)]
    public void ParseAll_OtherProtocols_AreKeptAsTheyAre(string header, string protocol, int cause)
    {
        var value = Assert.Single(ReasonHeader.ParseAll([header]));

        Assert.True(value.Parsed);
        Assert.Equal(protocol, value.Protocol);
        Assert.Equal(cause, value.Cause);
    }

    [Fact]
    public void FirstQ850_SkipsSipValuesAndQ850WithoutACause()
    {
        var values = ReasonHeader.ParseAll(["SIP;cause=480", "Q.850", "Q.850;cause=19", "Q.850;cause=20"]);

        var first = ReasonHeader.FirstQ850(values);

        Assert.Equal(19, first?.Cause);
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

        Assert.Equal([R("Q.850", 17, "User busy")], Shapes(values));
    }
}
