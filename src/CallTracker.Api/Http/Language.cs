using CallTracker.Sip;
using Microsoft.Net.Http.Headers;

namespace CallTracker.Api.Http;

/// <summary>The language of explanations: Vietnamese when the client prefers it, English otherwise.</summary>
public static class Language
{
    /// <summary>The language to answer in; a tag with q=0 means "not this one" (RFC 9110 section 12.4.2).</summary>
    public static string Of(HttpRequest request)
    {
        var preferred = request.GetTypedHeaders().AcceptLanguage
            .Where(language => (language.Quality ?? 1) > 0)
            .OrderByDescending(language => language.Quality ?? 1)
            .Select(language => language.Value.Value ?? "")
            .FirstOrDefault(language => LocalizedText.Languages.Any(known => Matches(language, known)));

        var language = preferred is not null && Matches(preferred, "vi") ? "vi" : "en";
        request.HttpContext.Response.Headers.ContentLanguage = language;
        return language;
    }

    /// <summary>Marks a response as varying by language, so that caches keep one copy per language.</summary>
    public static void VaryByLanguage(HttpResponse response) =>
        response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptLanguage);

    private static bool Matches(string tag, string language) =>
        tag.Equals(language, StringComparison.OrdinalIgnoreCase)
        || tag.StartsWith(language + "-", StringComparison.OrdinalIgnoreCase);
}
