using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CallTracker.Api.Events;

/// <summary>Validation errors keyed by field path (<c>[3].sipCode</c>), the shape ValidationProblem wants.</summary>
public sealed class Errors
{
    private readonly Dictionary<string, List<string>> byField = [];

    public int Count { get; private set; }

    public void Add(string path, string message)
    {
        if (!byField.TryGetValue(path, out var messages))
        {
            byField[path] = messages = [];
        }

        messages.Add(message);
        Count++;
    }

    public Dictionary<string, string[]> ToDictionary() =>
        byField.ToDictionary(entry => entry.Key, entry => entry.Value.ToArray());
}

/// <summary>Typed reads of one event's fields, each problem recorded under the field's path.</summary>
internal sealed class FieldReader(JsonElement element, string path, Errors errors)
{
    public bool NulRemoved { get; private set; }

    /// <summary>A number of the JSON rewritten by <see cref="CleanJson"/> was kept as text; see there.</summary>
    public bool NumbersAsText { get; private set; }

    public string PathOf(string field) => path.Length == 0 ? field : $"{path}.{field}";

    public void Error(string field, string message) => errors.Add(PathOf(field), message);

    /// <summary>The field's value; <c>null</c> when absent or JSON null, which mean the same here.</summary>
    public JsonElement? Get(string field) =>
        element.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public string? String(string field, int maxLength)
    {
        if (Get(field) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Error(field, $"{field} must be a string.");
            return null;
        }

        var text = Clean(value.GetString()!);
        if (text.Length > maxLength)
        {
            Error(field, $"{field} may be at most {maxLength} characters.");
            return null;
        }

        return text;
    }

    public Guid? Guid(string field)
    {
        if (Get(field) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || !System.Guid.TryParse(value.GetString(), out var id)
            || id == System.Guid.Empty)
        {
            Error(field, $"{field} must be a UUID other than all zeros, such as 3f2b8c1e-0d4a-4e7b-9c61-5a2f0e9d7b10.");
            return null;
        }

        return id;
    }

    public bool? Boolean(string field)
    {
        if (Get(field) is not { } value)
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Error(field, $"{field} must be true or false.");
            return null;
        }

        return value.GetBoolean();
    }

    public int? Milliseconds(string field)
    {
        if (Get(field) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var milliseconds)
            || milliseconds is < 0 or > 86_400_000)
        {
            Error(field, $"{field} must be a whole number of milliseconds, 0 to 86400000.");
            return null;
        }

        return milliseconds;
    }

    /// <summary>Removes U+0000, which PostgreSQL cannot store in text or jsonb.</summary>
    public string Clean(string text)
    {
        if (!text.Contains('\0'))
        {
            return text;
        }

        NulRemoved = true;
        return text.Replace("\0", "", StringComparison.Ordinal);
    }

    /// <summary>
    /// Rewrites a JSON value so that PostgreSQL's jsonb can hold it: every string and property name cleaned,
    /// and every number that jsonb's numeric cannot hold kept as its text in a string.
    /// </summary>
    public string CleanJson(JsonElement value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private void Write(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(Clean(property.Name));
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(Clean(value.GetString()!));
                break;
            case JsonValueKind.Number when !IsStorableNumber(value.GetRawText()):
                NumbersAsText = true;
                writer.WriteStringValue(value.GetRawText());
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    /// <summary>
    /// Whether PostgreSQL's numeric, which jsonb stores numbers in, can hold a JSON number: at most 131072
    /// digits before the decimal point and 16383 after it. JSON has no such bound, and one number past it
    /// (1e1000000, 1e-1000000) fails the insert (22003): a 503 that no retry cures, and a failed group
    /// commit that the writer must redo one request at a time.
    /// </summary>
    internal static bool IsStorableNumber(string number)
    {
        var exponentAt = number.IndexOfAny(['e', 'E']);
        var exponent = 0L;
        if (exponentAt >= 0 && (!long.TryParse(number.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign,
            CultureInfo.InvariantCulture, out exponent) || exponent is > 1_000_000_000 or < -1_000_000_000))
        {
            return false;
        }

        var mantissa = (exponentAt < 0 ? number : number[..exponentAt]).TrimStart('-');
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerDigits = (point < 0 ? mantissa : mantissa[..point]).TrimStart('0').Length;
        var fractionDigits = point < 0 ? 0 : mantissa.Length - point - 1;
        return integerDigits + exponent <= 131_072 && fractionDigits - exponent <= 16_383;
    }
}
