using System.Globalization;
using CallTracker.Api.Events;

namespace CallTracker.Api.Http;

/// <summary>
/// Query parameters are bound as strings (so that Swagger lists them) and read here, so that every bad
/// value is a validation problem naming it: the framework's binder answers a bad number with another
/// shape, and joins repeated values with commas. An empty value (<c>?agent=</c>, as HTML forms send)
/// means the parameter was not given.
/// </summary>
public static class QueryParameters
{
    public static string? Text(HttpRequest request, string name, string? bound, Errors errors)
    {
        if (request.Query[name].Count > 1)
        {
            errors.Add(name, $"Give {name} once.");
            return null;
        }

        return string.IsNullOrEmpty(bound) || !IsStorable(name, bound, errors) ? null : bound;
    }

    /// <summary>
    /// False, with an error, for text holding U+0000 (<c>%00</c>): PostgreSQL's text and jsonb cannot hold it,
    /// so a query with it fails (22021) instead of finding nothing, and nothing stored has one, since
    /// ingestion removes it.
    /// </summary>
    public static bool IsStorable(string name, string value, Errors errors)
    {
        if (!value.Contains('\0', StringComparison.Ordinal))
        {
            return true;
        }

        errors.Add(name, $"{name} holds a NUL character (%00), which no stored value has.");
        return false;
    }

    /// <summary>A value from a fixed list (a status, an outcome, a class), or null when not given.</summary>
    public static string? OneOf(
        HttpRequest request, string name, string? bound, IReadOnlyList<string> allowed, Errors errors)
    {
        var value = Text(request, name, bound, errors);
        if (value is not null && !allowed.Contains(value))
        {
            errors.Add(name, $"{name} must be one of {string.Join(", ", allowed)}.");
            return null;
        }

        return value;
    }

    /// <summary>The <c>limit</c> of a paged list: 1-500, 50 when not given.</summary>
    public static int PageSize(HttpRequest request, string? bound, Errors errors)
    {
        var pageSize = WholeNumber(request, "limit", bound, errors) ?? 50;
        if (pageSize is < 1 or > 500)
        {
            errors.Add("limit", "limit must be between 1 and 500.");
        }

        return pageSize;
    }

    public static int? WholeNumber(HttpRequest request, string name, string? bound, Errors errors)
    {
        var text = Text(request, name, bound, errors);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            errors.Add(name, $"{name} must be a whole number.");
            return null;
        }

        return number;
    }
}
