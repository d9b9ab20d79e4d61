using FsCheck;
using FsCheck.Fluent;
using ReplicaFs.Client.Chunks;

namespace ReplicaFs.Client.Tests.Chunks;

[FsCheck.Xunit.Properties(Replay = "(20261124,1)", MaxTest = 300)]
public sealed class ChunkLayoutTests
{
    private static readonly Gen<(int ChunkSize, long Offset, long Length)> Ranges =
        from chunkSize in Gen.Elements(1, 7, 4096, 65536, 262144, 4 * 1024 * 1024)
        from offset in Gen.Choose(0, 50_000_000)
        from scale in Gen.Elements(1L, 3L, 997L)
        from chunks in Gen.Choose(0, 40)
        from extra in Gen.Choose(0, chunkSize - 1)
        let length = ((long)chunks * chunkSize) + extra
        select (chunkSize, offset * scale, length);

    [FsCheck.Xunit.Property]
    public Property Segments_cover_the_range_exactly_in_order_within_chunk_bounds() =>
        Prop.ForAll(Ranges.ToArbitrary(), r =>
        {
            var layout = new ChunkLayout(r.ChunkSize);
            var segments = layout.Segments(r.Offset, r.Length).ToList();
            long covered = 0;
            var previousIndex = -1L;
            foreach (var s in segments)
            {
                var fileOffset = (s.Index * r.ChunkSize) + s.ChunkOffset;
                if (fileOffset != r.Offset + covered || s.BufferOffset != covered)
                {
                    return false;
                }

                if (s.Length <= 0 || s.ChunkOffset < 0 || s.ChunkEnd > r.ChunkSize || (previousIndex >= 0 && s.Index != previousIndex + 1))
                {
                    return false;
                }

                // Every segment but the first starts a chunk; every one but the last ends a chunk.
                if ((covered > 0 && s.ChunkOffset != 0) || (covered + s.Length < r.Length && s.ChunkEnd != r.ChunkSize))
                {
                    return false;
                }

                previousIndex = s.Index;
                covered += s.Length;
            }

            return covered == r.Length;
        });

    [Fact]
    public void Index_and_start_agree()
    {
        var layout = new ChunkLayout(65536);
        Assert.Equal(0, layout.IndexOf(65535));
        Assert.Equal(1, layout.IndexOf(65536));
        Assert.Equal(65536L * 3, layout.StartOf(3));
        Assert.Equal(0, layout.ChunkCount(0));
        Assert.Equal(1, layout.ChunkCount(1));
        Assert.Equal(2, layout.ChunkCount(65537));
    }

    [Fact]
    public void An_empty_range_has_no_segments() =>
        Assert.Empty(new ChunkLayout(4096).Segments(12345, 0).ToList());

    [Fact]
    public void Offsets_beyond_4_GiB_work()
    {
        var layout = new ChunkLayout(4 * 1024 * 1024);
        var segments = layout.Segments((5L << 30) + 100, 8 * 1024 * 1024).ToList();
        Assert.Equal(3, segments.Count);
        Assert.Equal(1280, segments[0].Index);
        Assert.Equal(100, segments[0].ChunkOffset);
        Assert.Equal(100, segments[^1].Length);
    }
}
