using System.Collections.Frozen;
using System.Text.RegularExpressions;
using PhoneNumbers;

namespace CallTracker.Sip.Phones;

/// <summary>What a dialled number turned out to be. A number that does not parse is still an event.</summary>
/// <param name="E164">The number in E.164 (<c>+84320000001</c>), when it parses.</param>
/// <param name="Region">The ISO 3166 region of the number (<c>VN</c>).</param>
/// <param name="Type">mobile, fixed_line, toll_free, voip, ... as libphonenumber's metadata says.</param>
/// <param name="Valid">Whether the number exists in its country's numbering plan.</param>
/// <param name="Carrier">The operator the number range was originally allocated to; a ported number may be
/// served by another one, and the outgoing trunk is a different thing.</param>
/// <param name="Extension">An extension dialled after the number, kept apart from it.</param>
/// <param name="Converted">True when an old Vietnamese 11-digit mobile number was mapped to its 10-digit form.</param>
/// <param name="Problem">Why the number could not be read, or what is doubtful about it.</param>
public sealed record PhoneInfo(
    string? E164, string? Region, string? Type, bool Valid, string? Carrier, string? Extension, bool Converted,
    string? Problem);

/// <summary>Reads dialled numbers with Google's libphonenumber metadata, for one default region.</summary>
public sealed partial class PhoneNumberAnalyzer(string defaultRegion)
{
    /// <summary>
    /// Vietnam's 2018 renumbering of 11-digit mobile numbers (Ministry of Information and Communications,
    /// Circular 22/2014 and its 2018 plan): the old prefix after the trunk 0, and the prefix it became.
    /// </summary>
    private static readonly FrozenDictionary<string, string> VietnamMobilePrefixes = new Dictionary<string, string>
    {
        ["120"] = "70",
        ["121"] = "79",
        ["122"] = "77",
        ["126"] = "76",
        ["128"] = "78", // MobiFone
        ["123"] = "83",
        ["124"] = "84",
        ["125"] = "85",
        ["127"] = "81",
        ["129"] = "82", // VinaPhone
        ["162"] = "32",
        ["163"] = "33",
        ["164"] = "34",
        ["165"] = "35",
        ["166"] = "36", // Viettel
        ["167"] = "37",
        ["168"] = "38",
        ["169"] = "39",
        ["186"] = "56",
        ["188"] = "58", // Vietnamobile
        ["199"] = "59", // Gmobile
    }.ToFrozenDictionary();

    private static readonly PhoneNumberUtil Numbers = PhoneNumberUtil.GetInstance();
    private static readonly PhoneNumberToCarrierMapper Carriers = PhoneNumberToCarrierMapper.GetInstance();

    public PhoneInfo Analyze(string dialled)
    {
        // Composed form first: "máy lẻ" typed on some keyboards arrives decomposed and would not match.
        var text = StripUri(dialled.Normalize(System.Text.NormalizationForm.FormC).Trim());
        var (number, extension) = SplitExtension(text);

        // libphonenumber turns letters into keypad digits (1-800-FLOWERS): a CRM field with letters
        // is a typo or a name far more often than a vanity number, so it is not guessed at.
        if (number.Any(char.IsLetter))
        {
            return Unread(extension, "The number contains letters; they are not turned into digits.");
        }

        var converted = ConvertLegacyVietnamMobile(number);
        PhoneNumber parsed;
        try
        {
            parsed = Numbers.Parse(converted ?? number, defaultRegion);
        }
        catch (NumberParseException exception)
        {
            return Unread(extension, $"The number does not parse: {exception.ErrorType}.");
        }

        var valid = Numbers.IsValidNumber(parsed);
        var carrier = Carriers.GetNameForNumber(parsed, Locale.English);
        var problem = AmbiguityOf(number, converted)
            ?? (valid ? null : "The number is not valid in its country's numbering plan.");
        return new PhoneInfo(
            Numbers.Format(parsed, PhoneNumberFormat.E164),
            Numbers.GetRegionCodeForNumber(parsed),
            TypeName(Numbers.GetNumberType(parsed)),
            valid,
            string.IsNullOrEmpty(carrier) ? null : carrier,
            extension ?? NullIfEmpty(parsed.Extension),
            converted is not null,
            problem);
    }

    /// <summary>
    /// The ways one number may have been stored, for deleting everything about it: its E.164 forms, and its
    /// digits as a CRM may have dialled them (as given, international without '+', national with its trunk
    /// prefix: 0901234501, 84901234501). Only numbers of at least six digits: fewer would match other data.
    /// </summary>
    public (string[] E164, string[] Digits) Spellings(string dialled)
    {
        var given = new string(dialled.Where(char.IsAsciiDigit).ToArray());
        var e164 = new List<string>();
        var digits = new List<string> { given };
        if (Analyze(dialled).E164 is { } international)
        {
            e164.Add(international);
            digits.Add(international[1..]);
            var parsed = Numbers.Parse(international, defaultRegion);
            var national = Numbers.Format(parsed, PhoneNumberFormat.NATIONAL);
            digits.Add(new string(national.Where(char.IsAsciiDigit).ToArray()));
        }

        return ([.. e164.Distinct()], [.. digits.Where(spelling => spelling.Length >= 6).Distinct()]);
    }

    /// <summary>
    /// Ho Chi Minh City's landlines were 08 xxxx xxxx before 2017 (now 028) and Hanoi's 04 xxxx xxxx
    /// (now 024). The same ten digits are a mobile number today, so such a number is read as dialled
    /// and flagged as doubtful rather than silently taken for a mobile or "corrected".
    /// </summary>
    private string? AmbiguityOf(string number, string? converted)
    {
        var digits = new string(number.Where(char.IsAsciiDigit).ToArray());
        var oldLandline = converted is null && defaultRegion == "VN" && digits.Length == 10
            && (number.TrimStart().StartsWith("(08)", StringComparison.Ordinal)
                || number.TrimStart().StartsWith("(04)", StringComparison.Ordinal)
                || OldCityLandline().IsMatch(number.Trim()));
        return oldLandline
            ? "Written like a pre-2017 Ho Chi Minh City (08) or Hanoi (04) landline, now 028 or 024: check it."
            : null;
    }

    /// <summary>tel: and sip: addresses (RFC 3966, RFC 3261) carry the number in their user part.</summary>
    private static string StripUri(string text)
    {
        var match = UriNumber().Match(text);
        return match.Success ? match.Groups["number"].Value + match.Groups["extension"].Value : text;
    }

    /// <summary>
    /// The 10-digit national form of an old 11-digit Vietnamese mobile number (0162 000 0001 became
    /// 032 000 0001), or null when the number is not one. Only 11-digit numbers that began with 01
    /// were renumbered; Ho Chi Minh City's old 08 xxxx xxxx landlines are another story.
    /// </summary>
    private string? ConvertLegacyVietnamMobile(string number)
    {
        var digits = new string(number.Where(char.IsAsciiDigit).ToArray());
        var international = number.TrimStart().StartsWith('+') || digits.Length == 12
            || digits.StartsWith("0084", StringComparison.Ordinal);

        // International forms seen in CRM data: 0084 for +, and a national 0 kept after the 84
        // ("+84 (0) 162 ...", "+84 0162 ...").
        if (digits.StartsWith("0084", StringComparison.Ordinal))
        {
            digits = digits[2..];
        }

        if (international && digits.StartsWith("840", StringComparison.Ordinal))
        {
            digits = "84" + digits[3..];
        }

        var national = (international, digits.Length) switch
        {
            (false, 11) when defaultRegion == "VN" && digits.StartsWith("01", StringComparison.Ordinal) => digits[1..],
            (true, 12) when digits.StartsWith("841", StringComparison.Ordinal) => digits[2..],
            _ => null,
        };

        return national is not null && VietnamMobilePrefixes.TryGetValue(national[..3], out var prefix)
            ? $"+84{prefix}{national[3..]}"
            : null;
    }

    private static (string Number, string? Extension) SplitExtension(string dialled)
    {
        var match = ExtensionSuffix().Match(dialled);
        return match.Success ? (dialled[..match.Index], match.Groups["digits"].Value) : (dialled, null);
    }

    private static PhoneInfo Unread(string? extension, string problem) =>
        new(null, null, null, false, null, extension, false, problem);

    private static string TypeName(PhoneNumberType type) => type.ToString().ToLowerInvariant();

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    /// <summary>
    /// Extension spellings seen in CRM data: "ext. 12", "ext 12", "extension 12", "x12", "#12",
    /// RFC 3966's ";ext=12", and Vietnamese "máy lẻ 12" / "nhánh 12".
    /// </summary>
    [GeneratedRegex(
        @"\s*(?:;\s*ext\s*=|,|#|(?:ext\.?|extension|x|máy\s+lẻ|ml|nhánh)\s*[.:]?)\s*(?<digits>\d{1,10})\s*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ExtensionSuffix();

    [GeneratedRegex(
        @"^(?:tel|sips?):(?<number>[^@;]+)(?:@[^;]*)?(?:;(?!ext=)[^;]*)*(?<extension>;ext=\d+)?(?:;[^;]*)*$",
        RegexOptions.IgnoreCase)]
    private static partial Regex UriNumber();

    [GeneratedRegex(@"^0[48][\s.-]\d{4}[\s.-]?\d{4}$")]
    private static partial Regex OldCityLandline();
}
