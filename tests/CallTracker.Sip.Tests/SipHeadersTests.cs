namespace CallTracker.Sip.Tests;

public class SipHeadersTests
{
    [Fact]
    public void GetFirst_CompactName_IsFoundByItsLongName()
    {
        var headers = new SipHeaders([new SipHeader("i", "1-20741@127.0.0.1")]);

        var callId = headers.GetFirst("Call-ID");

        Assert.Equal("1-20741@127.0.0.1", callId);
    }

    [Fact]
    public void GetFirst_LongName_IsFoundByItsCompactName()
    {
        var headers = new SipHeaders([new SipHeader("Call-ID", "1-20741@127.0.0.1")]);

        var callId = headers.GetFirst("i");

        Assert.Equal("1-20741@127.0.0.1", callId);
    }

    [Theory]
    [InlineData("reason")]
    [InlineData("REASON")]
    [InlineData("rEaSoN")]
    public void GetFirst_NameInAnyCase_FindsTheHeader(string name)
    {
        var headers = new SipHeaders([new SipHeader("Reason", "Q.850;cause=17")]);

        var reason = headers.GetFirst(name);

        Assert.Equal("Q.850;cause=17", reason);
    }

    [Fact]
    public void GetFirst_MissingHeader_GivesNull()
    {
        var headers = new SipHeaders([new SipHeader("Server", "CarrierGW/4.2")]);

        var reason = headers.GetFirst("Reason");

        Assert.Null(reason);
    }

    [Fact]
    public void GetAll_RepeatedHeaderInLongAndCompactForm_GivesEveryValueInArrivalOrder()
    {
        var headers = new SipHeaders(
        [
            new SipHeader("Via", "SIP/2.0/UDP proxy-1.example;branch=z9hG4bK-1"),
            new SipHeader("From", "<sip:agent-007@127.0.0.1>;tag=1"),
            new SipHeader("v", "SIP/2.0/UDP proxy-2.example;branch=z9hG4bK-2"),
            new SipHeader("VIA", "SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK-3"),
        ]);

        var vias = headers.GetAll("Via").ToList();

        Assert.Equal(
        [
            "SIP/2.0/UDP proxy-1.example;branch=z9hG4bK-1",
            "SIP/2.0/UDP proxy-2.example;branch=z9hG4bK-2",
            "SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK-3",
        ], vias);
    }

    [Fact]
    public void GetAll_MissingHeader_GivesNothing()
    {
        var headers = SipHeaders.Empty;

        var reasons = headers.GetAll("Reason");

        Assert.Empty(reasons);
    }

    [Fact]
    public void Enumeration_HeadersAsGiven_KeepsOrderAndSpelling()
    {
        SipHeader[] given = [new("i", "1@host"), new("CSeq", "1 INVITE"), new("content-length", "0")];

        var headers = new SipHeaders(given);

        Assert.Equal(3, headers.Count);
        Assert.Equal(given, headers);
        Assert.Equal("content-length", headers[2].Name);
    }

    [Fact]
    public void Constructor_SourceListChangedAfterwards_KeepsItsOwnCopy()
    {
        var source = new List<SipHeader> { new("Reason", "SIP;cause=480") };
        var headers = new SipHeaders(source);

        source.Add(new SipHeader("Reason", "Q.850;cause=19"));

        Assert.Single(headers);
    }

    [Theory]
    [InlineData("i", "Call-ID")]
    [InlineData("I", "Call-ID")]
    [InlineData("f", "From")]
    [InlineData("t", "To")]
    [InlineData("v", "Via")]
    [InlineData("m", "Contact")]
    [InlineData("l", "Content-Length")]
    [InlineData("c", "Content-Type")]
    [InlineData("k", "Supported")]
    [InlineData("x", "Session-Expires")]
    [InlineData("Reason", "Reason")]
    [InlineData("X-Custom", "X-Custom")]
    public void LongName_Name_GivesLongFormOrNameItself(string name, string expected)
    {
        var longName = SipHeaders.LongName(name);

        Assert.Equal(expected, longName);
    }

    [Theory]
    [InlineData("i", "Call-ID")]
    [InlineData("m", "Contact")]
    [InlineData("e", "Content-Encoding")]
    [InlineData("l", "Content-Length")]
    [InlineData("c", "Content-Type")]
    [InlineData("f", "From")]
    [InlineData("s", "Subject")]
    [InlineData("k", "Supported")]
    [InlineData("t", "To")]
    [InlineData("v", "Via")]
    [InlineData("o", "Event")]
    [InlineData("r", "Refer-To")]
    [InlineData("b", "Referred-By")]
    [InlineData("u", "Allow-Events")]
    [InlineData("x", "Session-Expires")]
    [InlineData("y", "Identity")]
    [InlineData("a", "Accept-Contact")]
    [InlineData("j", "Reject-Contact")]
    [InlineData("d", "Request-Disposition")]
    [InlineData("n", "Identity-Info")]
    public void LongName_EveryRegisteredCompactForm_GivesItsLongName(string compact, string longName)
    {
        var name = SipHeaders.LongName(compact.ToUpperInvariant());

        Assert.Equal(longName, name);
    }
}
