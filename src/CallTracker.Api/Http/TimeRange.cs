using System.Globalization;
using CallTracker.Api.Events;

namespace CallTracker.Api.Http;

/// <summary>A half-open range [From, To) in UTC, read from <c>from</c> and <c>to</c> query parameters.</summary>
public sealed record TimeRange(DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>
    /// Reads the range; a missing bound defaults to the last <paramref name="defaultLength"/>. A date without
    /// a time is midnight in <paramref name="zone"/> (UTC when not given).
    /// </summary>
    public static TimeRange? Parse(
        HttpRequest request, string? fromText, string? toText, DateTimeOffset now, TimeSpan defaultLength,
        Errors errors, TimeZoneInfo? zone = null)
    {
        var (from, to) = ParseBounds(request, fromText, toText, errors, zone);
        var end = to ?? now;
        var start = from ?? end - defaultLength;

        if (errors.Count == 0 && start >= end)
        {
            errors.Add("from", "from must be earlier than to.");
        }

        return errors.Count > 0 ? null : new TimeRange(start, end);
    }

    /// <summary>Reads optional <c>from</c> and <c>to</c>; when both are given, from must come first.</summary>
    public static (DateTimeOffset? From, DateTimeOffset? To) ParseBounds(
        HttpRequest request, string? fromText, string? toText, Errors errors, TimeZoneInfo? zone = null)
    {
        var from = ParseBound("from", QueryParameters.Text(request, "from", fromText, errors), errors, zone);
        var to = ParseBound("to", QueryParameters.Text(request, "to", toText, errors), errors, zone);
        if (from >= to)
        {
            errors.Add("from", "from must be earlier than to.");
        }

        return (from, to);
    }

    /// <summary>
    /// Reads an optional bound; <c>null</c> when absent or invalid (then with an error). Years 2000 to 2999
    /// only: no call is older, and the ends of the calendar overflow range arithmetic (and reach PostgreSQL
    /// as infinity).
    /// </summary>
    public static DateTimeOffset? ParseBound(string name, string? value, Errors errors, TimeZoneInfo? zone = null)
    {
        var bound = ParseAnyBound(name, value, errors, zone);
        if (bound is { Year: < 2000 or > 2999 })
        {
            errors.Add(name, $"{name} must be in the years 2000 to 2999.");
            return null;
        }

        return bound;
    }

    private static DateTimeOffset? ParseAnyBound(string name, string? value, Errors errors, TimeZoneInfo? zone)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return TimeZones.StartOfDay(day, zone ?? TimeZoneInfo.Utc);
        }

        // Unix epoch milliseconds, as in event bodies (what JavaScript's Date.now() gives).
        if (value.All(char.IsAsciiDigit) && long.TryParse(value, CultureInfo.InvariantCulture, out var milliseconds))
        {
            if (EventParser.IsPlausibleEpochMilliseconds(milliseconds))
            {
                return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
            }

            errors.Add(name, $"{name} as a number must be Unix epoch milliseconds after 2000, e.g. 1764832500000.");
            return null;
        }

        var instant = EventParser.ParseInstant(value, out var problem);
        if (instant is null)
        {
            // A '+' in a query string arrives as a space unless it is written %2B.
            var hint = value.Contains(' ', StringComparison.Ordinal) ? " (write a '+' offset as %2B in a URL)" : "";
            errors.Add(name, $"{name} {problem}{hint}");
        }

        return instant;
    }
}
