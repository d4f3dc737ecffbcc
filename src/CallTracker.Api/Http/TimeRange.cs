using System.Globalization;
using CallTracker.Api.Events;

namespace CallTracker.Api.Http;

/// <summary>A half-open range [From, To) in UTC, read from <c>from</c> and <c>to</c> query parameters.</summary>
public sealed record TimeRange(DateTimeOffset From, DateTimeOffset To)
{
    public const string ParameterHelp =
        "ISO 8601 with an offset or Z (2026-12-04T09:00:00+07:00), or a date (2026-12-04, midnight UTC).";

    /// <summary>Reads the range; a missing bound defaults to the last <paramref name="defaultLength"/>.</summary>
    public static TimeRange? Parse(
        string? from, string? to, DateTimeOffset now, TimeSpan defaultLength, Errors errors)
    {
        var end = ParseBound("to", to, errors) ?? now;
        var start = ParseBound("from", from, errors) ?? end - defaultLength;

        if (errors.Count > 0)
        {
            return null;
        }

        if (start >= end)
        {
            errors.Add("from", "from must be earlier than to.");
            return null;
        }

        return new TimeRange(start, end);
    }

    /// <summary>Reads an optional bound; <c>null</c> when absent or invalid (then with an error).</summary>
    public static DateTimeOffset? ParseBound(string name, string? value, Errors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        var instant = EventParser.ParseInstant(value, out var problem);
        if (instant is null)
        {
            errors.Add(name, $"{name} {problem}");
        }

        return instant;
    }
}
