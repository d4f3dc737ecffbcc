using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace CallTracker.Sip;

/// <summary>
/// What makes two failed calls the same issue. By default: the response code (or the local cause when
/// there is none), the first Q.850 cause, the outcome and the trunk, so that "480, cause 20" and
/// "480, cause 19" are two issues. A client may send its own parts; <c>{{ default }}</c> among them
/// stands for the default ones, as in Sentry. An error event from a Sentry SDK (no call) is grouped by
/// its exception type and value, or its message, with the ids in them normalised away.
/// </summary>
public static partial class IssueFingerprint
{
    public const string DefaultMarker = "{{ default }}";

    public static IReadOnlyList<string> DefaultParts(int? code, string? localCause, int? q850Cause, string outcome,
        string? trunk) =>
    [
        code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? $"local:{localCause ?? "unknown"}",
        q850Cause is { } cause ? $"q850:{cause}" : "q850:-",
        outcome,
        trunk is { Length: > 0 } ? $"trunk:{trunk}" : "trunk:-",
    ];

    /// <summary>The parts to hash: the client's, with the default marker expanded, or the default ones.</summary>
    public static IReadOnlyList<string> Resolve(IReadOnlyList<string>? clientParts, IReadOnlyList<string> defaults) =>
        clientParts is not { Count: > 0 }
            ? defaults
            : clientParts.SelectMany(part => IsDefaultMarker(part) ? defaults : [part]).ToList();

    /// <summary><c>{{ default }}</c>, with or without the spaces (Sentry's SDKs and docs write both).</summary>
    public static bool IsDefaultMarker(string part) =>
        string.Concat(part.Where(character => !char.IsWhiteSpace(character))) == "{{default}}";

    /// <summary>
    /// An error event's key: the same hash, kept apart from the failed calls' keys, so that a call and an
    /// error sent with the same custom fingerprint are two issues (one lists calls, the other errors).
    /// </summary>
    public static string HashError(IReadOnlyList<string> parts) => Hash(["kind:error", .. parts]);

    /// <summary>A fixed-length key for the parts (hex SHA-256), so that long client parts fit an index.</summary>
    public static string Hash(IReadOnlyList<string> parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', parts))));

    /// <summary>
    /// A title a person recognises: "486 Busy Here", "480 Temporarily Unavailable, Q.850 20 Subscriber absent",
    /// "No final response: transport_error".
    /// </summary>
    public static string Title(int? code, int? q850Cause, string? localCause)
    {
        if (code is null)
        {
            return $"No final response: {localCause ?? LocalCauses.Unknown}";
        }

        var phrase = SipStatusCodes.StandardPhrase(code.Value);
        var title = phrase is null ? $"{code} (unregistered code)" : $"{code} {phrase}";
        return q850Cause is { } cause && Q850Causes.Find(cause) is { } known
            ? $"{title}, Q.850 {cause} {known.Name}"
            : title;
    }

    /// <summary>
    /// An error's default parts: its exception type and value, or else its message, each with UUIDs, hex
    /// ids and numbers replaced, so that "Call 1234 failed" and "Call 5678 failed" are one issue.
    /// </summary>
    public static IReadOnlyList<string> ErrorDefaultParts(string? exceptionType, string? exceptionValue,
        string? message) =>
        exceptionType is { Length: > 0 } || exceptionValue is { Length: > 0 }
            ? ["error", $"type:{exceptionType}", $"value:{Normalise(exceptionValue ?? "")}"]
            : ["error", $"message:{Normalise(message ?? "")}"];

    /// <summary>"TypeError: Cannot read properties of undefined", or the message; at most 200 characters.</summary>
    public static string ErrorTitle(string? exceptionType, string? exceptionValue, string? message)
    {
        var title = (exceptionType, exceptionValue) switch
        {
            ({ Length: > 0 } type, { Length: > 0 } value) => $"{type}: {value}",
            ({ Length: > 0 } type, _) => type,
            (_, { Length: > 0 } value) => value,
            _ => message is { Length: > 0 } ? message : "(no message)",
        };

        var line = title.ReplaceLineEndings(" ").Trim();
        return line.Length <= 200 ? line : string.Concat(line.AsSpan(0, 199), "…");
    }

    /// <summary>Replaces what differs between occurrences of one error: UUIDs, hex ids, then numbers.</summary>
    public static string Normalise(string text) =>
        Number().Replace(HexId().Replace(Uuid().Replace(text.Trim(), "<uuid>"), "<hex>"), "<n>");

    [GeneratedRegex(@"\b[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\b")]
    private static partial Regex Uuid();

    // 0x-prefixed, or 8 or more hex digits with at least one digit and one letter (a commit, a Call-ID
    // part), so that ordinary words are left alone.
    [GeneratedRegex(@"\b0x[0-9a-fA-F]+\b|\b(?=[0-9a-fA-F]*[0-9])(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\b")]
    private static partial Regex HexId();

    [GeneratedRegex(@"\d+(?:[.,]\d+)*")]
    private static partial Regex Number();
}
