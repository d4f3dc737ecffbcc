namespace CallTracker.Api.Http;

/// <summary>
/// CORS only stops a browser from reading an answer; a page on another origin could still post with a
/// key it copied. Browsers always send Origin on a cross-origin POST, so the ingest endpoints refuse it.
/// </summary>
public static class Origins
{
    /// <summary>True without configured origins, without an Origin header, or for a configured origin.</summary>
    public static bool IsAllowed(HttpRequest request, string[] allowed) =>
        allowed.Length == 0 || request.Headers.Origin is not [{ } origin]
        || allowed.Contains(origin, StringComparer.OrdinalIgnoreCase);
}
