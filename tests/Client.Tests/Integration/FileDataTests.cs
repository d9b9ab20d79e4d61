using System.Security.Cryptography;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Testing;

namespace ReplicaFs.Client.Tests.Integration;

/// <summary>Byte-range semantics on a real cluster: overwrites, holes, truncation, concurrency.</summary>
[Collection(IntegrationGroup.Name)]
public sealed class FileDataTests(SeedClusterFixture fixture) : IClassFixture<SeedClusterFixture>
{
    private const int ChunkSize = 256 * 1024;

    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Overwrites_inside_a_chunk_and_across_chunk_boundaries_keep_everything_else_intact()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = await ClusterClient.ConnectAsync(Cluster);
        var file = await client.CreateFileAsync($"/overwrite-{Guid.NewGuid():N}", cancellationToken: ct);
        var model = ClusterClient.Bytes((ChunkSize * 4) + 12_345, 1);
        await client.WriteAsync(file.Ino, 0, model, ct);

        // Inside one chunk, across one boundary, across two, touching the file's last byte, past the end.
        var patches = new (int Offset, int Length)[]
        {
            (1000, 10), (ChunkSize - 5, 10), (ChunkSize + 70_000, (ChunkSize * 2) - 1000), (model.Length - 3, 3), (model.Length - 100, 5000),
        };
        var seed = 10;
        foreach (var (offset, length) in patches)
        {
            var patch = ClusterClient.Bytes(length, seed++);
            await client.WriteAsync(file.Ino, offset, patch, ct);
            if (offset + length > model.Length)
            {
                Array.Resize(ref model, offset + length);
            }

            patch.CopyTo(model, offset);
        }

        // Through a handle too (write-behind, read-your-writes, then committed).
        await using (var handle = await client.OpenFileAsync(file.Ino, ct))
        {
            var patch = ClusterClient.Bytes(ChunkSize + 3, seed);
            await handle.WriteAsync(ChunkSize * 3 - 1, patch, ct);
            patch.CopyTo(model, (ChunkSize * 3) - 1);
            var early = new byte[model.Length];
            Assert.Equal(model.Length, await handle.ReadAsync(0, early, ct));
            Assert.Equal(model, early);
        }

        await using var reader = await ClusterClient.ConnectAsync(Cluster);
        var read = new byte[model.Length + 100];
        Assert.Equal(model.Length, await reader.ReadAsync(file.Ino, 0, read, ct));
        Assert.Equal(model, read[..model.Length]);
        Assert.Equal(model.Length, (await reader.GetAttributesAsync(file.Ino, ct)).Size);
    }

    [Fact]
    public async Task Holes_and_truncation_read_as_zeros_and_shrinking_drops_the_tail()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = await ClusterClient.ConnectAsync(Cluster);
        var file = await client.CreateFileAsync($"/holes-{Guid.NewGuid():N}", cancellationToken: ct);

        // A write far into an empty file: everything before it is a hole.
        var tail = ClusterClient.Bytes(1000, 20);
        await client.WriteAsync(file.Ino, (ChunkSize * 3) + 500, tail, ct);
        var map = await Cluster.MetaApi.GetChunksAsync(file.Ino, cancellationToken: ct);
        Assert.Equal([3L], map.Chunks.Select(c => c.Index));
        var all = new byte[(ChunkSize * 3) + 1500];
        Assert.Equal(all.Length, await client.ReadAsync(file.Ino, 0, all, ct));
        Assert.All(all[..((ChunkSize * 3) + 500)], b => Assert.Equal(0, b));
        Assert.Equal(tail, all[((ChunkSize * 3) + 500)..]);

        // Grow: zeros; shrink into the middle of a chunk: the tail is gone; grow again: zeros, not the old bytes.
        await client.TruncateAsync(file.Ino, ChunkSize * 5, ct);
        var grown = new byte[ChunkSize * 5];
        Assert.Equal(grown.Length, await client.ReadAsync(file.Ino, 0, grown, ct));
        Assert.Equal(tail, grown[((ChunkSize * 3) + 500)..((ChunkSize * 3) + 1500)]);
        Assert.All(grown[((ChunkSize * 3) + 1500)..], b => Assert.Equal(0, b));

        await client.TruncateAsync(file.Ino, (ChunkSize * 3) + 700, ct);
        var shrunk = new byte[ChunkSize * 5];
        Assert.Equal((ChunkSize * 3) + 700, await client.ReadAsync(file.Ino, 0, shrunk, ct));
        Assert.Equal(tail[..200], shrunk[((ChunkSize * 3) + 500)..((ChunkSize * 3) + 700)]);
        Assert.Equal(700, (await Cluster.MetaApi.GetChunksAsync(file.Ino, cancellationToken: ct)).Chunks.Single().Length);

        await client.TruncateAsync(file.Ino, ChunkSize * 4, ct);
        var regrown = new byte[ChunkSize * 4];
        Assert.Equal(regrown.Length, await client.ReadAsync(file.Ino, 0, regrown, ct));
        Assert.Equal(tail[..200], regrown[((ChunkSize * 3) + 500)..((ChunkSize * 3) + 700)]);
        Assert.All(regrown[((ChunkSize * 3) + 700)..], b => Assert.Equal(0, b));

        // A write after the clamped end keeps the zeros between.
        await client.WriteAsync(file.Ino, (ChunkSize * 3) + 2000, new byte[] { 1, 2, 3 }, ct);
        var after = new byte[(ChunkSize * 3) + 2003];
        await client.ReadAsync(file.Ino, 0, after, ct);
        Assert.All(after[((ChunkSize * 3) + 700)..((ChunkSize * 3) + 2000)], b => Assert.Equal(0, b));
        Assert.Equal(new byte[] { 1, 2, 3 }, after[((ChunkSize * 3) + 2000)..]);

        // Truncate to zero, through a handle.
        await using var handle = await client.OpenFileAsync(file.Ino, ct);
        await handle.TruncateAsync(0, ct);
        Assert.Equal(0, await handle.ReadAsync(0, new byte[10], ct));
        Assert.Empty((await Cluster.MetaApi.GetChunksAsync(file.Ino, cancellationToken: ct)).Chunks);
    }

    [Fact]
    public async Task Concurrent_writers_to_different_files_and_to_different_chunks_of_one_file()
    {
        var ct = TestContext.Current.CancellationToken;
        var clients = new List<ReplicaFsClient>();
        for (var i = 0; i < 4; i++)
        {
            clients.Add(await ClusterClient.ConnectAsync(Cluster));
        }

        try
        {
            // Different files, one client each.
            var files = new List<InodeAttributes>();
            for (var i = 0; i < 4; i++)
            {
                files.Add(await clients[0].CreateFileAsync($"/concurrent-{Guid.NewGuid():N}", cancellationToken: ct));
            }

            var contents = Enumerable.Range(0, 4).Select(i => ClusterClient.Bytes((ChunkSize * 3) + (i * 1000), 30 + i)).ToList();
            await Task.WhenAll(Enumerable.Range(0, 4).Select(i => clients[i].WriteAsync(files[i].Ino, 0, contents[i], ct)));

            // One file, each client writing its own chunks (in an interleaved order), through handles.
            var shared = await clients[0].CreateFileAsync($"/shared-{Guid.NewGuid():N}", cancellationToken: ct);
            var parts = Enumerable.Range(0, 8).Select(i => ClusterClient.Bytes(ChunkSize, 40 + i)).ToList();
            await Task.WhenAll(Enumerable.Range(0, 4).Select(async w =>
            {
                await using var handle = await clients[w].OpenFileAsync(shared.Ino, ct);
                foreach (var index in new[] { w, w + 4 })
                {
                    await handle.WriteAsync((long)index * ChunkSize, parts[index], ct);
                }
            }));

            // The same chunk, different bytes, from all four clients at once: compare-and-swap retries keep all.
            var sameChunk = await clients[0].CreateFileAsync($"/same-chunk-{Guid.NewGuid():N}", cancellationToken: ct);
            await clients[0].WriteAsync(sameChunk.Ino, 0, new byte[ChunkSize], ct);
            await Task.WhenAll(Enumerable.Range(0, 4).Select(w =>
                clients[w].WriteAsync(sameChunk.Ino, w * 1000, Enumerable.Repeat((byte)(w + 1), 500).ToArray(), ct)));

            await using var reader = await ClusterClient.ConnectAsync(Cluster);
            for (var i = 0; i < 4; i++)
            {
                var read = new byte[contents[i].Length];
                Assert.Equal(read.Length, await reader.ReadAsync(files[i].Ino, 0, read, ct));
                Assert.Equal(contents[i], read);
            }

            var all = new byte[ChunkSize * 8];
            Assert.Equal(all.Length, await reader.ReadAsync(shared.Ino, 0, all, ct));
            Assert.Equal(parts.SelectMany(p => p).ToArray(), all);

            var chunk = new byte[ChunkSize];
            await reader.ReadAsync(sameChunk.Ino, 0, chunk, ct);
            for (var w = 0; w < 4; w++)
            {
                Assert.All(chunk[(w * 1000)..((w * 1000) + 500)], b => Assert.Equal(w + 1, b));
                Assert.All(chunk[((w * 1000) + 500)..((w * 1000) + 1000)], b => Assert.Equal(0, b));
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Sequential_reads_through_a_handle_match_the_written_file()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = await ClusterClient.ConnectAsync(Cluster);
        var file = await client.CreateFileAsync($"/sequential-{Guid.NewGuid():N}", cancellationToken: ct);
        var data = ClusterClient.Bytes((ChunkSize * 10) + 17, 50);
        await using (var writer = await client.OpenFileAsync(file.Ino, ct))
        {
            for (var offset = 0; offset < data.Length; offset += 128 * 1024)
            {
                await writer.WriteAsync(offset, data.AsMemory(offset, Math.Min(128 * 1024, data.Length - offset)), ct);
            }
        }

        await using var reader = await client.OpenFileAsync(file.Ino, ct);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[128 * 1024];
        long position = 0;
        int count;
        while ((count = await reader.ReadAsync(position, buffer, ct)) > 0)
        {
            hash.AppendData(buffer, 0, count);
            position += count;
        }

        Assert.Equal(data.Length, position);
        Assert.Equal(SHA256.HashData(data), hash.GetHashAndReset());
    }
}
