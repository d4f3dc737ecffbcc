using PhoneNumbers;

namespace CallTracker.Sip.Phones;

/// <summary>
/// Phone numbers as people without the right to see them get them: <c>+84 90 *** **01</c>. The country, the
/// first two digits (often the carrier's prefix) and the last two stay, enough to tell numbers apart on a
/// call and to spot a wrong prefix, not enough to call anyone.
/// </summary>
public static partial class PhoneMask
{
    private const char Hidden = '*';
    private static readonly PhoneNumberUtil Numbers = PhoneNumberUtil.GetInstance();

    /// <summary>The masked form: from the E.164 number when there is one, else from the number as dialled.</summary>
    public static string Mask(string? e164, string dialled)
    {
        if (e164 is { Length: > 0 } && TryParse(e164) is { } number)
        {
            var national = Numbers.GetNationalSignificantNumber(number);
            return $"+{number.CountryCode} {MaskNational(national)}";
        }

        // Not a number libphonenumber reads: hide every letter and digit but the last two digits.
        var keepFrom = dialled.Length;
        for (int index = dialled.Length - 1, kept = 0; index >= 0 && kept < 2; index--)
        {
            if (char.IsAsciiDigit(dialled[index]))
            {
                keepFrom = index;
                kept++;
            }
        }

        return string.Concat(dialled.Select((character, index) =>
            index < keepFrom && char.IsLetterOrDigit(character) ? Hidden : character));
    }

    /// <summary>
    /// Hides the number wherever it appears in a text (a To header, a raw response, a client's extra data)
    /// in any of the forms a SIP stack writes it: as dialled, E.164 with or without the plus, national with
    /// the trunk prefix 0, or the bare national digits.
    /// </summary>
    public static string Redact(string text, string? e164, string dialled)
    {
        var masked = Mask(e164, dialled);
        foreach (var form in Forms(e164, dialled))
        {
            text = text.Replace(form, masked, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>
    /// The forms a number is written in: as dialled, its digits, E.164 with or without the plus, national
    /// with the trunk prefix 0, and the bare national digits. Longest first, so that "+84901234501" is
    /// replaced whole before its tail "901234501" is looked for; forms of fewer than six digits are left out,
    /// since they would match unrelated numbers (ports, CSeq).
    /// </summary>
    public static IEnumerable<string> Forms(string? e164, string dialled)
    {
        var forms = new List<string> { dialled.Trim(), new(dialled.Where(char.IsAsciiDigit).ToArray()) };
        if (e164 is { Length: > 1 } && TryParse(e164) is { } number)
        {
            var national = Numbers.GetNationalSignificantNumber(number);
            forms.AddRange([e164, e164[1..], "0" + national, national]);
        }

        return forms.Where(form => form.Count(char.IsAsciiDigit) >= 6).Distinct()
            .OrderByDescending(form => form.Length);
    }

    /// <summary>
    /// Hides what looks like a phone number in free text (an exception message a CRM wrote, an issue title
    /// made from it): every run of 8 or more digits, with spaces, dots or dashes between them and an optional
    /// +, keeps its first two and last two digits. Some long ids get masked too; that is the safe side.
    /// </summary>
    public static string RedactDigitRuns(string text) => DigitRun().Replace(text, match =>
    {
        var digits = match.Value.Count(char.IsAsciiDigit);
        if (digits < 8)
        {
            return match.Value;
        }

        var seen = 0;
        return string.Concat(match.Value.Select(character =>
        {
            if (!char.IsAsciiDigit(character))
            {
                return character;
            }

            seen++;
            return seen <= 2 || seen > digits - 2 ? character : Hidden;
        }));
    });

    [System.Text.RegularExpressions.GeneratedRegex(@"\+?\d(?:[ .\-]?\d){7,}")]
    private static partial System.Text.RegularExpressions.Regex DigitRun();

    private static string MaskNational(string national)
    {
        if (national.Length < 6)
        {
            return new string(Hidden, Math.Max(0, national.Length - 2)) + national[Math.Max(0, national.Length - 2)..];
        }

        var hidden = national.Length - 4;
        var stars = new string(Hidden, hidden);
        return $"{national[..2]} {stars[..Math.Min(3, hidden)]} {stars[Math.Min(3, hidden)..]}{national[^2..]}"
            .Replace("  ", " ", StringComparison.Ordinal);
    }

    private static PhoneNumber? TryParse(string e164)
    {
        try
        {
            return Numbers.Parse(e164, null);
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}
