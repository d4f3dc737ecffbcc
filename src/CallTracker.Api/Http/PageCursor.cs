using System.Text;

namespace CallTracker.Api.Http;

/// <summary>
/// Opaque keyset cursors: the last item's sort values, colon-joined and base64url-encoded so that
/// they survive a query string. One format for every paged list.
/// </summary>
public static class PageCursor
{
    public const string Invalid = "cursor is not one this service issued: pass nextCursor from the previous page.";

    public static string Encode(params object[] parts) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join(':', parts)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The parts of a cursor, or null when it is not one with <paramref name="count"/> parts.</summary>
    public static string[]? Decode(string cursor, int count)
    {
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split(':');
            return parts.Length == count ? parts : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
