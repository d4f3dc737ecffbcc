using System.Collections;

namespace CallTracker.Sip;

/// <summary>One header line as received: the name keeps its spelling, the value its text.</summary>
public sealed record SipHeader(string Name, string Value);

/// <summary>
/// The headers of a SIP message in the order they arrived. Names compare case-insensitively and a
/// compact form (RFC 3261 section 7.3.3, e.g. <c>i</c> for <c>Call-ID</c>) finds its long form too.
/// </summary>
public sealed class SipHeaders : IReadOnlyList<SipHeader>
{
    private static readonly Dictionary<string, string> CompactForms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["a"] = "Accept-Contact",
        ["b"] = "Referred-By",
        ["c"] = "Content-Type",
        ["d"] = "Request-Disposition",
        ["e"] = "Content-Encoding",
        ["f"] = "From",
        ["i"] = "Call-ID",
        ["j"] = "Reject-Contact",
        ["k"] = "Supported",
        ["l"] = "Content-Length",
        ["m"] = "Contact",
        ["n"] = "Identity-Info",
        ["o"] = "Event",
        ["r"] = "Refer-To",
        ["s"] = "Subject",
        ["t"] = "To",
        ["u"] = "Allow-Events",
        ["v"] = "Via",
        ["x"] = "Session-Expires",
        ["y"] = "Identity",
    };

    private readonly List<SipHeader> headers;

    public SipHeaders(IEnumerable<SipHeader> headers)
    {
        this.headers = [.. headers];
    }

    public static SipHeaders Empty { get; } = new([]);

    public int Count => headers.Count;

    public SipHeader this[int index] => headers[index];

    /// <summary>The long name of a header, so that <c>i</c> and <c>Call-ID</c> are one header.</summary>
    public static string LongName(string name) => CompactForms.GetValueOrDefault(name, name);

    /// <summary>Every value of a header, in the order received (a header may repeat).</summary>
    public IEnumerable<string> GetAll(string name)
    {
        var wanted = LongName(name);
        return headers
            .Where(header => string.Equals(LongName(header.Name), wanted, StringComparison.OrdinalIgnoreCase))
            .Select(header => header.Value);
    }

    public string? GetFirst(string name) => GetAll(name).FirstOrDefault();

    public IEnumerator<SipHeader> GetEnumerator() => headers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
