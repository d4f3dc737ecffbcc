using CallTracker.Api.Events;

namespace CallTracker.Api.Http;

/// <summary>
/// The <c>tz</c> query parameter: an IANA time zone such as <c>Asia/Ho_Chi_Minh</c>, so that a day or an
/// hour is the call centre's, not UTC's. PostgreSQL does the bucketing with the same IANA name.
/// </summary>
public static class TimeZones
{
    public static TimeZoneInfo Parse(HttpRequest request, string? bound, Errors errors)
    {
        var name = QueryParameters.Text(request, "tz", bound, errors);
        if (name is null)
        {
            return TimeZoneInfo.Utc;
        }

        // Only IANA names: a Windows name would have to be translated, and PostgreSQL knows only IANA ones.
        // The right/ and posix/ copies of the database count leap seconds or differ from the main one.
        if (TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone) && zone.HasIanaId
            && !name.StartsWith("right/", StringComparison.OrdinalIgnoreCase)
            && !name.StartsWith("posix/", StringComparison.OrdinalIgnoreCase))
        {
            return zone;
        }

        errors.Add("tz", "tz must be an IANA time zone, e.g. Asia/Ho_Chi_Minh or Europe/Berlin.");
        return TimeZoneInfo.Utc;
    }

    /// <summary>An instant as ISO 8601 with the zone's offset then, e.g. 2026-12-04T00:00:00+07:00.</summary>
    public static string Format(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd'T'HH:mm:ssK",
            System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The instant a local day starts. Where a daylight-saving change skips midnight (clocks jump from 00:00
    /// to 01:00), the day starts at the first local time that exists.
    /// </summary>
    public static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }
}
