namespace CallTracker.Api.Sentry;

/// <summary>Where a Sentry SDK puts its key: a header, the query string, or the envelope's own header.</summary>
public static class SentryAuth
{
    /// <summary>
    /// The key from <c>X-Sentry-Auth: Sentry sentry_key=..., sentry_version=7</c> (also accepted in
    /// Authorization), or from <c>?sentry_key=</c>, which browser SDKs use to avoid a CORS preflight.
    /// </summary>
    public static string? KeyFromRequest(HttpRequest request)
    {
        string[] headers = [request.Headers["X-Sentry-Auth"].ToString(), request.Headers.Authorization.ToString()];
        const string Scheme = "Sentry ";
        foreach (var header in headers.Where(header => header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)))
        {
            if (Parameter(header[Scheme.Length..], "sentry_key") is { Length: > 0 } key)
            {
                return key;
            }
        }

        var query = request.Query["sentry_key"].ToString();
        return query.Length > 0 ? query : null;
    }

    /// <summary>The key and project id of a DSN such as <c>https://key@host/42</c>; null when it is not one.</summary>
    public static (string Key, int ProjectId)? ParseDsn(string? dsn)
    {
        if (!Uri.TryCreate(dsn, UriKind.Absolute, out var uri) || uri.UserInfo.Length == 0)
        {
            return null;
        }

        var key = uri.UserInfo.Split(':')[0];
        var last = uri.AbsolutePath.TrimEnd('/').Split('/')[^1];
        return int.TryParse(last, out var projectId) ? (key, projectId) : null;
    }

    private static string? Parameter(string header, string name) =>
        header.Split(',')
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(pair => pair[1].Trim())
            .FirstOrDefault();
}
