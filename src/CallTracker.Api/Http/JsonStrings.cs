using System.Text.Json;
using System.Text.Json.Nodes;

namespace CallTracker.Api.Http;

/// <summary>
/// Rewrites the text inside a JSON document (tags, extra data, a Sentry payload) without breaking it: a
/// replacement done on the JSON text itself would turn <c>{"phone": 84901234501}</c> into invalid JSON.
/// </summary>
public static class JsonStrings
{
    /// <summary>
    /// Every string value mapped by <paramref name="map"/>, and every number whose text
    /// <paramref name="mapNumber"/> changes (it becomes a string); keys and structure stay. Text that is not
    /// JSON is mapped whole.
    /// </summary>
    public static string Map(string json, Func<string, string> map, Func<string, string>? mapNumber = null)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return map(json);
        }

        return root is null ? json : (Map(root, map, mapNumber ?? (number => number)) ?? root).ToJsonString();
    }

    /// <summary>The replacement for <paramref name="node"/>, or null when it was changed in place or not at all.</summary>
    private static JsonValue? Map(JsonNode node, Func<string, string> map, Func<string, string> mapNumber)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    if (child is not null && Map(child, map, mapNumber) is { } replaced)
                    {
                        obj[name] = replaced;
                    }
                }

                return null;

            case JsonArray array:
                for (var index = 0; index < array.Count; index++)
                {
                    if (array[index] is { } child && Map(child, map, mapNumber) is { } replaced)
                    {
                        array[index] = replaced;
                    }
                }

                return null;

            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                var mapped = map(text);
                return ReferenceEquals(text, mapped) || text == mapped ? null : JsonValue.Create(mapped);

            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                var number = value.ToJsonString();
                var mappedNumber = mapNumber(number);
                return number == mappedNumber ? null : JsonValue.Create(mappedNumber);

            default:
                return null;
        }
    }
}
