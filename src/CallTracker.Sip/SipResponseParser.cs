using System.Text;

namespace CallTracker.Sip;

/// <summary>A final SIP response as the user agent received it.</summary>
/// <param name="Code">The status code, 200-699.</param>
/// <param name="ReasonPhrase">The phrase verbatim; it may be empty and may hold any text.</param>
/// <param name="Headers">Every header line in order, folded lines unfolded.</param>
/// <param name="Head">The status line and headers as received, without the body (SDP stays out).</param>
/// <param name="BodyLength">How many characters of body followed the headers.</param>
/// <param name="IgnoredLines">Lines between the status line and the body that are not headers, cut to 80
/// characters: one stray line must not cost a failed call its record, but the sender should hear of it.</param>
public sealed record SipResponse(
    int Code, string ReasonPhrase, SipHeaders Headers, string Head, int BodyLength, IReadOnlyList<string> IgnoredLines)
{
    public string Class => ResponseClass.Of(Code);
}

/// <summary>Why a text is not a SIP response, in words a client developer can act on.</summary>
public sealed record SipParseError(string Message);

/// <summary>
/// Reads the text of a SIP response (RFC 3261 section 7): status line, headers, blank line, body.
/// </summary>
/// <remarks>
/// Deliberately tolerant where real stacks differ from the grammar: CRLF or bare LF, an empty reason
/// phrase, any text in the phrase (some gateways send brackets, which strict parsers drop), folded
/// header lines, and leading blank lines (keep-alives). It is strict only about what it needs: a
/// <c>SIP/</c> version and a three-digit final code. A line that is not a header is skipped and reported.
/// </remarks>
public static class SipResponseParser
{
    public static bool TryParse(string text, out SipResponse? response, out SipParseError? error)
    {
        response = null;
        error = null;

        var lines = SplitHead(text, out var bodyLength, out var headLength);
        var first = lines.FindIndex(line => line.Length > 0);
        if (first < 0)
        {
            error = new SipParseError("The SIP message is empty.");
            return false;
        }

        if (!TryParseStatusLine(lines[first], out var code, out var phrase, out var statusError))
        {
            error = statusError;
            return false;
        }

        var headers = ParseHeaders(lines.Skip(first + 1), out var ignored);
        var head = text[..headLength].TrimStart('\r', '\n');
        response = new SipResponse(code, phrase, headers, head, bodyLength, ignored);
        return true;
    }

    /// <summary>
    /// Splits the header section into lines and measures the body, which starts after the first
    /// empty line. Only the head is kept: bodies are SDP, which holds addresses and is never stored.
    /// </summary>
    private static List<string> SplitHead(string text, out int bodyLength, out int headLength)
    {
        var lines = new List<string>();
        var position = 0;
        var seenContent = false;

        while (position < text.Length)
        {
            var end = text.IndexOf('\n', position);
            var next = end < 0 ? text.Length : end + 1;
            var line = text[position..(end < 0 ? text.Length : end)].TrimEnd('\r');
            position = next;

            if (line.Length == 0 && seenContent)
            {
                headLength = position;
                bodyLength = text.Length - position;
                return lines;
            }

            seenContent |= line.Length > 0;
            lines.Add(line);
        }

        headLength = text.Length;
        bodyLength = 0;
        return lines;
    }

    private static bool TryParseStatusLine(string line, out int code, out string phrase, out SipParseError? error)
    {
        code = 0;
        phrase = "";
        error = null;

        // Split on the first two spaces only: the phrase is free text and may contain anything.
        var firstSpace = line.IndexOf(' ');
        var version = firstSpace < 0 ? line : line[..firstSpace];
        if (!version.StartsWith("SIP/", StringComparison.OrdinalIgnoreCase))
        {
            var looksLikeRequest = line.EndsWith(" SIP/2.0", StringComparison.OrdinalIgnoreCase);
            error = new SipParseError(looksLikeRequest
                ? "The SIP message is a request, not a response: send the final response the call got."
                : "The first line of the SIP message is not a status line such as 'SIP/2.0 486 Busy Here'.");
            return false;
        }

        var rest = firstSpace < 0 ? "" : line[(firstSpace + 1)..].TrimStart(' ');
        var secondSpace = rest.IndexOf(' ');
        var codeText = secondSpace < 0 ? rest : rest[..secondSpace];
        phrase = secondSpace < 0 ? "" : rest[(secondSpace + 1)..];

        if (codeText.Length != 3 || !codeText.All(char.IsAsciiDigit))
        {
            error = new SipParseError($"The status line has no three-digit status code: '{Truncate(line)}'.");
            return false;
        }

        code = int.Parse(codeText);
        if (!ResponseClass.IsFinalCode(code))
        {
            error = new SipParseError($"{code} is not a final response: only 200-699 end a call attempt.");
            return false;
        }

        return true;
    }

    private static SipHeaders ParseHeaders(IEnumerable<string> lines, out List<string> ignored)
    {
        // Values grow in place: copied whole at every fold, a header folded over half a megabyte of
        // lines took longer (the square of its length) than any client waits for an answer.
        var parsed = new List<(string Name, StringBuilder Value)>();
        ignored = [];

        foreach (var line in lines)
        {
            // RFC 3261 section 7.3.1: a line starting with whitespace continues the previous header.
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t'))
            {
                if (parsed.Count == 0)
                {
                    ignored.Add(Truncate(line));
                    continue;
                }

                parsed[^1].Value.Append(' ').Append(line.Trim());
                continue;
            }

            var colon = line.IndexOf(':');
            var name = colon < 0 ? "" : line[..colon].Trim();
            if (name.Length == 0 || name.Any(character => char.IsWhiteSpace(character)))
            {
                ignored.Add(Truncate(line));
                continue;
            }

            parsed.Add((name, new StringBuilder(line[(colon + 1)..].Trim())));
        }

        return new SipHeaders(parsed.Select(header => new SipHeader(header.Name, header.Value.ToString())));
    }

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
