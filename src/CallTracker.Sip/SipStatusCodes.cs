using System.Collections.Frozen;

namespace CallTracker.Sip;

/// <summary>A response code as IANA's SIP parameters registry lists it.</summary>
/// <param name="Code">The three-digit code.</param>
/// <param name="Phrase">The standard reason phrase; a server may send any other text.</param>
/// <param name="Rfc">The RFC that defines the code.</param>
public sealed record SipStatusCode(int Code, string Phrase, string Rfc)
{
    public string Class => ResponseClass.Of(Code);
}

/// <summary>
/// The registered final response codes. A code missing here is still valid (its class comes from
/// its first digit): this table names codes, it does not decide which ones exist.
/// </summary>
public static class SipStatusCodes
{
    private static readonly FrozenDictionary<int, SipStatusCode> Registered = new SipStatusCode[]
    {
        new(200, "OK", "RFC 3261"),
        new(202, "Accepted", "RFC 6665"),
        new(204, "No Notification", "RFC 5839"),

        new(300, "Multiple Choices", "RFC 3261"),
        new(301, "Moved Permanently", "RFC 3261"),
        new(302, "Moved Temporarily", "RFC 3261"),
        new(305, "Use Proxy", "RFC 3261"),
        new(380, "Alternative Service", "RFC 3261"),

        new(400, "Bad Request", "RFC 3261"),
        new(401, "Unauthorized", "RFC 3261"),
        new(402, "Payment Required", "RFC 3261"),
        new(403, "Forbidden", "RFC 3261"),
        new(404, "Not Found", "RFC 3261"),
        new(405, "Method Not Allowed", "RFC 3261"),
        new(406, "Not Acceptable", "RFC 3261"),
        new(407, "Proxy Authentication Required", "RFC 3261"),
        new(408, "Request Timeout", "RFC 3261"),
        new(410, "Gone", "RFC 3261"),
        new(412, "Conditional Request Failed", "RFC 3903"),
        new(413, "Request Entity Too Large", "RFC 3261"),
        new(414, "Request-URI Too Long", "RFC 3261"),
        new(415, "Unsupported Media Type", "RFC 3261"),
        new(416, "Unsupported URI Scheme", "RFC 3261"),
        new(417, "Unknown Resource-Priority", "RFC 4412"),
        new(420, "Bad Extension", "RFC 3261"),
        new(421, "Extension Required", "RFC 3261"),
        new(422, "Session Interval Too Small", "RFC 4028"),
        new(423, "Interval Too Brief", "RFC 3261"),
        new(424, "Bad Location Information", "RFC 6442"),
        new(425, "Bad Alert Message", "RFC 8876"),
        new(428, "Use Identity Header", "RFC 8224"),
        new(429, "Provide Referrer Identity", "RFC 3892"),
        new(430, "Flow Failed", "RFC 5626"),
        new(433, "Anonymity Disallowed", "RFC 5079"),
        new(436, "Bad Identity Info", "RFC 8224"),
        new(437, "Unsupported Credential", "RFC 8224"),
        new(438, "Invalid Identity Header", "RFC 8224"),
        new(439, "First Hop Lacks Outbound Support", "RFC 5626"),
        new(440, "Max-Breadth Exceeded", "RFC 5393"),
        new(469, "Bad Info Package", "RFC 6086"),
        new(470, "Consent Needed", "RFC 5360"),
        new(480, "Temporarily Unavailable", "RFC 3261"),
        new(481, "Call/Transaction Does Not Exist", "RFC 3261"),
        new(482, "Loop Detected", "RFC 3261"),
        new(483, "Too Many Hops", "RFC 3261"),
        new(484, "Address Incomplete", "RFC 3261"),
        new(485, "Ambiguous", "RFC 3261"),
        new(486, "Busy Here", "RFC 3261"),
        new(487, "Request Terminated", "RFC 3261"),
        new(488, "Not Acceptable Here", "RFC 3261"),
        new(489, "Bad Event", "RFC 6665"),
        new(491, "Request Pending", "RFC 3261"),
        new(493, "Undecipherable", "RFC 3261"),
        new(494, "Security Agreement Required", "RFC 3329"),

        new(500, "Server Internal Error", "RFC 3261"),
        new(501, "Not Implemented", "RFC 3261"),
        new(502, "Bad Gateway", "RFC 3261"),
        new(503, "Service Unavailable", "RFC 3261"),
        new(504, "Server Time-out", "RFC 3261"),
        new(505, "Version Not Supported", "RFC 3261"),
        new(513, "Message Too Large", "RFC 3261"),
        new(555, "Push Notification Service Not Supported", "RFC 8599"),
        new(580, "Precondition Failure", "RFC 3312"),

        new(600, "Busy Everywhere", "RFC 3261"),
        new(603, "Decline", "RFC 3261"),
        new(604, "Does Not Exist Anywhere", "RFC 3261"),
        new(606, "Not Acceptable", "RFC 3261"),
        new(607, "Unwanted", "RFC 8197"),
        new(608, "Rejected", "RFC 8688"),
    }.ToFrozenDictionary(status => status.Code);

    public static IEnumerable<SipStatusCode> All => Registered.Values.OrderBy(status => status.Code);

    public static SipStatusCode? Find(int code) => Registered.GetValueOrDefault(code);

    /// <summary>The standard phrase of a registered code, or <c>null</c> for an unregistered one.</summary>
    public static string? StandardPhrase(int code) => Find(code)?.Phrase;
}
