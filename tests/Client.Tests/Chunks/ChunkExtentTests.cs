using FsCheck;
using FsCheck.Fluent;
using ReplicaFs.Client.Chunks;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Client.Tests.Chunks;

/// <summary>Zero-fill and clamp rules against a model of the file's bytes.</summary>
[FsCheck.Xunit.Properties(Replay = "(20261124,5)", MaxTest = 300)]
public sealed class ChunkExtentTests
{
    private const int ChunkSize = 16;

    private static readonly Gen<(long Size, long[] Lengths)> Files =
        from chunks in Gen.Choose(0, 6)
        from lengths in Gen.ArrayOf(Gen.Choose(-1, ChunkSize), chunks)
        from extra in Gen.Choose(0, 40)
        select (Math.Max(0L, (chunks * ChunkSize) + extra - 20), lengths.Select(l => (long)l).ToArray());

    [FsCheck.Xunit.Property]
    public Property Readable_length_never_passes_the_chunk_length_the_chunk_size_or_the_file_size() =>
        Prop.ForAll(Files.ToArbitrary(), file =>
        {
            for (var index = 0; index < file.Lengths.Length; index++)
            {
                var chunk = file.Lengths[index] < 0 ? null : Chunk(index, file.Lengths[index]);
                var readable = ChunkExtent.ReadableLength(chunk, index, ChunkSize, file.Size);
                var expected = chunk is null ? 0 : Math.Max(0, Math.Min(chunk.Length, Math.Min(ChunkSize, file.Size - (index * ChunkSize))));
                if (readable != expected)
                {
                    return false;
                }
            }

            return true;
        });

    [FsCheck.Xunit.Property]
    public Property Truncate_drops_chunks_at_or_beyond_the_size_and_clamps_the_boundary_chunk() =>
        Prop.ForAll(Files.ToArbitrary(), Gen.Choose(0, 120).ToArbitrary(), (file, newSize) =>
        {
            // Model: byte i of the file reads from its chunk if i < chunk length, else zero; after truncate to n,
            // bytes >= n do not exist and bytes < n read as before.
            for (var index = 0; index < file.Lengths.Length; index++)
            {
                if (file.Lengths[index] < 0)
                {
                    continue;
                }

                var chunk = Chunk(index, file.Lengths[index]);
                var after = ChunkExtent.AfterTruncate(chunk, ChunkSize, newSize);
                var start = index * ChunkSize;
                if (start >= newSize)
                {
                    if (after is not null)
                    {
                        return false;
                    }

                    continue;
                }

                if (after is null || after.Length != Math.Min(chunk.Length, newSize - start) || after.Version != chunk.Version)
                {
                    return false;
                }
            }

            return true;
        });

    [Fact]
    public void A_write_keeps_the_readable_base_and_extends_it() =>
        Assert.Equal((10, 30, 30), (ChunkExtent.LengthAfterWrite(10, 4), ChunkExtent.LengthAfterWrite(10, 30), ChunkExtent.LengthAfterWrite(0, 30)));

    [Fact]
    public void A_hole_reads_nothing_from_replicas() =>
        Assert.Equal(0, ChunkExtent.ReadableLength(null, 3, ChunkSize, 1000));

    private static ChunkInfo Chunk(long index, long length) =>
        new(index + 1, index, 7, length, "0000000000000000", []);
}
