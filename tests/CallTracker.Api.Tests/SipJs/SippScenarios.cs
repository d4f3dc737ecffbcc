using System.Text;

namespace CallTracker.Api.Tests.SipJs;

/// <summary>
/// The answering side's SIPp scenarios: one per shared response file (100, 180, then the file's final response
/// with every header it has), and the calls that end with no final response of the peer's own choosing.
/// </summary>
public static class SippScenarios
{
    /// <summary>The To tag of every response in a dialog; SIPp fills in its pid and the call's number.</summary>
    private const string ToTag = "[last_To:];tag=[pid]SIPpTag01[call_number]";

    /// <summary>
    /// The headers of a response that belong to the request it answers; SIPp copies them from the INVITE. The
    /// rest of the file (Server, Reason, Warning, Retry-After, WWW-Authenticate, the 302's Contact) is sent as is.
    /// </summary>
    private static readonly Dictionary<string, string> FromTheRequest = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Via"] = "[last_Via:]",
        ["From"] = "[last_From:]",
        ["To"] = ToTag,
        ["Call-ID"] = "[last_Call-ID:]",
        ["CSeq"] = "[last_CSeq:]",
        ["Content-Length"] = "Content-Length: 0",
    };

    /// <summary>
    /// The INVITE's Via lines (the proxy's and SIP.js's), kept for the 487 after a CANCEL: by then SIPp's
    /// [last_Via:] is the CANCEL's one Via, and a 487 without SIP.js's Via is dropped on the way back. POSIX
    /// regular expressions have no \r\n escape (nor does SIPp's XML reader read &amp;#10;), so consecutive Via lines
    /// are matched as text runs joined by control characters.
    /// </summary>
    private const string KeepInviteVias =
        """
        <action><ereg regexp="Via:([^[:cntrl:]]|[[:cntrl:]]+Via:)*" search_in="msg" check_it="true"
          assign_to="vias"/></action>
        """;

    /// <summary>The final response of a shared file after a 100 and a 180, then the proxy's ACK.</summary>
    public static string ForResponseFile(string name, string response)
    {
        var lines = response.Split('\n').Select(line => line.TrimEnd('\r')).TakeWhile(line => line.Length > 0).ToList();
        var final = new StringBuilder().AppendLine(lines[0]);
        foreach (var header in lines.Skip(1))
        {
            var headerName = header[..Math.Max(0, header.IndexOf(':'))].Trim();
            if (FromTheRequest.TryGetValue(headerName, out var replacement))
            {
                final.AppendLine(replacement);
            }
            else if (header.Contains('[') || header.Contains("]]>"))
            {
                // SIPp reads [...] as a keyword and has no escape for it.
                throw new InvalidDataException($"{name}: SIPp cannot send the header '{header}' as it is.");
            }
            else
            {
                final.AppendLine(header);
            }
        }

        return Scenario(name, [
            Recv("INVITE"),
            Send(Trying()),
            Send(Ringing()),

            // A ring long enough for the reporter to measure as more than nothing.
            """<pause milliseconds="300"/>""",
            Send(final.ToString()),
            Recv("ACK"),
        ]);
    }

    /// <summary>Rings until the call is cancelled (by the agent or the reporter's ring timeout).</summary>
    public static string Ring() =>
        Scenario("ring", [RecvInviteKeepingVias(), Send(Trying()), Send(Ringing()), .. Cancelled()]);

    /// <summary>Only a 100 Trying (never relayed: SIP.js sees the proxy's own), then waits for a CANCEL.</summary>
    public static string TryingOnly() =>
        Scenario("trying-only", [RecvInviteKeepingVias(), Send(Trying()), .. Cancelled()]);

    /// <summary>Answers with SDP; the driver's description handler refuses the answer, and SIP.js hangs up.</summary>
    public static string Answer() =>
        Scenario("answer", [
            Recv("INVITE"),
            Send(Trying()),
            Send(Ringing()),
            Send("""
                SIP/2.0 200 OK
                [last_Via:]
                [last_Record-Route:]
                [last_From:]
                {ToTag}
                [last_Call-ID:]
                [last_CSeq:]
                Contact: <sip:[local_ip]:[local_port];transport=[transport]>
                Content-Type: application/sdp
                Content-Length: [len]

                v=0
                o=- 2 2 IN IP4 127.0.0.1
                s=-
                c=IN IP4 127.0.0.1
                t=0 0
                m=audio 9 RTP/AVP 0

                """.Replace("{ToTag}", ToTag, StringComparison.Ordinal), retransmitMs: 500),
            Recv("ACK"),
            Recv("BYE"),
            Send(Response("200 OK", "[last_To:]")),
        ]);

    /// <summary>Takes the INVITE and never answers, for SIP.js's own Timer B.</summary>
    public static string Silent() =>
        Scenario("silent", [Recv("INVITE"), """<pause milliseconds="45000"/>"""]);

    private static IEnumerable<string> Cancelled() =>
    [
        Recv("CANCEL"),
        Send(Response("200 OK", ToTag)),
        Send("""
            SIP/2.0 487 Request Terminated
            [$vias]
            [last_From:]
            {ToTag}
            [last_Call-ID:]
            CSeq: [last_cseq_number] INVITE
            Content-Length: 0

            """.Replace("{ToTag}", ToTag, StringComparison.Ordinal)),
        Recv("ACK"),
    ];

    private static string Trying() => Response("100 Trying", "[last_To:]");

    /// <summary>The 180 carries the Record-Route, which SIP.js needs to route the ACK and BYE of an answer.</summary>
    private static string Ringing() => $"""
        SIP/2.0 180 Ringing
        [last_Via:]
        [last_Record-Route:]
        [last_From:]
        {ToTag}
        [last_Call-ID:]
        [last_CSeq:]
        Contact: <sip:[local_ip]:[local_port];transport=[transport]>
        Content-Length: 0

        """;

    private static string Response(string status, string to) => $"""
        SIP/2.0 {status}
        [last_Via:]
        [last_From:]
        {to}
        [last_Call-ID:]
        [last_CSeq:]
        Content-Length: 0

        """;

    private static string Recv(string method) => $"""<recv request="{method}"/>""";

    private static string RecvInviteKeepingVias() => $"""<recv request="INVITE">{KeepInviteVias}</recv>""";

    private static string Send(string message, int? retransmitMs = null)
    {
        var retransmit = retransmitMs is { } ms ? $" retrans=\"{ms}\"" : "";

        // SIPp ends each line of the template with CRLF itself, and needs an empty line to end the headers.
        var lines = message.Replace("\r", "", StringComparison.Ordinal).TrimEnd('\n');
        return $"<send{retransmit}><![CDATA[\n{lines}\n\n]]></send>";
    }

    private static string Scenario(string name, IEnumerable<string> steps) =>
        $"""
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="{name}">
        {string.Join("\n", steps)}
        </scenario>

        """;
}
