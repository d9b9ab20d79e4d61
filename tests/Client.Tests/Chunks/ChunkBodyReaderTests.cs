using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using ReplicaFs.Client.Chunks;
using ReplicaFs.Client.Quorum;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Client.Tests.Chunks;

/// <summary>Verification of chunk bodies, full and block-aligned ranges.</summary>
[FsCheck.Xunit.Properties(Replay = "(20261124,13)", MaxTest = 100)]
public sealed class ChunkBodyReaderTests
{
    private static readonly Gen<(int Length, int Start, int End, int Seed)> Windows =
        from length in Gen.Choose(1, 5 * ChunkChecksum.BlockSize)
        from a in Gen.Choose(0, length)
        from b in Gen.Choose(0, length)
        from seed in Gen.Choose(0, 1000)
        where a != b
        select (length, Math.Min(a, b), Math.Max(a, b), seed);

    [FsCheck.Xunit.Property]
    public Property Any_window_read_as_planned_delivers_exactly_the_wanted_bytes() =>
        Prop.ForAll(Windows.ToArbitrary(), w =>
        {
            var data = Bytes(w.Length, w.Seed);
            var checksum = ChunkChecksum.Compute(data);
            var (offset, length) = QuorumReader.PlanRange(w.Start, w.End, w.Length);
            using var response = offset is null ? Full(data) : Range(data, offset.Value, length!.Value);
            var target = new byte[w.End - w.Start];
            var reply = ChunkBodyReader.ReadAsync(response, 5, checksum, offset, new MemoryDestination(target, w.Start), CancellationToken.None).GetAwaiter().GetResult();
            return reply.Verdict == ReplicaVerdict.Ok && target.AsSpan().SequenceEqual(data.AsSpan(w.Start, w.End - w.Start))
                && (offset is null) == (w.Start == 0 && w.End == w.Length);
        });

    [Fact]
    public async Task A_flipped_byte_in_a_full_body_is_corrupt()
    {
        var data = Bytes(200_000, 1);
        var checksum = ChunkChecksum.Compute(data);
        data[150_000] ^= 1;
        using var response = Full(data);
        var reply = await ChunkBodyReader.ReadAsync(response, 5, checksum, null, new MemoryDestination(new byte[200_000], 0), TestContext.Current.CancellationToken);
        Assert.Equal(ReplicaVerdict.Corrupt, reply.Verdict);
        Assert.Contains("committed checksum is " + ChunkChecksum.Format(checksum), reply.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flipped_byte_in_a_range_is_corrupt_and_names_its_block()
    {
        var data = Bytes(200_000, 2);
        var checksum = ChunkChecksum.Compute(data);
        using var response = Range(data, 65536, 65536, flipAt: 70_000);
        var reply = await ChunkBodyReader.ReadAsync(response, 5, checksum, 65536, new MemoryDestination(new byte[100], 70_000), TestContext.Current.CancellationToken);
        Assert.Equal(ReplicaVerdict.Corrupt, reply.Verdict);
        Assert.Contains("block 1", reply.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Block_hashes_that_do_not_lead_to_the_committed_checksum_are_corrupt()
    {
        var data = Bytes(200_000, 3);
        var other = Bytes(200_000, 4);
        using var response = Range(other, 0, 65536);
        var reply = await ChunkBodyReader.ReadAsync(response, 5, ChunkChecksum.Compute(data), 0, new MemoryDestination(new byte[10], 0), TestContext.Current.CancellationToken);
        Assert.Equal(ReplicaVerdict.Corrupt, reply.Verdict);
        Assert.Contains("block hashes", reply.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_shorter_than_declared_fails()
    {
        var data = Bytes(100_000, 5);
        using var response = Full(data);
        response.Content = new ByteArrayContent(data[..50_000]);
        response.Content.Headers.ContentLength = 100_000;
        var reply = await ChunkBodyReader.ReadAsync(response, 5, ChunkChecksum.Compute(data), null, new MemoryDestination(new byte[100_000], 0), TestContext.Current.CancellationToken);
        Assert.Equal(ReplicaVerdict.Failed, reply.Verdict);
    }

    [Fact]
    public async Task Another_version_than_asked_for_is_stale()
    {
        var data = Bytes(1000, 6);
        using var response = Full(data);
        var reply = await ChunkBodyReader.ReadAsync(response, 4, ChunkChecksum.Compute(data), null, new MemoryDestination(new byte[1000], 0), TestContext.Current.CancellationToken);
        Assert.Equal(ReplicaVerdict.Stale, reply.Verdict);
    }

    [Fact]
    public async Task A_range_without_block_hashes_fails()
    {
        var data = Bytes(100_000, 7);
        using var response = Range(data, 0, 65536);
        response.Headers.Remove(ChunkHeaders.BlockHashes);
        var reply = await ChunkBodyReader.ReadAsync(response, 5, ChunkChecksum.Compute(data), 0, new MemoryDestination(new byte[10], 0), TestContext.Current.CancellationToken);
        Assert.Equal(ReplicaVerdict.Failed, reply.Verdict);
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static HttpResponseMessage Full(byte[] data)
    {
        var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent(data) };
        response.Headers.Add(ChunkHeaders.Version, "5");
        response.Headers.Add(ChunkHeaders.Length, data.Length.ToString(CultureInfo.InvariantCulture));
        return response;
    }

    private static HttpResponseMessage Range(byte[] data, long offset, long length, int flipAt = -1)
    {
        var hashes = new ulong[ChunkChecksum.BlockCount(data.Length)];
        ChunkChecksum.HashBlocks(data, hashes);
        var body = data[(int)offset..(int)Math.Min(offset + length, data.Length)];
        if (flipAt >= 0)
        {
            body[flipAt - (int)offset] ^= 1;
        }

        var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent(body) };
        response.Headers.Add(ChunkHeaders.Version, "5");
        response.Headers.Add(ChunkHeaders.Length, data.Length.ToString(CultureInfo.InvariantCulture));
        response.Headers.Add(ChunkHeaders.Offset, offset.ToString(CultureInfo.InvariantCulture));
        response.Headers.Add(ChunkHeaders.BlockHashes, ChunkChecksum.FormatBlockHashes(hashes));
        return response;
    }
}
