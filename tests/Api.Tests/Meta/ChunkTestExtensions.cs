using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Files;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>Lease-and-commit shortcuts for chunk map tests (no bytes move: meta only records what clients report).</summary>
public static class ChunkTestExtensions
{
    /// <summary>A made-up but well-formed checksum for a chunk version.</summary>
    public static string ChecksumOf(long chunkId, long version) => ChunkChecksum.Format((ulong)((chunkId * 1_000_003) + version));

    /// <summary>One lease for one index.</summary>
    public static async Task<WriteLease> LeaseAsync(this IChunkMapApi api, long ino, long index) =>
        Assert.Single((await api.AcquireLeasesAsync(ino, new LeaseRequest([index]), TestContext.Current.CancellationToken)).Leases);

    /// <summary>A commit of <paramref name="lease"/> acknowledged by every replica unless told otherwise.</summary>
    public static ChunkCommit CommitOf(WriteLease lease, long length, IReadOnlyList<int>? acknowledged = null, IReadOnlyList<ReplicaFailure>? failed = null) =>
        new(lease.ChunkId, lease.Version, lease.BaseVersion, length, ChecksumOf(lease.ChunkId, lease.Version),
            acknowledged ?? [.. lease.Replicas.Select(r => r.ServerId)], failed ?? []);

    /// <summary>Leases and commits chunk <paramref name="index"/> with <paramref name="length"/> bytes, extending the file to cover it.</summary>
    public static async Task<(WriteLease Lease, InodeAttributes Attributes)> WriteChunkAsync(this IChunkMapApi api, long ino, long index, long length, int chunkSize)
    {
        var lease = await api.LeaseAsync(ino, index);
        var attributes = await api.CommitAsync(ino, new CommitRequest([CommitOf(lease, length)], (index * chunkSize) + length), TestContext.Current.CancellationToken);
        return (lease, attributes);
    }

    /// <summary>A chunk as comparable text (records holding lists compare by reference).</summary>
    public static string Describe(this ChunkInfo? chunk) =>
        chunk is null
            ? "none"
            : $"{chunk.ChunkId}@{chunk.Index} v{chunk.Version} len {chunk.Length} {chunk.Checksum} [{string.Join(", ", chunk.Replicas.Select(r => $"{r.ServerId}:{r.State}@{r.Version}"))}]";

    /// <summary>The chunk at <paramref name="index"/> of a file, or null.</summary>
    public static async Task<ChunkInfo?> ChunkAtAsync(this IChunkMapApi api, long ino, long index)
    {
        var page = await api.GetChunksAsync(ino, index, 1, TestContext.Current.CancellationToken);
        return page.Chunks.SingleOrDefault();
    }
}
