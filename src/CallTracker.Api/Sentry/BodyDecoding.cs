using System.IO.Compression;

namespace CallTracker.Api.Sentry;

/// <summary>A body (or a decompressed body) grew past its limit; answered 413.</summary>
public sealed class PayloadTooLargeException(string message) : Exception(message);

/// <summary>An encoding we do not speak; answered 415.</summary>
public sealed class UnsupportedEncodingException(string encoding)
    : Exception($"Content-Encoding '{encoding}' is not supported: send gzip, deflate, br or none.");

/// <summary>
/// Counts bytes as they are read and stops at a limit. The limits are checked while reading, so a
/// gzip bomb is refused after the limit's worth of output, not after it has filled the memory.
/// </summary>
public sealed class LimitedStream(Stream inner, long limit, string what) : Stream
{
    private long read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(
        Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return Count(await inner.ReadAsync(buffer, cancellationToken));
        }
        catch (InvalidOperationException exception) when (inner is BrotliStream)
        {
            // BrotliStream reports corrupt data as InvalidOperationException, unlike the zlib decoders.
            throw new InvalidDataException("The brotli stream is corrupt.", exception);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int bytes)
    {
        read += bytes;
        return read > limit ? throw new PayloadTooLargeException($"The {what} is larger than {limit} bytes.") : bytes;
    }
}

/// <summary>Undoes a request's Content-Encoding, within limits on both sides of the decompressor.</summary>
public static class BodyDecoding
{
    /// <summary>The decoded body as a stream; corrupt data throws <see cref="InvalidDataException"/> on read.</summary>
    public static async Task<Stream> DecodeAsync(
        HttpRequest request, long maxWireBytes, long maxDecodedBytes, CancellationToken cancellationToken)
    {
        var wire = new LimitedStream(request.Body, maxWireBytes, "compressed body");
        // Encodings are listed in the order they were applied (RFC 9110 section 8.4), so they are undone
        // from the last one back; a proxy may have added one of its own. Each stage has the output limit.
        var encodings = request.Headers.ContentEncoding.ToString()
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(encoding => encoding.ToLowerInvariant())
            .Where(encoding => encoding != "identity")
            .Reverse()
            .ToList();
        if (encodings.Count > 2)
        {
            throw new UnsupportedEncodingException(string.Join(", ", encodings));
        }

        Stream decoded = wire;
        foreach (var encoding in encodings)
        {
            Stream stage = encoding switch
            {
                "gzip" or "x-gzip" => new GZipStream(decoded, CompressionMode.Decompress),
                "br" => new BrotliStream(decoded, CompressionMode.Decompress),
                "deflate" => await DeflateAsync(decoded, cancellationToken),
                _ => throw new UnsupportedEncodingException(encoding),
            };
            decoded = new LimitedStream(stage, maxDecodedBytes, "decompressed body");
        }

        return encodings.Count == 0 ? new LimitedStream(wire, maxDecodedBytes, "decompressed body") : decoded;
    }

    /// <summary>
    /// HTTP's deflate is zlib-wrapped (RFC 9110 section 8.4.1.2), but some clients send raw deflate, the
    /// bug Relay once had in reverse. A zlib stream starts with a header whose two bytes are a multiple of 31.
    /// </summary>
    private static async Task<Stream> DeflateAsync(Stream wire, CancellationToken cancellationToken)
    {
        var head = new byte[2];
        var got = await wire.ReadAtLeastAsync(head, 2, throwOnEndOfStream: false, cancellationToken);
        var replayed = new PrefixedStream(head.AsMemory(0, got), wire);
        var isZlib = got == 2 && (head[0] & 0x0F) == 8 && ((head[0] << 8) | head[1]) % 31 == 0;
        return isZlib
            ? new ZLibStream(replayed, CompressionMode.Decompress)
            : new DeflateStream(replayed, CompressionMode.Decompress);
    }

    /// <summary>Gives back bytes already read from a stream before the rest of it.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (prefix.IsEmpty)
            {
                return rest.Read(buffer);
            }

            var count = Math.Min(buffer.Length, prefix.Length);
            prefix.Span[..count].CopyTo(buffer);
            prefix = prefix[count..];
            return count;
        }

        public override async ValueTask<int> ReadAsync(
            Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (prefix.IsEmpty)
            {
                return await rest.ReadAsync(buffer, cancellationToken);
            }

            return Read(buffer.Span);
        }

        public override Task<int> ReadAsync(
            byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
