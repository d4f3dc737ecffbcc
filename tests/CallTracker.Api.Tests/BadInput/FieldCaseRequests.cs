using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests.BadInput;

/// <summary>One request a field case names, built afresh for each send.</summary>
public sealed record FieldRequest(string Label, string Endpoint, Func<HttpRequestMessage> Build, bool WithCredentials);

/// <summary>
/// Turns the inputs of <c>../shared/data/field-cases.json</c> into requests for a seeded project: raw HTTP
/// requests as written (their project id, key and DSN made the project's), Sentry envelope bodies, native
/// events (given an <c>occurredAt</c> when the case leaves it out, since the contract requires one) and phone
/// numbers. The few bodies the file describes rather than spells (<c>&lt;gzip(SENTRY-01 envelope)&gt;</c>, a
/// 1.5 MiB trace, <c>\xff</c> for raw bytes) are made as described.
/// </summary>
public sealed partial class FieldCaseRequests(SeededProject seeded)
{
    /// <summary>Cases whose input is not a request to this service, with where they are tested instead.</summary>
    public static readonly IReadOnlyDictionary<string, string> NotRequests = new Dictionary<string, string>
    {
        ["PG-03"] = "a database restart and an outage: OutageTests stops PostgreSQL under the running service",
        ["SENTRY-07"] = "steps to repeat, not requests: FieldCaseTests sends them in order and at once",
    };

    private static readonly string[] EventFields = ["occurredAt", "sipCode", "eventId", "localCause", "agent"];

    /// <summary>Every request the entry names, labelled <c>ID/variant</c>.</summary>
    public IEnumerable<FieldRequest> For(JsonNode entry)
    {
        var id = (string)entry["id"]!;
        var phones = ((string?)entry["area"])?.StartsWith("phone", StringComparison.Ordinal) == true;
        return NotRequests.ContainsKey(id) ? [] : Walk(id, entry["input"], "", phones);
    }

    /// <summary>The SENTRY-01 envelope as a browser SDK posts it, for this project.</summary>
    public FieldRequest Sentry01() => For(Entry("SENTRY-01")).Single();

    private IEnumerable<FieldRequest> Walk(string id, JsonNode? node, string variant, bool phones)
    {
        var label = variant.Length == 0 ? id : $"{id}/{variant}";
        switch (node)
        {
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = (string)value!;
                if (Raw(label, text) is { } raw)
                {
                    yield return raw;
                }
                else if (IsEnvelope(text))
                {
                    yield return Envelope(label, Unescape(text));
                }
                else if (phones)
                {
                    yield return Event(label, new JsonObject { ["phoneNumber"] = text, ["sipCode"] = 486 });
                }

                break;
            case JsonObject fields when EventFields.Any(fields.ContainsKey):
                yield return Event(label, fields);
                break;
            case JsonObject fields:
                foreach (var (key, child) in fields)
                {
                    foreach (var request in Walk(id, child, variant.Length == 0 ? key : $"{variant}.{key}", phones))
                    {
                        yield return request;
                    }
                }

                break;
            case JsonArray items:
                for (var index = 0; index < items.Count; index++)
                {
                    foreach (var request in Walk(id, items[index], $"{variant}[{index}]", phones))
                    {
                        yield return request;
                    }
                }

                break;
        }
    }

    /// <summary>A request written out as HTTP/1.1 text: request line, headers, a blank line, the body.</summary>
    private FieldRequest? Raw(string label, string text)
    {
        if (RequestLine().Match(text) is not { Success: true } line)
        {
            return null;
        }

        var endpoint = $"{line.Groups["method"].Value} {text.Split(' ', 3)[1].Split('?')[0].TrimEnd('/')}"
            .Replace("/api/1/", "/api/{projectId}/", StringComparison.Ordinal);
        text = Ours(text);
        var blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        var head = (blank < 0 ? text : text[..blank]).Split('\n');
        var body = blank < 0 ? "" : text[(blank + 2)..];
        var method = line.Groups["method"].Value;
        var target = head[0].Split(' ')[1];
        var headers = head.Skip(1).Select(header => header.Split(':', 2)).Where(pair => pair.Length == 2)
            .Select(pair => (Name: pair[0].Trim(), Value: pair[1].Trim()))
            .Where(header => header.Name is not ("Host" or "Content-Length"))
            .ToList();
        var bytes = body.Length == 0 ? null : Body(body);

        HttpRequestMessage Build()
        {
            var request = new HttpRequestMessage(new HttpMethod(method), target);
            request.Content = bytes is null ? null : new ByteArrayContent(bytes);
            foreach (var (name, value) in headers)
            {
                if (!request.Headers.TryAddWithoutValidation(name, value))
                {
                    request.Content ??= new ByteArrayContent([]);
                    request.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            return request;
        }

        return new FieldRequest(label, endpoint, Build, WithCredentials: false);
    }

    private FieldRequest Envelope(string label, byte[] body) =>
        new(label, "POST /api/{projectId}/envelope", () => new HttpRequestMessage(HttpMethod.Post,
            $"/api/{seeded.ProjectId}/envelope/?sentry_key={seeded.IngestKey}")
        {
            Content = new ByteArrayContent(body),
        }, WithCredentials: false);

    private static FieldRequest Event(string label, JsonObject fields)
    {
        var posted = (JsonObject)fields.DeepClone();
        posted.Remove("note");
        posted["occurredAt"] ??= MinutesAgo(1);
        return new FieldRequest(label, "POST /api/v1/events", () => new HttpRequestMessage(HttpMethod.Post,
            "/api/v1/events")
        {
            Content = new StringContent(posted.ToJsonString(), Encoding.UTF8, "application/json"),
        }, WithCredentials: true);
    }

    /// <summary>The cases' project 1, key <c>public</c> and DSN, made this project's.</summary>
    private string Ours(string text) => text
        .Replace("/api/1/", $"/api/{seeded.ProjectId}/", StringComparison.Ordinal)
        .Replace("sentry_key=public", $"sentry_key={seeded.IngestKey}", StringComparison.Ordinal)
        .Replace("https://public@failedcalls.example.test/1",
            $"https://{seeded.IngestKey}@failedcalls.example.test/{seeded.ProjectId}", StringComparison.Ordinal);

    /// <summary>A body as spelled, or as described between angle brackets.</summary>
    private byte[] Body(string text)
    {
        if (text.StartsWith("<gzip(SENTRY-01", StringComparison.Ordinal))
        {
            return Compress(Sentry01Body(), stream => new GZipStream(stream, CompressionLevel.Fastest));
        }

        if (text.StartsWith("<zlib.compress(SENTRY-01", StringComparison.Ordinal))
        {
            return Compress(Sentry01Body(), stream => new ZLibStream(stream, CompressionLevel.Fastest));
        }

        if (text.StartsWith("<brotli(SENTRY-01", StringComparison.Ordinal))
        {
            return Compress(Sentry01Body(), stream => new BrotliStream(stream, CompressionLevel.Fastest));
        }

        if (text.StartsWith("<gzip of 200 MB of spaces", StringComparison.Ordinal))
        {
            return GzipOfSpaces(200);
        }

        if (text.StartsWith("<bytes>", StringComparison.Ordinal))
        {
            var random = new byte[1024];
            new Random(Inputs.Seed).NextBytes(random);
            return random;
        }

        return text.Contains("(1.5 MiB)", StringComparison.Ordinal) ? LargeEnvelope() : Unescape(text);
    }

    private byte[] Sentry01Body()
    {
        var raw = Ours((string)Entry("SENTRY-01")["input"]!);
        return Encoding.UTF8.GetBytes(raw[(raw.IndexOf("\n\n", StringComparison.Ordinal) + 2)..]);
    }

    /// <summary>SENTRY-04's envelope: an event item of about 1.5 MiB, its length the exact byte count.</summary>
    private byte[] LargeEnvelope()
    {
        var header = $$"""{"dsn":"https://{{seeded.IngestKey}}@failedcalls.example.test/{{seeded.ProjectId}}"}""";
        var trace = new string('x', 1_572_864);
        var payload = $$$"""{"event_id":"{{{Guid.NewGuid():N}}}","extra":{"sipTrace":"{{{trace}}}"}}""";
        var item = $$"""{"type":"event","length":{{payload.Length}}}""";
        return Encoding.UTF8.GetBytes(string.Join('\n', header, item, payload) + "\n");
    }

    private static JsonNode Entry(string id) =>
        SharedData.FieldCases().Single(entry => (string)entry!["id"]! == id)!;

    private static byte[] GzipOfSpaces(int megabytes)
    {
        var spaces = new byte[1024 * 1024];
        Array.Fill(spaces, (byte)' ');
        return Compress("{}\n{\"type\":\"attachment\"}\n"u8.ToArray(), stream => new GZipStream(stream,
            CompressionLevel.Fastest), gzip =>
        {
            for (var megabyte = 0; megabyte < megabytes; megabyte++)
            {
                gzip.Write(spaces);
            }
        });
    }

    private static byte[] Compress(byte[] body, Func<Stream, Stream> compressor, Action<Stream>? more = null)
    {
        using var compressed = new MemoryStream();
        using (var stream = compressor(compressed))
        {
            stream.Write(body);
            more?.Invoke(stream);
        }

        return compressed.ToArray();
    }

    /// <summary>An envelope body: lines of JSON, the second an item header (newlines possibly written \n).</summary>
    private static bool IsEnvelope(string text) =>
        text.StartsWith('{') && (text.Contains("\n{\"type\"", StringComparison.Ordinal)
            || text.Contains("\\n{\"type\"", StringComparison.Ordinal));

    /// <summary>
    /// Text with <c>\xNN</c> written for a raw byte (and <c>\n</c> for a newline where the case writes one so),
    /// without a trailing note in parentheses: the bytes the case means.
    /// </summary>
    private static byte[] Unescape(string text)
    {
        text = TrailingNote().Replace(text, "");
        if (!text.Contains('\n', StringComparison.Ordinal))
        {
            text = text.Replace("\\n", "\n", StringComparison.Ordinal);
        }

        var bytes = new List<byte>();
        var at = 0;
        foreach (Match escape in RawByte().Matches(text))
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(text[at..escape.Index]));
            bytes.Add(Convert.ToByte(escape.Groups[1].Value, 16));
            at = escape.Index + escape.Length;
        }

        bytes.AddRange(Encoding.UTF8.GetBytes(text[at..]));
        return [.. bytes];
    }

    [GeneratedRegex(@"^(?<method>GET|POST|PUT|PATCH|DELETE|OPTIONS|HEAD) /")]
    private static partial Regex RequestLine();

    [GeneratedRegex(@"\\x([0-9a-fA-F]{2})")]
    private static partial Regex RawByte();

    [GeneratedRegex(@"\s+\([^()]*\)\s*$")]
    private static partial Regex TrailingNote();
}
