using System.Text.Json;

namespace CallTracker.Api.Sentry;

/// <summary>One item of an envelope: its header, and its payload when it is one we use.</summary>
public sealed record EnvelopeItem(string Type, byte[]? Payload);

/// <summary>
/// Reads a Sentry envelope from a stream, item by item, as bytes: a JSON header line, then items, each a
/// JSON item header line and a payload of <c>length</c> bytes, or up to the next newline when there is no
/// length. The whole envelope is never held in memory; only the payloads of the items we use are, each
/// within its own limit.
/// </summary>
public sealed class EnvelopeReader(Stream stream, int maxLineBytes)
{
    private readonly byte[] buffer = new byte[64 * 1024];
    private int start;
    private int end;
    private bool exhausted;

    /// <summary>The envelope header, or null for an empty body.</summary>
    public async Task<JsonDocument?> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(maxLineBytes, "envelope header", cancellationToken);
        return line is null ? null : Parse(line, "envelope header");
    }

    /// <summary>The next item, or null at the end; payloads of unwanted types are skipped.</summary>
    public async Task<EnvelopeItem?> ReadItemAsync(
        IReadOnlySet<string> wanted, int maxPayloadBytes, CancellationToken cancellationToken)
    {
        byte[]? headerLine;
        do
        {
            headerLine = await ReadLineAsync(maxLineBytes, "item header", cancellationToken);
        }
        while (headerLine is { Length: 0 });

        if (headerLine is null)
        {
            return null;
        }

        using var header = Parse(headerLine, "item header");
        var root = header.RootElement;

        // TryGetProperty throws on a number or an array, which made a 500 of the client's mistake.
        if (root.ValueKind != JsonValueKind.Object)
        {
            var kind = root.ValueKind.ToString().ToLowerInvariant();
            throw new InvalidDataException(
                $"The item header is a JSON {kind}, not an object such as {{\"type\":\"event\"}}.");
        }

        var type = root.TryGetProperty("type", out var typeValue) && typeValue.ValueKind == JsonValueKind.String
            ? typeValue.GetString()!
            : "";
        long? length = root.TryGetProperty("length", out var lengthValue)
            && lengthValue.ValueKind == JsonValueKind.Number
            && lengthValue.TryGetInt64(out var declared) && declared >= 0
                ? declared
                : null;

        var keep = wanted.Contains(type);
        if (keep && length > maxPayloadBytes)
        {
            throw new PayloadTooLargeException($"The {type} item is larger than {maxPayloadBytes} bytes.");
        }

        byte[]? payload;
        if (length is { } exact)
        {
            payload = keep ? await ReadExactlyAsync((int)exact, cancellationToken) : null;
            if (!keep)
            {
                await SkipAsync(exact, cancellationToken);
            }

            await SkipNewlineAsync(cancellationToken);
        }
        else
        {
            // Without a length the payload runs to the next newline; an item we skip may be long.
            payload = await ReadLineAsync(keep ? maxPayloadBytes : int.MaxValue, $"{type} item", cancellationToken,
                discard: !keep) ?? [];
            payload = keep ? payload : null;
        }

        return new EnvelopeItem(type, payload);
    }

    private static JsonDocument Parse(byte[] line, string what)
    {
        if (!System.Text.Unicode.Utf8.IsValid(line))
        {
            throw new InvalidDataException($"The {what} is not valid UTF-8.");
        }

        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"The {what} is not valid JSON: {exception.Message}", exception);
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (exhausted)
        {
            return false;
        }

        if (start > 0)
        {
            Array.Copy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }

        var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken);
        if (read == 0)
        {
            exhausted = true;
            return false;
        }

        end += read;
        return true;
    }

    /// <summary>Bytes up to the next newline (not included), or null at the end of the stream.</summary>
    private async Task<byte[]?> ReadLineAsync(
        int maxBytes, string what, CancellationToken cancellationToken, bool discard = false)
    {
        using var line = new MemoryStream();
        var any = false;
        while (true)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            var take = (newline < 0 ? end : newline) - start;
            if (line.Length + take > maxBytes)
            {
                throw new PayloadTooLargeException($"The {what} is larger than {maxBytes} bytes.");
            }

            if (!discard)
            {
                line.Write(buffer, start, take);
            }

            any |= take > 0 || newline >= 0;
            start += take;
            if (newline >= 0)
            {
                start++;
                return TrimCarriageReturn(line.ToArray());
            }

            if (!await FillAsync(cancellationToken))
            {
                return any ? TrimCarriageReturn(line.ToArray()) : null;
            }
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int length, CancellationToken cancellationToken)
    {
        var payload = new byte[length];
        var copied = 0;
        while (copied < length)
        {
            if (start == end && !await FillAsync(cancellationToken))
            {
                throw new InvalidDataException($"The envelope ended {length - copied} bytes before an item's length.");
            }

            var take = Math.Min(length - copied, end - start);
            Array.Copy(buffer, start, payload, copied, take);
            start += take;
            copied += take;
        }

        return payload;
    }

    private async Task SkipAsync(long length, CancellationToken cancellationToken)
    {
        while (length > 0)
        {
            if (start == end && !await FillAsync(cancellationToken))
            {
                throw new InvalidDataException("The envelope ended before an item's declared length.");
            }

            var take = (int)Math.Min(length, end - start);
            start += take;
            length -= take;
        }
    }

    private async Task SkipNewlineAsync(CancellationToken cancellationToken)
    {
        if (start == end && !await FillAsync(cancellationToken))
        {
            return;
        }

        if (buffer[start] == '\r')
        {
            start++;
            if (start == end && !await FillAsync(cancellationToken))
            {
                return;
            }
        }

        if (buffer[start] == '\n')
        {
            start++;
        }
    }

    private static byte[] TrimCarriageReturn(byte[] line) =>
        line is [.., (byte)'\r'] ? line[..^1] : line;
}
