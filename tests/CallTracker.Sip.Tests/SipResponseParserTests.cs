namespace CallTracker.Sip.Tests;

public class SipResponseParserTests
{
    private static readonly string[] BusyHereHead =
    [
        "SIP/2.0 486 Busy Here",
        "Via: SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK-1",
        "From: \"Agent 007\" <sip:agent-007@127.0.0.1:5071>;tag=1",
        "To: <sip:0900000001@127.0.0.1:5070>;tag=2",
        "Call-ID: 1-1@127.0.0.1",
        "CSeq: 1 INVITE",
        "Reason: Q.850;cause=17;text=\"User busy\"",
        "Content-Length: 0",
    ];

    public static TheoryData<string, int, string, string, string> IndexRows()
    {
        var rows = new TheoryData<string, int, string, string, string>();
        foreach (var row in SharedData.Index())
        {
            rows.Add(row.File, row.Code, row.Class, row.ReasonProtocol, row.ReasonCause);
        }

        return rows;
    }

    public static TheoryData<string> CapturedFiles() => [.. SharedData.SipResponseFiles()];

    // --- The captured responses in shared/data/sip-responses, checked against INDEX.tsv.

    [Theory]
    [MemberData(nameof(IndexRows))]
    public void TryParse_CapturedResponse_MatchesItsIndexRow(
        string file, int code, string responseClass, string reasonProtocol, string reasonCause)
    {
        var text = SharedData.SipResponse(file);

        var parsed = SipResponseParser.TryParse(text, out var response, out var error);

        Assert.Contains("\r\n", text, StringComparison.Ordinal);
        Assert.True(parsed, error?.Message);
        Assert.NotNull(response);
        Assert.Equal(code, response.Code);
        Assert.Equal(responseClass, response.Class);
        Assert.Equal(text, response.Head);
        Assert.Equal(0, response.BodyLength);
        var reasons = ReasonHeader.ParseAll(response.Headers.GetAll("Reason"));
        if (reasonProtocol.Length == 0)
        {
            Assert.Empty(response.Headers.GetAll("Reason"));
            Assert.Empty(reasons);
        }
        else
        {
            Assert.NotEmpty(reasons);
            Assert.Equal(reasonProtocol, reasons[0].Protocol);
            Assert.Equal(int.Parse(reasonCause), reasons[0].Cause);
        }
    }

    [Fact]
    public void Index_CapturedFolder_ListsEverySipFileOnce()
    {
        var files = SharedData.SipResponseFiles().ToList();

        var indexed = SharedData.Index().Select(row => row.File).ToList();

        Assert.NotEmpty(files);
        Assert.Equal(files, indexed.Order());
        Assert.Equal(indexed.Count, indexed.Distinct().Count());
    }

    [Fact]
    public void TryParse_AllCapturedResponses_GiveTheClassTotalsOfTheDataReadme()
    {
        var texts = SharedData.SipResponseFiles().Select(SharedData.SipResponse).ToList();

        var classes = texts.Select(text => Parse(text).Class).CountBy(responseClass => responseClass);

        Assert.Equal(
            new Dictionary<string, int> { ["3xx"] = 1, ["4xx"] = 10, ["5xx"] = 2, ["6xx"] = 3 },
            classes.ToDictionary());
    }

    [Fact]
    public void TryParse_Captured403_CarriesWwwAuthenticateWithANonce()
    {
        var text = SharedData.SipResponse("10-403.sip");

        var response = Parse(text);

        var challenge = response.Headers.GetFirst("WWW-Authenticate");
        Assert.NotNull(challenge);
        Assert.StartsWith("Digest ", challenge, StringComparison.Ordinal);
        Assert.Contains("nonce=\"abc123\"", challenge, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Captured503_CarriesRetryAfter()
    {
        var text = SharedData.SipResponse("08-503.sip");

        var response = Parse(text);

        Assert.Equal(503, response.Code);
        Assert.Equal("30", response.Headers.GetFirst("Retry-After"));
    }

    [Fact]
    public void TryParse_Captured480WithTwoReasons_KeepsQ850FirstThenSip()
    {
        var text = SharedData.SipResponse("16-480.sip");

        var response = Parse(text);

        var reasons = ReasonHeader.ParseAll(response.Headers.GetAll("Reason"));
        Assert.Equal(2, response.Headers.GetAll("Reason").Count());
        Assert.Equal(
        [
            ("Q.850", (int?)19, (string?)"No answer from user (user alerted)"),
            ("SIP", 480, null),
        ], reasons.Select(reason => (reason.Protocol, reason.Cause, reason.Text)));
    }

    [Fact]
    public void TryParse_Captured487_CarriesSipReasonRatherThanQ850()
    {
        var text = SharedData.SipResponse("06-487.sip");

        var response = Parse(text);

        var reason = Assert.Single(ReasonHeader.ParseAll(response.Headers.GetAll("Reason")));
        Assert.Equal("SIP", reason.Protocol);
        Assert.Equal(487, reason.Cause);
        Assert.False(reason.IsQ850);
        Assert.Equal("Call completed elsewhere", reason.Text);
    }

    [Theory]
    [InlineData("07-408.sip", "399 carrier.example \"No final response from next hop\"")]
    [InlineData("09-488.sip", "305 carrier.example \"Incompatible media format\"")]
    public void TryParse_CapturedResponseWithWarning_CarriesWarningAndNoReason(string file, string warning)
    {
        var text = SharedData.SipResponse(file);

        var response = Parse(text);

        Assert.Equal(warning, response.Headers.GetFirst("Warning"));
        Assert.Null(response.Headers.GetFirst("Reason"));
    }

    [Theory]
    [MemberData(nameof(CapturedFiles))]
    public void TryParse_CapturedResponseWithLfOnly_ParsesLikeCrlf(string file)
    {
        var crlf = SharedData.SipResponse(file);
        var lf = crlf.Replace("\r\n", "\n", StringComparison.Ordinal);

        var fromCrlf = Parse(crlf);
        var fromLf = Parse(lf);

        Assert.DoesNotContain("\r", lf, StringComparison.Ordinal);
        Assert.Equal(fromCrlf.Code, fromLf.Code);
        Assert.Equal(fromCrlf.ReasonPhrase, fromLf.ReasonPhrase);
        Assert.Equal(fromCrlf.Headers, fromLf.Headers);
        Assert.Equal(fromCrlf.BodyLength, fromLf.BodyLength);
        Assert.Equal(lf, fromLf.Head);
    }

    // --- Tolerance: what real stacks send that a strict grammar would refuse.

    [Fact]
    public void TryParse_LfOnlyLineEndings_GivesTheSameResponseAsCrlf()
    {
        var crlf = Crlf(BusyHereHead) + "\r\n\r\n";
        var lf = string.Join('\n', BusyHereHead) + "\n\n";

        var fromCrlf = Parse(crlf);
        var fromLf = Parse(lf);

        Assert.Equal(486, fromLf.Code);
        Assert.Equal("Busy Here", fromLf.ReasonPhrase);
        Assert.Equal(7, fromLf.Headers.Count);
        Assert.Equal(fromCrlf.Headers, fromLf.Headers);
        Assert.Equal(fromCrlf.Code, fromLf.Code);
        Assert.Equal(fromCrlf.ReasonPhrase, fromLf.ReasonPhrase);
        Assert.Equal(0, fromLf.BodyLength);
    }

    [Theory]
    [InlineData("SIP/2.0 480")]
    [InlineData("SIP/2.0 480 ")]
    public void TryParse_EmptyReasonPhrase_GivesEmptyPhrase(string statusLine)
    {
        var text = Crlf(statusLine, "Call-ID: 1@host", "Content-Length: 0", "", "");

        var response = Parse(text);

        Assert.Equal(480, response.Code);
        Assert.Equal("", response.ReasonPhrase);
        Assert.Equal("1@host", response.Headers.GetFirst("Call-ID"));
    }

    [Fact]
    public void TryParse_StatusLineWithoutHeaders_Parses()
    {
        var text = "SIP/2.0 480";

        var response = Parse(text);

        Assert.Equal(480, response.Code);
        Assert.Empty(response.Headers);
        Assert.Equal("SIP/2.0 480", response.Head);
    }

    [Theory]
    [InlineData("Temporarily Unavailable [call Processing Released]")]
    [InlineData("Busy Here (cause=17); try again, later")]
    [InlineData("Not Found: SIP/2.0 404  twice  spaced")]
    [InlineData("Décliné ☎")]
    public void TryParse_PhraseWithAnyText_KeepsPhraseVerbatim(string phrase)
    {
        var text = Crlf($"SIP/2.0 480 {phrase}", "Content-Length: 0", "", "");

        var response = Parse(text);

        Assert.Equal(480, response.Code);
        Assert.Equal(phrase, response.ReasonPhrase);
    }

    /// <summary>
    /// Found by the bad-input suite: a value copied whole at every fold made half a megabyte of folded lines
    /// take longer than any client waits (the time grew with the square of the length).
    /// </summary>
    [Fact]
    public void TryParse_AHeaderFoldedOverHalfAMegabyteOfLines_TakesLinearTime()
    {
        var text = "SIP/2.0 486 Busy Here\r\nX-Long: a" + string.Concat(Enumerable.Repeat("\r\n a", 125_000));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var response = Parse(text);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(250_001, response.Headers.GetFirst("X-Long")!.Length);
    }

    [Fact]
    public void TryParse_FoldedHeaderLines_AreUnfoldedIntoOneValue()
    {
        var text = Crlf(
            "SIP/2.0 603 Decline",
            "Subject: I know you're there,",
            "   pick up the phone",
            "\tand talk to me!",
            "Reason: Q.850;cause=21;",
            " text=\"Call rejected\"",
            "Content-Length: 0",
            "",
            "");

        var response = Parse(text);

        Assert.Equal(3, response.Headers.Count);
        Assert.Equal("I know you're there, pick up the phone and talk to me!", response.Headers.GetFirst("Subject"));
        Assert.Equal("Q.850;cause=21; text=\"Call rejected\"", response.Headers.GetFirst("Reason"));
        Assert.Equal(
            [("Q.850", (int?)21, (string?)"Call rejected")],
            ReasonHeader.ParseAll(response.Headers.GetAll("Reason"))
                .Select(reason => (reason.Protocol, reason.Cause, reason.Text)));
    }

    [Fact]
    public void TryParse_CompactHeaderNames_AreFoundByTheirLongNames()
    {
        var text = Crlf(
            "SIP/2.0 486 Busy Here",
            "v: SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK-1",
            "f: <sip:agent-007@127.0.0.1>;tag=1",
            "t: <sip:0900000001@127.0.0.1>;tag=2",
            "i: 1-20741@127.0.0.1",
            "l: 0",
            "",
            "");

        var response = Parse(text);

        Assert.Equal("1-20741@127.0.0.1", response.Headers.GetFirst("Call-ID"));
        Assert.Equal("<sip:agent-007@127.0.0.1>;tag=1", response.Headers.GetFirst("From"));
        Assert.Equal("0", response.Headers.GetFirst("Content-Length"));
        Assert.Equal("i", response.Headers[3].Name);
    }

    [Fact]
    public void TryParse_RepeatedHeaders_AreKeptInArrivalOrder()
    {
        var text = Crlf(
            "SIP/2.0 480 Temporarily Unavailable",
            "Via: SIP/2.0/UDP proxy.example;branch=z9hG4bK-2",
            "Reason: Q.850;cause=19",
            "Via: SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK-1",
            "Reason: SIP;cause=480",
            "",
            "");

        var response = Parse(text);

        Assert.Equal(
            ["SIP/2.0/UDP proxy.example;branch=z9hG4bK-2", "SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK-1"],
            response.Headers.GetAll("Via"));
        Assert.Equal(["Q.850;cause=19", "SIP;cause=480"], response.Headers.GetAll("Reason"));
        Assert.Equal(["Via", "Reason", "Via", "Reason"], response.Headers.Select(header => header.Name));
    }

    [Fact]
    public void TryParse_HeaderNamesInAnyCase_AreFoundCaseInsensitively()
    {
        var text = Crlf(
            "SIP/2.0 486 Busy Here", "reason: Q.850;cause=17", "CALL-ID: 1@host", "retry-AFTER: 30", "", "");

        var response = Parse(text);

        Assert.Equal("Q.850;cause=17", response.Headers.GetFirst("Reason"));
        Assert.Equal("1@host", response.Headers.GetFirst("Call-ID"));
        Assert.Equal("30", response.Headers.GetFirst("Retry-After"));
        Assert.Equal("reason", response.Headers[0].Name);
    }

    [Fact]
    public void TryParse_SpacingAroundHeaderColon_IsTrimmedFromNameAndValue()
    {
        var text = Crlf("SIP/2.0 486 Busy Here", "Server:CarrierGW/4.2", "Retry-After :   30  ", "Subject:", "", "");

        var response = Parse(text);

        Assert.Equal(
            [
                new SipHeader("Server", "CarrierGW/4.2"),
                new SipHeader("Retry-After", "30"),
                new SipHeader("Subject", ""),
            ],
            response.Headers);
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\r\n\r\n\r\n")]
    [InlineData("\n\n")]
    public void TryParse_LeadingBlankLines_AreSkipped(string keepAlives)
    {
        var head = Crlf(BusyHereHead) + "\r\n\r\n";

        var response = Parse(keepAlives + head);

        Assert.Equal(486, response.Code);
        Assert.Equal("Busy Here", response.ReasonPhrase);
        Assert.Equal(7, response.Headers.Count);
        Assert.Equal(head, response.Head);
    }

    [Fact]
    public void TryParse_MessageWithBody_ExcludesBodyFromHeadAndCountsIt()
    {
        var body = Crlf("v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "", "c=IN IP4 127.0.0.1", "t=0 0", "");
        var head = Crlf([.. BusyHereHead[..^1], "Content-Type: application/sdp", $"Content-Length: {body.Length}"])
            + "\r\n\r\n";

        var response = Parse(head + body);

        Assert.Equal(head, response.Head);
        Assert.Equal(body.Length, response.BodyLength);
        Assert.DoesNotContain("v=0", response.Head, StringComparison.Ordinal);
        Assert.DoesNotContain(response.Headers, header => header.Value.Contains("IN IP4", StringComparison.Ordinal));
        Assert.Equal("application/sdp", response.Headers.GetFirst("Content-Type"));
    }

    [Fact]
    public void TryParse_HeadWithoutFinalBlankLine_ParsesWithNoBody()
    {
        var text = Crlf(BusyHereHead);

        var response = Parse(text);

        Assert.Equal(7, response.Headers.Count);
        Assert.Equal(text, response.Head);
        Assert.Equal(0, response.BodyLength);
    }

    // --- Rejections: a clear error, never an exception.

    [Theory]
    [InlineData("INVITE sip:0900000001@127.0.0.1:5070 SIP/2.0\r\nCSeq: 1 INVITE\r\n\r\n", "request, not a response")]
    [InlineData("SIP/2.0 4\r\nContent-Length: 0\r\n\r\n", "three-digit status code")]
    [InlineData("SIP/2.0 4860 Busy Here\r\n\r\n", "three-digit status code")]
    [InlineData("SIP/2.0 48x Busy Here\r\n\r\n", "three-digit status code")]
    [InlineData("SIP/2.0\r\n\r\n", "three-digit status code")]
    [InlineData("SIP/2.0 183 Session Progress\r\nContent-Length: 0\r\n\r\n", "183 is not a final response")]
    [InlineData("SIP/2.0 100 Trying\r\n\r\n", "100 is not a final response")]
    [InlineData("SIP/2.0 700 X\r\n\r\n", "700 is not a final response")]
    [InlineData("", "empty")]
    [InlineData("\r\n\r\n", "empty")]
    [InlineData("HTTP/1.1 486 Busy Here\r\n\r\n", "not a status line")]
    public void TryParse_NotAFinalResponse_FailsWithClearError(string text, string expectedMessagePart)
    {
        var parsed = SipResponseParser.TryParse(text, out var response, out var error);

        Assert.False(parsed);
        Assert.Null(response);
        Assert.NotNull(error);
        Assert.Contains(expectedMessagePart, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP host\r\nthis is no header\r\n\r\n", "this is no header")]
    [InlineData("SIP/2.0 486 Busy Here\r\nBad Name: value\r\n\r\n", "Bad Name: value")]
    [InlineData("SIP/2.0 486 Busy Here\r\n: value\r\n\r\n", ": value")]
    [InlineData("SIP/2.0 486 Busy Here\r\n continued\r\n\r\n", " continued")]
    public void TryParse_ALineThatIsNotAHeader_IsSkippedAndReported(string text, string ignoredLine)
    {
        var parsed = SipResponseParser.TryParse(text, out var response, out _);

        Assert.True(parsed);
        Assert.Equal(486, response!.Code);
        Assert.Equal([ignoredLine], response.IgnoredLines);
    }

    [Fact]
    public void TryParse_ALongIgnoredLine_IsReportedCutTo80Characters()
    {
        var garbage = new string('x', 200);

        var parsed = SipResponseParser.TryParse($"SIP/2.0 486 Busy Here\r\n{garbage}\r\n\r\n", out var response, out _);

        Assert.True(parsed);
        Assert.Equal(new string('x', 80) + "...", Assert.Single(response!.IgnoredLines));
    }

    [Fact]
    public void TryParse_ValidResponse_GivesNoError()
    {
        var text = Crlf(BusyHereHead) + "\r\n\r\n";

        var parsed = SipResponseParser.TryParse(text, out var response, out var error);

        Assert.True(parsed);
        Assert.NotNull(response);
        Assert.Null(error);
        Assert.Equal(ResponseClass.ClientFailure, response.Class);
    }

    private static string Crlf(params string[] lines) => string.Join("\r\n", lines);

    private static SipResponse Parse(string text)
    {
        var parsed = SipResponseParser.TryParse(text, out var response, out var error);

        Assert.True(parsed, error?.Message);
        Assert.NotNull(response);
        return response;
    }
}
