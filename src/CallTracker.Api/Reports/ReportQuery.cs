using System.Security.Claims;
using System.Text.RegularExpressions;
using CallTracker.Api.Events;
using CallTracker.Api.Http;
using CallTracker.Api.Security;
using CallTracker.Sip;
using CallTracker.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CallTracker.Api.Reports;

/// <summary>
/// The filters every report takes, bound from the query string as text (see QueryParameters for why) and
/// read into a <see cref="ReportFilter"/>. Tags come as <c>tag[campaign]=summer</c>, any number of them.
/// </summary>
public sealed partial record ReportQuery
{
    private const int MaxTags = 10;
    private static readonly TimeSpan DefaultRange = TimeSpan.FromHours(24);

    /// <summary>
    /// Start (inclusive): ISO 8601 with an offset or Z, epoch ms, or a date (midnight in tz); default 24 h ago.
    /// </summary>
    [FromQuery(Name = "from")]
    public string? From { get; init; }

    /// <summary>End (exclusive), same forms. Default: now.</summary>
    [FromQuery(Name = "to")]
    public string? To { get; init; }

    /// <summary>IANA time zone of dates in from and to, of buckets and of CSV times, e.g. Asia/Ho_Chi_Minh.</summary>
    [FromQuery(Name = "tz")]
    public string? Tz { get; init; }

    /// <summary>Only this agent's calls, by the id posted.</summary>
    [FromQuery(Name = "agent")]
    public string? Agent { get; init; }

    /// <summary>Only calls over this trunk.</summary>
    [FromQuery(Name = "trunk")]
    public string? Trunk { get; init; }

    /// <summary>Only calls with this outcome (see /api/v1/sip/outcomes).</summary>
    [FromQuery(Name = "outcome")]
    public string? Outcome { get; init; }

    /// <summary>Only calls of this response class: 3xx, 4xx, 5xx, 6xx or none.</summary>
    [FromQuery(Name = "class")]
    public string? Class { get; init; }

    /// <summary>Only calls that ended with this SIP response code.</summary>
    [FromQuery(Name = "code")]
    public string? Code { get; init; }

    /// <summary>Only numbers of this country (ISO 3166 alpha-2, e.g. VN).</summary>
    [FromQuery(Name = "country")]
    public string? Country { get; init; }

    /// <summary>Only numbers allocated to this carrier, named as the carriers report does (Viettel Mobile).</summary>
    [FromQuery(Name = "carrier")]
    public string? Carrier { get; init; }

    /// <summary>json (default) or csv; Accept: text/csv asks for CSV too.</summary>
    [FromQuery(Name = "format")]
    public string? Format { get; init; }

    /// <summary>
    /// Reads the filters, and the report's own parameters through <paramref name="alsoRead"/> (given the
    /// filter read so far), so that one problem names every bad parameter; null with that problem when any is.
    /// </summary>
    public (ReportScope? Scope, ValidationProblem? Problem) Read(
        HttpRequest request, ClaimsPrincipal user, DateTimeOffset now, Action<Errors, ReportFilter>? alsoRead = null)
    {
        var errors = new Errors();
        var zone = TimeZones.Parse(request, Tz, errors);
        var range = TimeRange.Parse(request, From, To, now, DefaultRange, errors, zone);
        var format = QueryParameters.OneOf(request, "format", Format?.ToLowerInvariant(), ["json", "csv"], errors);

        var filter = new ReportFilter(user.ProjectId(), range?.From ?? now, range?.To ?? now)
        {
            Agent = QueryParameters.Text(request, "agent", Agent, errors),
            Trunk = QueryParameters.Text(request, "trunk", Trunk, errors),
            Outcome = QueryParameters.OneOf(request, "outcome", Outcome, Sip.Outcome.All, errors),
            ResponseClass = QueryParameters.OneOf(request, "class", Class, ResponseClass.Failures, errors),
            SipCode = QueryParameters.WholeNumber(request, "code", Code, errors),
            Country = CountryCode(request, errors),
            Carrier = QueryParameters.Text(request, "carrier", Carrier, errors),
            Tags = Tags(request, errors),
        };

        alsoRead?.Invoke(errors, filter);
        if (range is null || errors.Count > 0)
        {
            return (null, TypedResults.ValidationProblem(errors.ToDictionary()));
        }

        Language.VaryByLanguage(request.HttpContext.Response);
        var csv = CsvFile.IsWanted(request, format);
        return (new ReportScope(filter, zone, Language.Of(request), csv), null);
    }

    private string? CountryCode(HttpRequest request, Errors errors)
    {
        var country = QueryParameters.Text(request, "country", Country, errors);
        if (country is not null && (country.Length != 2 || !country.All(char.IsAsciiLetter)))
        {
            errors.Add("country", "country must be an ISO 3166 alpha-2 code, e.g. VN.");
            return null;
        }

        return country?.ToUpperInvariant();
    }

    private static Dictionary<string, string> Tags(HttpRequest request, Errors errors)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in request.Query)
        {
            if (!name.StartsWith("tag", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (TagParameter().Match(name) is not { Success: true } match)
            {
                errors.Add(name, "Give a tag filter as tag[key]=value, e.g. tag[campaign]=summer.");
                continue;
            }

            // Empty means not given, as for every other parameter (HTML forms send empty fields).
            if (values.Count > 1)
            {
                errors.Add(name, $"Give {name} once.");
                continue;
            }

            if (string.IsNullOrEmpty(values[0]))
            {
                continue;
            }

            var key = match.Groups["key"].Value;
            if (QueryParameters.IsStorable(name, key, errors) && QueryParameters.IsStorable(name, values[0]!, errors))
            {
                tags[key] = values[0]!;
            }
        }

        if (tags.Count > MaxTags)
        {
            errors.Add("tag", $"Give at most {MaxTags} tag filters.");
        }

        return tags;
    }

    [GeneratedRegex(@"^tag\[(?<key>[^\[\]]{1,64})\]$")]
    private static partial Regex TagParameter();
}

/// <summary>What a report was asked for, once read: the filter, the time zone, the language, CSV or not.</summary>
public sealed record ReportScope(ReportFilter Filter, TimeZoneInfo Zone, string Language, bool Csv);
