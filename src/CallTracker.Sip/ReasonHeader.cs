namespace CallTracker.Sip;

/// <summary>One value of a Reason header (RFC 3326): <c>Q.850;cause=17;text="User busy"</c>.</summary>
/// <param name="Protocol">The protocol as sent: <c>SIP</c>, <c>Q.850</c> or any other token.</param>
/// <param name="Cause">The cause, when present and numeric.</param>
/// <param name="Text">The text parameter, unquoted.</param>
public sealed record ReasonValue(string Protocol, int? Cause, string? Text)
{
    public bool IsQ850 => string.Equals(Protocol, "Q.850", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Reads Reason header values. A header may hold several values separated by commas, and a quoted
/// text may itself hold commas and semicolons, so splitting on ',' or ';' alone gets it wrong.
/// </summary>
public static class ReasonHeader
{
    /// <summary>Every value of the Reason headers given, in order; a value without a protocol is skipped.</summary>
    public static IReadOnlyList<ReasonValue> ParseAll(IEnumerable<string> headerValues)
    {
        var values = new List<ReasonValue>();
        foreach (var header in headerValues)
        {
            foreach (var part in SplitOutsideQuotes(header, ','))
            {
                var value = ParseValue(part);
                if (value is not null)
                {
                    values.Add(value);
                }
            }
        }

        return values;
    }

    private static ReasonValue? ParseValue(string text)
    {
        var pieces = SplitOutsideQuotes(text, ';');
        var protocol = pieces[0].Trim();
        if (protocol.Length == 0)
        {
            return null;
        }

        int? cause = null;
        string? reasonText = null;
        foreach (var parameter in pieces.Skip(1))
        {
            var equals = parameter.IndexOf('=');
            if (equals < 0)
            {
                continue;
            }

            var name = parameter[..equals].Trim();
            var value = parameter[(equals + 1)..].Trim();
            // RFC 3326: cause = 1*DIGIT. "+17" or "-5" is not a cause, whatever int.Parse thinks.
            if (name.Equals("cause", StringComparison.OrdinalIgnoreCase) && value.Length is > 0 and <= 9
                && value.All(char.IsAsciiDigit))
            {
                cause = int.Parse(value);
            }
            else if (name.Equals("text", StringComparison.OrdinalIgnoreCase))
            {
                reasonText = Unquote(value);
            }
        }

        return new ReasonValue(protocol, cause, reasonText);
    }

    private static List<string> SplitOutsideQuotes(string text, char separator)
    {
        var parts = new List<string>();
        var start = 0;
        var quoted = false;

        for (var i = 0; i < text.Length; i++)
        {
            if (quoted && text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && text[i] == separator)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }

    private static string Unquote(string value)
    {
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
        {
            return value;
        }

        var inner = value[1..^1];
        var builder = new System.Text.StringBuilder(inner.Length);
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\' && i + 1 < inner.Length)
            {
                i++;
            }

            builder.Append(inner[i]);
        }

        return builder.ToString();
    }
}
