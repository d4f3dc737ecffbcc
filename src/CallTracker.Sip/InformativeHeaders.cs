using System.Globalization;
using System.Text.RegularExpressions;

namespace CallTracker.Sip;

/// <summary>One Warning header value (RFC 3261 section 20.43): <c>399 gw.example.com "No codec"</c>.</summary>
/// <param name="Code">The three-digit warn-code (3xx); null when the value does not parse.</param>
/// <param name="Agent">The host or pseudonym that added the warning.</param>
/// <param name="Text">The warn-text, unquoted; the raw value when it does not parse.</param>
public sealed record WarningValue(int? Code, string? Agent, string Text);

/// <summary>The headers that tell more about a failure than its code: Retry-After and Warning.</summary>
public static partial class InformativeHeaders
{
    /// <summary>
    /// Seconds from the first Retry-After (RFC 3261 section 20.33: <c>120 (maintenance);duration=60</c>),
    /// or null when there is none or it is not a number.
    /// </summary>
    public static int? RetryAfterSeconds(SipHeaders headers)
    {
        var value = headers.GetFirst("Retry-After");
        var match = value is null ? null : RetryAfter().Match(value);
        return match is { Success: true } && int.TryParse(match.Groups[1].Value, NumberStyles.None,
            CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
    }

    /// <summary>Every Warning value, in order; one that does not parse keeps its text and has no code.</summary>
    public static IReadOnlyList<WarningValue> Warnings(SipHeaders headers) =>
        headers.GetAll("Warning")
            .SelectMany(header => HeaderValues.Split("Warning", header))
            .Select(ParseWarning)
            .ToList();

    private static WarningValue ParseWarning(string value)
    {
        var match = Warning().Match(value);
        return match.Success
            ? new WarningValue(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value,
                HeaderValues.Unquote(match.Groups[3].Value))
            : new WarningValue(null, null, value);
    }

    [GeneratedRegex(@"^\s*(\d{1,9})\s*(\(.*\))?\s*(;.*)?$")]
    private static partial Regex RetryAfter();

    [GeneratedRegex("^\\s*(\\d{3})\\s+(\\S+)\\s+(\"(?:[^\"\\\\]|\\\\.)*\")\\s*$")]
    private static partial Regex Warning();
}
