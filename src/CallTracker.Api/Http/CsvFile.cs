using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace CallTracker.Api.Http;

/// <summary>
/// A report as a CSV download that a spreadsheet opens right: RFC 4180 (CRLF, quotes doubled), UTF-8 with a
/// byte order mark (without it Excel reads Vietnamese as mojibake), numbers in invariant culture, a header row.
/// </summary>
/// <remarks>
/// Hand-written rather than a CSV package: writing is these few rules, and the tests read the output back
/// with a real CSV reader. Text that a spreadsheet would run as a formula (a client-chosen agent id or tag
/// starting with <c>=</c>, <c>+</c>, <c>-</c> or <c>@</c>) is prefixed with an apostrophe (OWASP's advice).
/// </remarks>
public sealed class CsvFile(string fileName, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    : IResult, IEndpointMetadataProvider
{
    public const string ContentType = "text/csv";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = $"{ContentType}; charset=utf-8; header=present";
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment")
        {
            FileNameStar = fileName,
            FileName = fileName,
        }.ToString();

        var utf8WithBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
        await using var writer = new StreamWriter(response.Body, utf8WithBom);
        await writer.WriteAsync(Line(header));
        foreach (var row in rows)
        {
            await writer.WriteAsync(Line(row));
        }
    }

    /// <summary>
    /// Marks the endpoint for the OpenAPI document (which adds text/csv to its 200 answer): a second
    /// produces-metadata for 200 would replace the JSON one there rather than join it.
    /// </summary>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new CsvDownload());

    /// <summary>
    /// True when the request asks for CSV: <c>format=csv</c>, or an Accept header that prefers text/csv to
    /// JSON. <c>format=json</c> wins over Accept, so a browser link can always get either.
    /// </summary>
    public static bool IsWanted(HttpRequest request, string? format)
    {
        request.HttpContext.Response.Headers.Append(HeaderNames.Vary, HeaderNames.Accept);
        if (format is not null)
        {
            return format.Equals("csv", StringComparison.OrdinalIgnoreCase);
        }

        var accepted = request.GetTypedHeaders().Accept;
        double Quality(string mediaType) => accepted
            .Where(value => value.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase))
            .Select(value => value.Quality ?? 1).DefaultIfEmpty(0).Max();

        return Quality(ContentType) > 0 && Quality(ContentType) >= Quality("application/json");
    }

    private static string Line(IReadOnlyList<object?> values) =>
        string.Join(',', values.Select(Field)) + "\r\n";

    private static string Field(object? value)
    {
        var text = value switch
        {
            null => "",
            string s when s.Length > 0 && "=+-@\t\r".Contains(s[0], StringComparison.Ordinal) => "'" + s,
            string s => s,
            bool flag => flag ? "true" : "false",
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };

        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 || text.StartsWith(' ') || text.EndsWith(' ')
            ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
            : text;
    }
}

/// <summary>Endpoint metadata: this endpoint can also answer with a CSV file.</summary>
public sealed record CsvDownload;
