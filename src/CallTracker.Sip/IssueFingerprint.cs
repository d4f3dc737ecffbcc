using System.Security.Cryptography;
using System.Text;

namespace CallTracker.Sip;

/// <summary>
/// What makes two failed calls the same issue. By default: the response code (or the local cause when
/// there is none), the first Q.850 cause, the outcome and the trunk, so that "480, cause 20" and
/// "480, cause 19" are two issues. A client may send its own parts; <c>{{ default }}</c> among them
/// stands for the default ones, as in Sentry.
/// </summary>
public static class IssueFingerprint
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
            : clientParts.SelectMany(part => part.Trim() == DefaultMarker ? defaults : [part]).ToList();

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
}
