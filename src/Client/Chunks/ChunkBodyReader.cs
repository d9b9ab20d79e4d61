using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using ReplicaFs.Client.Quorum;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Client.Chunks;

/// <summary>
/// Reads a chunk body from a data server's GET response into a <see cref="ChunkDestination"/>, verifying it on the
/// way: a full body must hash to the committed checksum (<see cref="ChunkChecksum"/>: block hashes, then their root);
/// a range body comes with every block hash of the stored chunk, whose root must be the committed checksum, and each
/// received block must match its hash. Reads 64 KiB at a time, straight into the destination when it can take them.
/// </summary>
internal static class ChunkBodyReader
{
    /// <summary>Reads and verifies a body; never throws for bad data, only for cancellation and transport errors.</summary>
    /// <param name="response">A 200/206 response to <c>GET /api/chunks/{key}</c>.</param>
    /// <param name="version">The committed version that was asked for.</param>
    /// <param name="checksum">The committed checksum.</param>
    /// <param name="rangeOffset">The block-aligned offset asked for, or null for a full read.</param>
    /// <param name="destination">Receives the wanted bytes.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task<ReplicaReply> ReadAsync(HttpResponseMessage response, long version, ulong checksum, long? rangeOffset, ChunkDestination destination, CancellationToken cancellationToken)
    {
        if (ReadLong(response, ChunkHeaders.Version) is { } served && served != version)
        {
            return new ReplicaReply(ReplicaVerdict.Stale, $"served version {served} instead of {version}");
        }

        var scratch = ArrayPool<byte>.Shared.Rent(ChunkChecksum.BlockSize);
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            await using (stream)
            {
                return rangeOffset is { } offset
                    ? await ReadRangeAsync(response, stream, offset, checksum, destination, scratch, cancellationToken)
                    : await ReadFullAsync(response, stream, checksum, destination, scratch, cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static async Task<ReplicaReply> ReadFullAsync(HttpResponseMessage response, Stream stream, ulong checksum, ChunkDestination destination, byte[] scratch, CancellationToken cancellationToken)
    {
        var declared = response.Content.Headers.ContentLength ?? ReadLong(response, ChunkHeaders.Length);
        var hashes = ArrayPool<ulong>.Shared.Rent(declared is { } d and >= 0 ? Math.Max(1, ChunkChecksum.BlockCount(d)) : 64);
        try
        {
            var blocks = 0;
            var position = 0;
            while (true)
            {
                var want = declared is { } total ? (int)Math.Min(ChunkChecksum.BlockSize, total - position) : ChunkChecksum.BlockSize;
                if (want <= 0)
                {
                    break;
                }

                var direct = destination.Direct(position, want);
                var target = direct.IsEmpty ? scratch.AsMemory(0, want) : direct;
                var read = await stream.ReadAtLeastAsync(target, want, throwOnEndOfStream: false, cancellationToken);
                if (read < want && declared is not null)
                {
                    return new ReplicaReply(ReplicaVerdict.Failed, $"the body ended after {position + read} of {declared} bytes");
                }

                if (read == 0)
                {
                    break;
                }

                if (blocks == hashes.Length)
                {
                    var bigger = ArrayPool<ulong>.Shared.Rent(hashes.Length * 2);
                    hashes.AsSpan(0, blocks).CopyTo(bigger);
                    ArrayPool<ulong>.Shared.Return(hashes);
                    hashes = bigger;
                }

                var block = target.Span[..read];
                hashes[blocks++] = ChunkChecksum.HashBlock(block);
                if (direct.IsEmpty)
                {
                    destination.Accept(position, block);
                }

                position += read;
                if (read < want)
                {
                    break;
                }
            }

            var root = ChunkChecksum.Root(hashes.AsSpan(0, blocks));
            if (root != checksum)
            {
                return new ReplicaReply(ReplicaVerdict.Corrupt, $"served {position} bytes that hash to {ChunkChecksum.Format(root)}, committed checksum is {ChunkChecksum.Format(checksum)}");
            }

            return position < destination.End
                ? new ReplicaReply(ReplicaVerdict.Failed, $"the verified chunk has {position} bytes, {destination.End} were expected")
                : ReplicaReply.Ok;
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(hashes);
        }
    }

    private static async Task<ReplicaReply> ReadRangeAsync(HttpResponseMessage response, Stream stream, long offset, ulong checksum, ChunkDestination destination, byte[] scratch, CancellationToken cancellationToken)
    {
        if (ReadLong(response, ChunkHeaders.Length) is not { } storedLength || storedLength < 0)
        {
            return new ReplicaReply(ReplicaVerdict.Failed, $"the range response has no valid {ChunkHeaders.Length} header");
        }

        if (ReadLong(response, ChunkHeaders.Offset) is { } servedOffset && servedOffset != offset)
        {
            return new ReplicaReply(ReplicaVerdict.Failed, $"asked for offset {offset}, served offset {servedOffset}");
        }

        if (!ChunkChecksum.TryParseBlockHashes(Header(response, ChunkHeaders.BlockHashes), out var blockHashes)
            || blockHashes.Length != ChunkChecksum.BlockCount(storedLength))
        {
            return new ReplicaReply(ReplicaVerdict.Failed, $"the range response has no valid {ChunkHeaders.BlockHashes} header for {storedLength} bytes");
        }

        var root = ChunkChecksum.Root(blockHashes);
        if (root != checksum)
        {
            return new ReplicaReply(ReplicaVerdict.Corrupt, $"its block hashes have root {ChunkChecksum.Format(root)}, committed checksum is {ChunkChecksum.Format(checksum)}");
        }

        if (storedLength < destination.End)
        {
            return new ReplicaReply(ReplicaVerdict.Failed, $"the stored chunk has {storedLength} bytes, {destination.End} were expected");
        }

        var position = (int)offset;
        while (position < destination.End)
        {
            var blockIndex = position / ChunkChecksum.BlockSize;
            var want = (int)Math.Min(ChunkChecksum.BlockSize, storedLength - position);
            var direct = destination.Direct(position, want);
            var target = direct.IsEmpty ? scratch.AsMemory(0, want) : direct;
            var read = await stream.ReadAtLeastAsync(target, want, throwOnEndOfStream: false, cancellationToken);
            if (read < want)
            {
                return new ReplicaReply(ReplicaVerdict.Failed, $"the range body ended at chunk offset {position + read}, {destination.End} needed");
            }

            var block = target.Span[..want];
            if (ChunkChecksum.HashBlock(block) != blockHashes[blockIndex])
            {
                return new ReplicaReply(ReplicaVerdict.Corrupt, $"block {blockIndex} of the served range does not match its hash");
            }

            if (direct.IsEmpty)
            {
                destination.Accept(position, block);
            }

            position += want;
        }

        return ReplicaReply.Ok;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.FirstOrDefault()
            : null;

    private static long? ReadLong(HttpResponseMessage response, string name) =>
        long.TryParse(Header(response, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Reads a numeric header (version, length) from a response.</summary>
    internal static long? ReadLongHeader(HttpResponseHeaders headers, HttpContentHeaders? content, string name) =>
        (headers.TryGetValues(name, out var values) || (content is not null && content.TryGetValues(name, out values)))
        && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
