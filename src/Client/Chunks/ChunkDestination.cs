namespace ReplicaFs.Client.Chunks;

/// <summary>
/// Where the bytes of a chunk read go. A destination covers chunk offsets [<see cref="Start"/>, <see cref="End"/>);
/// the reader hands it every byte of that window exactly once per attempt (a retry from another replica writes the
/// window again). Bytes outside the window are hashed for verification and dropped.
/// </summary>
internal abstract class ChunkDestination
{
    /// <summary>First chunk offset wanted.</summary>
    public abstract int Start { get; }

    /// <summary>One past the last chunk offset wanted.</summary>
    public abstract int End { get; }

    /// <summary>
    /// Memory to read chunk bytes [<paramref name="chunkOffset"/>, <paramref name="chunkOffset"/> + <paramref name="length"/>)
    /// into directly, or empty when the destination needs them copied through <see cref="Accept"/>.
    /// </summary>
    public virtual Memory<byte> Direct(int chunkOffset, int length) => Memory<byte>.Empty;

    /// <summary>Takes chunk bytes starting at <paramref name="chunkOffset"/>; only the part inside the window is kept.</summary>
    public abstract void Accept(int chunkOffset, ReadOnlySpan<byte> bytes);
}

/// <summary>A destination that is one contiguous piece of memory.</summary>
/// <param name="target">Receives chunk bytes [<paramref name="chunkStart"/>, <paramref name="chunkStart"/> + target length).</param>
/// <param name="chunkStart">The chunk offset of the first byte of <paramref name="target"/>.</param>
internal sealed class MemoryDestination(Memory<byte> target, int chunkStart) : ChunkDestination
{
    /// <inheritdoc />
    public override int Start => chunkStart;

    /// <inheritdoc />
    public override int End => chunkStart + target.Length;

    /// <inheritdoc />
    public override Memory<byte> Direct(int chunkOffset, int length) =>
        chunkOffset >= Start && chunkOffset + length <= End ? target.Slice(chunkOffset - chunkStart, length) : Memory<byte>.Empty;

    /// <inheritdoc />
    public override void Accept(int chunkOffset, ReadOnlySpan<byte> bytes)
    {
        var from = Math.Max(chunkOffset, Start);
        var to = Math.Min(chunkOffset + bytes.Length, End);
        if (from < to)
        {
            bytes.Slice(from - chunkOffset, to - from).CopyTo(target.Span.Slice(from - chunkStart));
        }
    }
}

/// <summary>
/// A destination that fills memory everywhere except where it holds newer (dirty) bytes: used to merge the committed
/// base of a chunk under a partial write, and to read the committed bytes around dirty ones through a handle.
/// </summary>
/// <param name="buffer">The memory; its first byte is chunk offset <paramref name="bufferChunkStart"/>.</param>
/// <param name="bufferChunkStart">The chunk offset of the buffer's first byte.</param>
/// <param name="keep">Chunk offsets that must not be overwritten (null: none).</param>
/// <param name="start">First chunk offset to fill.</param>
/// <param name="end">One past the last chunk offset to fill.</param>
internal sealed class MergeDestination(Memory<byte> buffer, int bufferChunkStart, ByteRanges? keep, int start, int end) : ChunkDestination
{
    /// <inheritdoc />
    public override int Start => start;

    /// <inheritdoc />
    public override int End => end;

    /// <inheritdoc />
    public override Memory<byte> Direct(int chunkOffset, int length) =>
        keep is null && chunkOffset >= start && chunkOffset + length <= end
            ? buffer.Slice(chunkOffset - bufferChunkStart, length)
            : Memory<byte>.Empty;

    /// <inheritdoc />
    public override void Accept(int chunkOffset, ReadOnlySpan<byte> bytes)
    {
        var from = Math.Max(chunkOffset, start);
        var to = Math.Min(chunkOffset + bytes.Length, end);
        if (from >= to)
        {
            return;
        }

        if (keep is null)
        {
            bytes.Slice(from - chunkOffset, to - from).CopyTo(buffer.Span.Slice(from - bufferChunkStart));
            return;
        }

        foreach (var gap in keep.Gaps(from, to))
        {
            bytes.Slice(gap.Start - chunkOffset, gap.Length).CopyTo(buffer.Span.Slice(gap.Start - bufferChunkStart));
        }
    }
}
