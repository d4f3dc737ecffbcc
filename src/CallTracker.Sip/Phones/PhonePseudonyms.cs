using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace CallTracker.Sip.Phones;

/// <summary>
/// Tokens that stand in for phone numbers on an installation that must not store them
/// (<c>CallTracker:Phone:Storage = Hmac</c>): an HMAC-SHA256 of the number's E.164 form under a secret key
/// of the installation. One number always gives the same token, so issues, "distinct numbers" and the
/// erasure of a number keep working; without the key nobody can tell which number it was.
/// </summary>
/// <remarks>
/// A plain hash would not do: there are only ten billion ten-digit numbers, and a salted SHA-256 of each takes
/// a graphics card minutes. Changing the key breaks the link between tokens stored before and after.
/// </remarks>
public sealed partial class PhonePseudonyms
{
    /// <summary>What every token starts with, so that code reading a stored number can tell.</summary>
    public const string Prefix = "hmac:";

    /// <summary>Shortest key accepted: 32 characters, 256 bits when they are random hex or base64.</summary>
    public const int MinimumKeyLength = 32;

    /// <summary>
    /// Headers that name the parties of a call (long names; compact forms are read as these): every number in
    /// them goes, not only the one dialled, since the caller's and the diverting party's are personal too.
    /// </summary>
    private static readonly FrozenSet<string> IdentityHeaders = new[]
    {
        "To", "From", "Contact", "P-Asserted-Identity", "P-Preferred-Identity", "Remote-Party-ID",
        "P-Called-Party-ID", "Diversion", "History-Info", "Referred-By", "Refer-To",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private readonly byte[] key;
    private readonly PhoneNumberAnalyzer phones;

    public PhonePseudonyms(string key, PhoneNumberAnalyzer phones)
    {
        if (key.Length < MinimumKeyLength)
        {
            throw new ArgumentException(
                $"The HMAC key must have at least {MinimumKeyLength} characters; generate one with " +
                "'openssl rand -hex 32'.", nameof(key));
        }

        this.key = Encoding.UTF8.GetBytes(key);
        this.phones = phones;
    }

    public static bool IsToken(string? value) => value?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    /// <summary>
    /// The token of a number however it was dialled: of its E.164 form when it parses (so 0901234501 and
    /// +84 90 123 45 01 are one token), else of its digits, else of the text itself.
    /// </summary>
    public string TokenOf(string dialled) => TokenOf(phones.Analyze(dialled).E164, dialled);

    /// <summary>The same, for a number already analysed: <paramref name="e164"/> is its E.164 form, if any.</summary>
    public string TokenOf(string? e164, string dialled)
    {
        var canonical = e164 ?? new string(dialled.Where(char.IsAsciiDigit).ToArray());
        return Token(canonical.Length > 0 ? canonical : dialled.Trim());
    }

    /// <summary>
    /// The tokens a number may have been stored under, for erasing it (see <see cref="TokenOf(string)"/>).
    /// </summary>
    public string[] TokensOf(string dialled)
    {
        var digits = new string(dialled.Where(char.IsAsciiDigit).ToArray());
        return new[] { TokenOf(dialled), Token(digits) }.Distinct().ToArray();
    }

    /// <summary>
    /// A header's value without numbers: in a party header every run of six or more digits becomes the token
    /// of that number; in any other header only the dialled number's spellings do.
    /// </summary>
    public string HideInHeader(string name, string value, string? e164, string? dialled) =>
        IdentityHeaders.Contains(SipHeaders.LongName(name)) ? HideDigitRuns(value) : Hide(value, e164, dialled);

    /// <summary>Whether the header names a party of the call (To, From, Contact, P-Asserted-Identity, ...).</summary>
    public static bool IsIdentityHeader(string name) => IdentityHeaders.Contains(SipHeaders.LongName(name));

    /// <summary>
    /// A raw SIP message without numbers: its party header lines as in <see cref="HideInHeader"/>, and the
    /// dialled number wherever else it appears.
    /// </summary>
    public string HideInMessage(string message, string? e164, string? dialled)
    {
        var lines = message.Split('\n');
        for (var index = 1; index < lines.Length; index++)
        {
            var colon = lines[index].IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && IdentityHeaders.Contains(SipHeaders.LongName(lines[index][..colon].Trim())))
            {
                lines[index] = lines[index][..colon] + HideDigitRuns(lines[index][colon..]);
            }
        }

        return Hide(string.Join('\n', lines), e164, dialled);
    }

    /// <summary>The dialled number, in any form a SIP stack or a CRM writes it, replaced by its token.</summary>
    public string Hide(string text, string? e164, string? dialled)
    {
        if (dialled is not { Length: > 0 } || IsToken(dialled))
        {
            return text;
        }

        var token = TokenOf(e164, dialled);
        foreach (var form in PhoneMask.Forms(e164, dialled))
        {
            text = text.Replace(form, token, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>Every run of six or more digits (spaces, dashes between) replaced by its number's token.</summary>
    public string HideDigitRuns(string text) =>
        DigitRun().Replace(text, match => match.Value.Count(char.IsAsciiDigit) >= 6
            ? TokenOf(match.Value) : match.Value);

    private string Token(string canonical)
    {
        // 128 bits of the MAC: no two numbers of a planet's worth share a token, in 27 characters.
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(canonical), mac);
        return Prefix + Convert.ToBase64String(mac[..16]).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    // Spaces and dashes may sit between digits, dots may not: an IPv4 address (127.0.0.1:5070) is not a number.
    [GeneratedRegex(@"\+?\d(?:[ \-]?\d)+")]
    private static partial Regex DigitRun();
}
