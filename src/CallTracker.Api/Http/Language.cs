using CallTracker.Sip;
using Microsoft.Net.Http.Headers;

namespace CallTracker.Api.Http;

/// <summary>The language of explanations: Vietnamese when the client prefers it, English otherwise.</summary>
public static class Language
{
    public static string Of(HttpRequest request)
    {
        var preferred = request.GetTypedHeaders().AcceptLanguage
            .OrderByDescending(language => language.Quality ?? 1)
            .Select(language => language.Value.Value ?? "")
            .FirstOrDefault(language => LocalizedText.Languages.Any(known => Matches(language, known)));

        return preferred is not null && Matches(preferred, "vi") ? "vi" : "en";
    }

    /// <summary>Marks a response as varying by language, so that caches keep one copy per language.</summary>
    public static void VaryByLanguage(HttpResponse response) =>
        response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptLanguage);

    private static bool Matches(string tag, string language) =>
        tag.Equals(language, StringComparison.OrdinalIgnoreCase)
        || tag.StartsWith(language + "-", StringComparison.OrdinalIgnoreCase);
}
