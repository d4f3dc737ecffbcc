using System.Text;

namespace CallTracker.Sip;

/// <summary>Splitting and unquoting of header values, the way RFC 3261 section 7.3 reads them.</summary>
public static class HeaderValues
{
    /// <summary>
    /// Headers whose values contain commas that do not separate values (RFC 3261 section 7.3.1): a
    /// challenge or credentials is one value, however many commas it holds.
    /// </summary>
    private static readonly HashSet<string> NeverSplit = new(StringComparer.OrdinalIgnoreCase)
    {
        "WWW-Authenticate", "Authorization", "Proxy-Authenticate", "Proxy-Authorization",
    };

    /// <summary>The values of one header line: split on commas outside quotes and angle brackets.</summary>
    public static IReadOnlyList<string> Split(string headerName, string value)
    {
        if (NeverSplit.Contains(SipHeaders.LongName(headerName)))
        {
            return [value.Trim()];
        }

        var values = new List<string>();
        var start = 0;
        var quoted = false;
        var angle = 0;

        for (var i = 0; i < value.Length; i++)
        {
            var character = value[i];
            if (quoted && character == '\\')
            {
                i++;
            }
            else if (character == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && character == '<')
            {
                angle++;
            }
            else if (!quoted && character == '>' && angle > 0)
            {
                angle--;
            }
            else if (!quoted && angle == 0 && character == ',')
            {
                values.Add(value[start..i].Trim());
                start = i + 1;
            }
        }

        values.Add(value[start..].Trim());
        return values.Where(part => part.Length > 0).ToList();
    }

    /// <summary>Splits on a separator outside quoted strings (for parameters: ';').</summary>
    public static List<string> SplitOutsideQuotes(string text, char separator)
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

    public static bool HasUnbalancedQuote(string text)
    {
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
        }

        return quoted;
    }

    /// <summary>RFC 3261's token: letters, digits and <c>-.!%*_+`'~</c>.</summary>
    public static bool IsToken(string text) =>
        text.Length > 0 && text.All(IsTokenCharacter);

    private static bool IsTokenCharacter(char character) =>
        char.IsAsciiLetterOrDigit(character) || TokenMarks.Contains(character);

    private const string TokenMarks = "-.!%*_+`'~";

    /// <summary>The content of a quoted string with its escapes undone; an unquoted value as it is.</summary>
    public static string Unquote(string value)
    {
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
        {
            return value;
        }

        var inner = value[1..^1];
        var builder = new StringBuilder(inner.Length);
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
