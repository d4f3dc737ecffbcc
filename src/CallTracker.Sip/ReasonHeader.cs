namespace CallTracker.Sip;

/// <summary>One value of a Reason header (RFC 3326, RFC 6432): <c>Q.850;cause=17;text="User busy"</c>.</summary>
/// <param name="Protocol">The protocol as sent: <c>SIP</c>, <c>Q.850</c>, <c>STIR</c> or any other token.</param>
/// <param name="Cause">The cause, when present and a number.</param>
/// <param name="Text">The text parameter, unquoted.</param>
/// <param name="Location">RFC 8606's <c>location</c> parameter: where the cause was generated (LN, RN, ...).</param>
/// <param name="Raw">The value exactly as received.</param>
/// <param name="Parsed">False when the value is not valid Reason syntax; then only <see cref="Raw"/> is kept.</param>
public sealed record ReasonValue(string Protocol, int? Cause, string? Text, string? Location, string Raw, bool Parsed)
{
    public bool IsQ850 => Parsed && string.Equals(Protocol, "Q.850", StringComparison.OrdinalIgnoreCase);

    public bool IsSip => Parsed && string.Equals(Protocol, "SIP", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Reads Reason header values. A header may hold several values separated by commas, and a quoted
/// text may itself hold commas and semicolons, so splitting on ',' or ';' alone gets it wrong.
/// Nothing is dropped: a value that does not parse is kept verbatim and marked unparsed.
/// </summary>
public static class ReasonHeader
{
    /// <summary>Every value of the Reason headers given, in order.</summary>
    public static IReadOnlyList<ReasonValue> ParseAll(IEnumerable<string> headerValues) =>
        headerValues
            .SelectMany(header => HeaderValues.Split("Reason", header))
            .Select(Parse)
            .ToList();

    /// <summary>The first Q.850 value, which is the one that refines a call's outcome.</summary>
    public static ReasonValue? FirstQ850(IEnumerable<ReasonValue> values) =>
        values.FirstOrDefault(value => value.IsQ850 && value.Cause is not null);

    public static ReasonValue Parse(string raw)
    {
        var text = raw.Trim();
        var pieces = HeaderValues.SplitOutsideQuotes(text, ';');
        var protocol = pieces[0].Trim();
        var parsed = HeaderValues.IsToken(protocol) && !HeaderValues.HasUnbalancedQuote(text);

        int? cause = null;
        string? reasonText = null;
        string? location = null;
        foreach (var parameter in pieces.Skip(1))
        {
            var equals = parameter.IndexOf('=');
            var name = (equals < 0 ? parameter : parameter[..equals]).Trim();
            var value = equals < 0 ? "" : parameter[(equals + 1)..].Trim();
            parsed &= HeaderValues.IsToken(name);

            if (name.Equals("cause", StringComparison.OrdinalIgnoreCase))
            {
                // RFC 3326: cause = 1*DIGIT. "+17" or "-5" is not a cause, whatever int.Parse thinks.
                var isNumber = value.Length is > 0 and <= 9 && value.All(char.IsAsciiDigit);
                cause = isNumber ? int.Parse(value) : null;
                parsed &= isNumber;
            }
            else if (name.Equals("text", StringComparison.OrdinalIgnoreCase))
            {
                reasonText = HeaderValues.Unquote(value);
            }
            else if (name.Equals("location", StringComparison.OrdinalIgnoreCase))
            {
                location = HeaderValues.Unquote(value);
            }
        }

        return new ReasonValue(parsed ? protocol : "", cause, reasonText, location, text, parsed);
    }
}
