using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CallTracker.Api.Tests.BadInput;

/// <summary>A piece of text already escaped for a URL, with a name to report it by.</summary>
public sealed record Escaped(string Label, string Text);

/// <summary>
/// The bad inputs, generated from one fixed seed so that every run sends the same requests and a failure
/// names a case that can be sent again. Nothing here knows an endpoint: the tests pair inputs with routes.
/// </summary>
public static class Inputs
{
    /// <summary>The seed of every random choice in the bad-input tests.</summary>
    public const int Seed = 20261204;

    /// <summary>Each JSON kind a field can wrongly hold, as a fresh node (null is JSON null).</summary>
    public static readonly (string Name, Func<JsonNode?> Make)[] WrongTypes =
    [
        ("number", () => JsonValue.Create(12345)),
        ("string", () => JsonValue.Create("wrong")),
        ("bool", () => JsonValue.Create(true)),
        ("null", () => null),
        ("array", () => new JsonArray(1, "two")),
        ("object", () => new JsonObject { ["wrong"] = 1 }),
    ];

    /// <summary>Byte sequences that are not UTF-8: stray, overlong, surrogate, truncated, out of range.</summary>
    public static readonly (string Name, byte[] Bytes)[] InvalidUtf8 =
    [
        ("lone continuation byte", [0x80]),
        ("0xFF 0xFE", [0xFF, 0xFE]),
        ("overlong slash", [0xC0, 0xAF]),
        ("UTF-16 surrogate", [0xED, 0xA0, 0x80]),
        ("truncated sequence", [0xE2, 0x82]),
        ("beyond U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
    ];

    /// <summary>Numbers JSON allows and few readers can hold: past double, past PostgreSQL's numeric, tiny.</summary>
    public static readonly string[] ExtremeNumbers =
    [
        "1e400", "-1e400", "1e1000000", "-1e1000000", "1e-1000000", "123456789012345678901234567890123456789",
        "-0", "0.0000000000000000000000000001", "4.86e2", "486.0000000000000000001",
    ];

    /// <summary>
    /// Pieces that, repeated, make a regular expression try again at every position (URI starts, credential
    /// parameters, header folds, numbers, hex ids): what scrubbing, masking and grouping read in any string.
    /// </summary>
    public static readonly string[] BacktrackingFragments =
    [
        "sip:a:", "sip:", "https://a:", ";password=", ";password=\"", "a@", "Authorization: x\n ", "1 (", ")",
        "\"\\", "0x", "1.", "1,", "+1 ", "+84 9", "a1", "ext. 1", "tel:1;", "v=0\r\n",
    ];

    public static readonly Escaped[] Injections =
    [
        new("sql or", Escape("' OR 1=1 --")),
        new("sql drop", Escape("'; DROP TABLE call_events; --")),
        new("script", Escape("<script>alert(1)</script>")),
    ];

    /// <summary>Values no parameter expects; a few of them, chosen by the seed, go into every parameter.</summary>
    public static readonly Escaped[] Junk =
    [
        new("nul", "%00"),
        new("nul inside", "agent%00007"),
        new("path traversal", "..%2F..%2Fetc%2Fpasswd"),
        new("huge number", "99999999999999999999999999"),
        new("int overflow", "2147483648"),
        new("negative", "-1"),
        new("min long", "-9223372036854775808"),
        new("exponent", "1e400"),
        new("NaN", "NaN"),
        new("invalid utf-8", "%FF%FE"),
        new("lone surrogate", "%ED%A0%80"),
        new("control characters", "%01%1B%7F"),
        new("crlf", "%0D%0ASet-Cookie:%20x%3D1"),
        new("right-to-left override", Escape("\u202Eevil")),
        new("emoji", Escape("\U0001F4DE")),
        new("only spaces", "%20%20"),
        new("json operator", Escape("{\"$ne\":null}")),
        new("format string", Escape("%s%n{0}")),
        new("like wildcards", Escape("%_%")),
        new("guid garbage", "3f2b8c1e-0d4a-4e7b-9c61-5a2f0e9d7b1z"),
        new("20,000 characters", Escape(new string('x', 20_000))),
    ];

    /// <summary>What goes into a route parameter in place of an id.</summary>
    public static readonly Escaped[] RouteJunk =
    [
        new("path traversal", "..%2F..%2Fetc%2Fpasswd"),
        new("backslash traversal", "..%5C..%5Cwindows"),
        new("nul", "%00"),
        new("nul after an id", "1%00"),
        new("huge number", "99999999999999999999999999"),
        new("int overflow", "2147483648"),
        new("long overflow", "9223372036854775808"),
        new("min long", "-9223372036854775808"),
        new("negative", "-1"),
        new("zero", "0"),
        new("guid garbage", "3f2b8c1e-0d4a-4e7b-9c61-5a2f0e9d7b1z"),
        new("empty guid", "00000000-0000-0000-0000-000000000000"),
        new("guid in braces", "%7B3f2b8c1e-0d4a-4e7b-9c61-5a2f0e9d7b10%7D"),
        new("sql", Escape("1' OR '1'='1")),
        new("script", Escape("<script>alert(1)</script>")),
        new("invalid utf-8", "%FF"),
        new("lone surrogate", "%ED%A0%80"),
        new("space", "%20"),
        new("hex", "0x1F"),
        new("fraction", "1.5"),
        new("4,000 characters", Escape(new string('9', 4_000))),
    ];

    /// <summary>Values aimed at what one parameter does with its text: parse a zone, a time, a cursor.</summary>
    public static IEnumerable<Escaped> Targeted(string parameter) => parameter switch
    {
        "tz" =>
        [
            new("zone file that is not one", "zone.tab"),
            new("zone data file", "tzdata.zi"),
            new("posixrules", "posixrules"),
            new("localtime", "localtime"),
            new("Factory", "Factory"),
            new("posix copy", "posix%2FAsia%2FHo_Chi_Minh"),
            new("leap-second copy", "right%2FUTC"),
            new("traversal", Escape("../../../../etc/passwd")),
            new("absolute path", "%2Fetc%2Flocaltime"),
            new("folder", "Asia"),
            new("lower case", "asia%2Fho_chi_minh"),
            new("posix rule", "EST5EDT"),
            new("extreme offset", "Etc%2FGMT%2B14"),
            new("windows name", Escape("SE Asia Standard Time")),
        ],
        "from" or "to" =>
        [
            new("year 1", "0001-01-01"),
            new("year 9999", "9999-12-31"),
            new("end of time", Escape("9999-12-31T23:59:59.9999999-14:00")),
            new("start of time", Escape("0001-01-01T00:00:00+14:00")),
            new("edge 2000", Escape("2000-01-01T00:00:00+14:00")),
            new("edge 2999", Escape("2999-12-31T23:59:59-14:00")),
            new("epoch max", "253402300799999"),
            new("epoch beyond", "253402300800000"),
            new("epoch zero", "0"),
            new("february 30", Escape("2026-02-30T00:00:00Z")),
            new("hour 25", Escape("2026-12-04T25:00:00Z")),
            new("offset 99:99", Escape("2026-12-04T09:00:00+99:99")),
            new("nine fraction digits", Escape("2026-12-04T09:00:00.123456789Z")),
        ],
        "cursor" =>
        [
            new("negative ticks", Cursor("-1:3f2b8c1e0d4a4e7b9c615a2f0e9d7b10")),
            new("ticks past the calendar", Cursor("3155378976000000000:3f2b8c1e0d4a4e7b9c615a2f0e9d7b10")),
            new("last tick", Cursor("3155378975999999999:3f2b8c1e0d4a4e7b9c615a2f0e9d7b10")),
            new("issue cursor, negative time", Cursor("lastSeen:-1:1")),
            new("issue cursor, min long", Cursor("firstSeen:-9223372036854775808:-1")),
            new("issue cursor, max long", Cursor("lastSeen:9223372036854775807:9223372036854775807")),
            new("issue cursor, count", Cursor("count:-5:-5")),
            new("wrong part count", Cursor("a:b:c:d")),
            new("not base64", "!!!"),
            new("base64 of invalid utf-8", "__79"),
            new("padding only", "%3D%3D%3D%3D"),
        ],
        "limit" =>
        [
            new("zero", "0"), new("over the maximum", "501"), new("fraction", "1.5"), new("leading plus", "%2B5"),
            new("leading space", "%205"), new("thousands separator", "1,000"),
        ],
        "code" => [new("zero", "0"), new("provisional", "183"), new("above 699", "700"), new("padded", "%20486")],
        _ => [new("upper case", "CSV"), new("trailing space", "hour%20"), new("empty", "")],
    };

    public static string Escape(string text) => Uri.EscapeDataString(text);

    /// <summary>A fragment repeated up to about <paramref name="length"/> characters.</summary>
    public static string Repeated(string fragment, int length) =>
        string.Concat(Enumerable.Repeat(fragment, length / fragment.Length));

    /// <summary>A page cursor as the service encodes one (base64url of colon-joined parts), of any parts.</summary>
    public static string Cursor(string parts) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(parts)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary><paramref name="count"/> prefixes of a valid body, at offsets spread evenly over it.</summary>
    public static IEnumerable<(string Label, byte[] Body)> Truncations(byte[] valid, int count)
    {
        var step = Math.Max(1, valid.Length / count);
        for (var offset = 0; offset < valid.Length; offset += step)
        {
            yield return ($"truncated at {offset} of {valid.Length}", valid[..offset]);
        }
    }

    /// <summary>The valid body with one to four bytes replaced by random ones.</summary>
    public static IEnumerable<(string Label, byte[] Body)> Mutations(byte[] valid, Random random, int count)
    {
        for (var index = 0; index < count; index++)
        {
            var body = valid.ToArray();
            var changes = new List<string>();
            for (var change = random.Next(1, 5); change > 0; change--)
            {
                var offset = random.Next(body.Length);
                body[offset] = (byte)random.Next(256);
                changes.Add($"{offset}=0x{body[offset]:X2}");
            }

            yield return ($"mutated {string.Join(",", changes)}", body);
        }
    }

    /// <summary>Every node of a JSON tree by its path (property names and array indexes), the root first.</summary>
    public static IEnumerable<(string Path, JsonNode? Node)> Nodes(JsonNode? node, string path = "$")
    {
        yield return (path, node);
        var children = node switch
        {
            JsonObject properties => properties.Select(property => ($"{path}.{property.Key}", property.Value)),
            JsonArray items => items.Select((item, index) => ($"{path}[{index}]", item)),
            _ => [],
        };

        foreach (var (childPath, child) in children.ToList())
        {
            foreach (var descendant in Nodes(child, childPath))
            {
                yield return descendant;
            }
        }
    }

    /// <summary>A copy of the tree with the node at <paramref name="path"/> replaced.</summary>
    public static JsonNode Replace(JsonNode root, string path, JsonNode? value)
    {
        var copy = root.DeepClone();
        var original = Nodes(root).Select(entry => entry.Path).ToList();
        var target = Nodes(copy).ElementAt(original.IndexOf(path)).Node!;
        switch (target.Parent)
        {
            case JsonObject parent:
                parent[target.GetPropertyName()] = value;
                break;
            case JsonArray parent:
                parent[target.GetElementIndex()] = value;
                break;
        }

        return copy;
    }

    /// <summary>
    /// The body itself, then every field of it, replaced by each JSON kind it does not already have (a null
    /// body is a case of the tests' own, since it is no node).
    /// </summary>
    public static IEnumerable<(string Label, JsonNode Body)> WrongTypesInEveryField(JsonNode valid)
    {
        foreach (var (name, make) in WrongTypes)
        {
            if (make() is { } body && KindOf(body) != KindOf(valid))
            {
                yield return ($"$ as {name}", body);
            }
        }

        foreach (var (path, node) in Nodes(valid).Skip(1).Where(entry => entry.Node is not null))
        {
            foreach (var (name, make) in WrongTypes)
            {
                var replacement = make();
                if (KindOf(replacement) != KindOf(node))
                {
                    yield return ($"{path} as {name}", Replace(valid, path, replacement));
                }
            }
        }
    }

    /// <summary>Every string field of a valid body, by path.</summary>
    public static IEnumerable<string> StringPaths(JsonNode valid) =>
        Nodes(valid).Where(entry => KindOf(entry.Node) == JsonValueKind.String).Select(entry => entry.Path);

    /// <summary>
    /// The body with the string at <paramref name="path"/> holding raw bytes: the field is given a marker, the
    /// tree is serialised, and the marker's bytes are swapped for <paramref name="bytes"/> (invalid UTF-8, NUL).
    /// </summary>
    public static byte[] WithRawBytes(JsonNode valid, string path, byte[] bytes)
    {
        const string Marker = "RAW-BYTES-GO-HERE";
        var body = Encoding.UTF8.GetBytes(Replace(valid, path, JsonValue.Create("a" + Marker + "b")).ToJsonString());
        return Splice(body, Encoding.UTF8.GetBytes(Marker), bytes);
    }

    /// <summary>The body with the node at <paramref name="path"/> replaced by raw JSON text (a number).</summary>
    public static byte[] WithRawJson(JsonNode valid, string path, string json)
    {
        const string Marker = "\"RAW-JSON-GOES-HERE\"";
        var body = Encoding.UTF8.GetBytes(Replace(valid, path, JsonValue.Create("RAW-JSON-GOES-HERE")).ToJsonString());
        return Splice(body, Encoding.UTF8.GetBytes(Marker), Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Every number of a valid body, by path.</summary>
    public static IEnumerable<string> NumberPaths(JsonNode valid) =>
        Nodes(valid).Where(entry => KindOf(entry.Node) == JsonValueKind.Number).Select(entry => entry.Path);

    /// <summary>The first occurrence of <paramref name="marker"/> in <paramref name="body"/> replaced.</summary>
    public static byte[] Splice(byte[] body, byte[] marker, byte[] replacement)
    {
        var at = body.AsSpan().IndexOf(marker);
        return at < 0 ? body : [.. body[..at], .. replacement, .. body[(at + marker.Length)..]];
    }

    /// <summary><paramref name="depth"/> nested arrays or objects, as bytes, without building them as a tree.</summary>
    public static byte[] Nesting(int depth, bool objects)
    {
        var open = objects ? "{\"a\":" : "[";
        var close = objects ? "}" : "]";
        return Encoding.UTF8.GetBytes(
            string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth)));
    }

    /// <summary>A JSON object with <paramref name="count"/> distinct string properties.</summary>
    public static JsonObject ManyEntries(int count, string prefix)
    {
        var map = new JsonObject();
        for (var index = 0; index < count; index++)
        {
            map[$"{prefix}-{index}"] = $"value {index}";
        }

        return map;
    }

    public static byte[] Utf8(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    public static JsonValueKind KindOf(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;

    /// <summary>A deterministic sample of at most <paramref name="count"/> items, in their original order.</summary>
    public static List<T> Sample<T>(IReadOnlyList<T> items, int count, Random random)
    {
        if (items.Count <= count)
        {
            return [.. items];
        }

        var chosen = Enumerable.Range(0, items.Count).OrderBy(_ => random.Next()).Take(count).Order();
        return chosen.Select(index => items[index]).ToList();
    }
}
