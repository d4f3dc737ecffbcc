using System.Collections.Frozen;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CallTracker.Sip;

/// <summary>
/// Takes credentials out of what a CRM sends before it is stored: the Authorization and
/// Proxy-Authorization headers (a digest response can be cracked offline against a weak SIP password),
/// passwords in URIs (<c>sip:alice:secret@host</c>), credential parameters (<c>;password=</c>,
/// <c>?token=</c>), and session descriptions (SDP bodies, which carry media addresses and keys).
/// </summary>
/// <remarks>
/// Applied to headers, the raw SIP message, tags, extra data and every string of a Sentry event (its
/// breadcrumbs and extras can hold whole SIP messages). What is removed is replaced by a marker where
/// the shape matters, so that a reader sees something was there.
/// </remarks>
public static partial class Credentials
{
    public const string Removed = "[removed]";

    private static readonly FrozenSet<string> CredentialHeaders =
        new[] { "Authorization", "Proxy-Authorization" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // JSON properties whose whole value is a secret, wherever they appear in an SDK's event: by a part of
    // the name, since CRMs spell them every way (sipPassword, x-auth-token, client_secret, Cookie).
    private static readonly string[] CredentialNameParts =
        ["password", "passwd", "secret", "token", "apikey", "authorization", "cookie", "credential"];

    public static bool IsCredentialHeader(string name) => CredentialHeaders.Contains(SipHeaders.LongName(name));

    /// <summary>
    /// A header's value as it may be stored: <see cref="Removed"/> for a header named like a credential
    /// (X-Api-Key, X-Auth-Token, a custom X-Sip-Password), else the value scrubbed as any text.
    /// </summary>
    public static string ScrubHeaderValue(string name, string value) =>
        IsCredentialName(name) ? Removed : Scrub(value);

    /// <summary>Whether a header or property name says its value is a secret (by a part of the name).</summary>
    public static bool IsCredentialName(string name)
    {
        var plain = name.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        return CredentialNameParts.Any(part => plain.Contains(part, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A header or text value without URI passwords, credential parameters and credential lines.</summary>
    public static string Scrub(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        text = CredentialLine().Replace(text, "");
        text = UriPassword().Replace(text, "$1$2@");
        return CredentialParameter().Replace(text, match => match.Groups["name"].Value + Removed);
    }

    /// <summary>
    /// Any text that may be a whole SIP message: its SDP body gone (the head kept, scrubbed), or, for a bare
    /// session description, nothing of it kept.
    /// </summary>
    public static string ScrubMessage(string text)
    {
        if (SipStartLine().IsMatch(text))
        {
            var blank = BlankLine().Match(text);
            if (blank.Success && blank.Index + blank.Length < text.Length)
            {
                var body = text[(blank.Index + blank.Length)..];
                if (IsSessionDescription(body) || SdpContentType().IsMatch(text[..blank.Index]))
                {
                    text = text[..(blank.Index + blank.Length)];
                }
            }
        }
        else if (IsSessionDescription(text))
        {
            return "[SDP removed]";
        }

        return Scrub(text);
    }

    /// <summary>A JSON value with credential properties' values removed and every string scrubbed, in place.</summary>
    public static JsonNode? ScrubJson(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(property => property.Key).ToList())
                {
                    if (IsCredentialProperty(name))
                    {
                        obj[name] = Removed;
                    }
                    else if (Scrubbed(obj[name]) is { } replacement)
                    {
                        obj[name] = replacement;
                    }
                }

                return obj;
            case JsonArray array:
                for (var index = 0; index < array.Count; index++)
                {
                    if (Scrubbed(array[index]) is { } replacement)
                    {
                        array[index] = replacement;
                    }
                }

                return array;
            default:
                return Scrubbed(node) ?? node;
        }
    }

    /// <summary>A new value for a string that had credentials; containers are scrubbed in place (null).</summary>
    private static JsonValue? Scrubbed(JsonNode? node)
    {
        switch (node)
        {
            case JsonValue value when value.TryGetValue<string>(out var text):
                var scrubbed = ScrubMessage(text);
                return scrubbed == text ? null : JsonValue.Create(scrubbed);
            case JsonObject or JsonArray:
                ScrubJson(node);
                return null;
            default:
                return null;
        }
    }

    private static bool IsCredentialProperty(string name) =>
        name.Equals("pwd", StringComparison.OrdinalIgnoreCase) || name.Equals("auth", StringComparison.OrdinalIgnoreCase)
        || IsCredentialName(name);

    private static bool IsSessionDescription(string text) =>
        text.TrimStart().StartsWith("v=0", StringComparison.Ordinal) && SdpLine().IsMatch(text);

    // A header line of a credential header inside a multi-line text (a message pasted into a breadcrumb):
    // Authorization, Proxy-Authorization and any header line named like a credential (X-Api-Key, X-Auth-Token),
    // with its folded continuation lines; WWW-Authenticate, a challenge, is not one.
    [GeneratedRegex(
        @"(?im)^[ \t]*[\w-]*(?:authorization|password|passwd|secret|token|api-?key|cookie|credential)[\w-]*[ \t]*:"
        + @"[^\r\n]*(?:\r?\n[ \t]+[^\r\n]*)*(?:\r?\n)?")]
    private static partial Regex CredentialLine();

    // scheme:user:password@ (or scheme://user:password@) -> scheme:user@: RFC 3261 section 19.1.1
    // deprecates the password in a SIP URI, and some CRMs still put one there. User and password are at
    // most 256 characters: unbounded, every "sip:" of a text was a scan to its end for an '@', and half a
    // megabyte of "sip:a:" took minutes (the time grew with the square of the length).
    [GeneratedRegex(@"(?i)\b((?:sips?|https?|wss?):(?://)?)([^:@\s;,<>""'/]{1,256}):[^@\s;,<>""'/]{0,256}@")]
    private static partial Regex UriPassword();

    // The whitespace is taken only after a separator: after the bare word boundary it would make every blank of
    // a long run of blanks read the whole run again (quadratic on half a megabyte of folded lines).
    [GeneratedRegex(
        @"(?i)(?<name>(?:[;?&]\s*|(?<![\w-]))(?:password|passwd|pwd|secret|token|access_token|api_key|apikey|auth)"
        + @"\s*=\s*)"
        + @"(?:""[^""]*""|[^;&\s<>,""]*)")]
    private static partial Regex CredentialParameter();

    [GeneratedRegex(@"^(?:SIP/2\.0 \d{3}|[A-Z]+ \S+ SIP/2\.0)")]
    private static partial Regex SipStartLine();

    [GeneratedRegex(@"\r?\n\r?\n")]
    private static partial Regex BlankLine();

    [GeneratedRegex(@"(?im)^(?:Content-Type|c)[ \t]*:[ \t]*application/sdp")]
    private static partial Regex SdpContentType();

    [GeneratedRegex(@"(?m)^[ocm]=")]
    private static partial Regex SdpLine();
}
