using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace CallTracker.Api.Security;

/// <summary>Makes and checks ingest keys and API tokens.</summary>
public static partial class Secrets
{
    /// <summary>API tokens carry a prefix so that a leaked one is easy to recognise in a scan.</summary>
    public const string TokenPrefix = "ctk_";

    /// <summary>A configured token shorter than this is refused at start-up: it could be guessed.</summary>
    public const int MinimumTokenLength = 24;

    /// <summary>
    /// Sentry SDKs accept only letters, digits and '_' in a DSN's key (the JavaScript SDK disables
    /// itself on '-'), so keys are 32 lowercase hex digits like Sentry's own.
    /// </summary>
    public static bool IsValidIngestKey(string? key) => key is not null && IngestKeyPattern().IsMatch(key);

    public static string NewIngestKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string NewApiToken() => TokenPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static string HashToken(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>What a person may see of a token to tell it apart from others.</summary>
    public static string Prefix(string token) => token[..Math.Min(token.Length, 12)];

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex IngestKeyPattern();
}
