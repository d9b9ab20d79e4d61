using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using ReplicaFs.Contracts.Chunks;
using static ReplicaFs.Api.Tests.Data.ChunkTestData;

namespace ReplicaFs.Api.Tests.Data;

/// <summary>What a data server finds in its data directory at start: durability across kill -9, clean-up, quarantine, refusals.</summary>
public sealed class DataDirectoryStartupTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Every_acknowledged_chunk_survives_kill_9_intact()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StandaloneDataServer.StartAsync(cancellationToken: ct);
        var instance = (await server.Api.GetStatusAsync(ct)).InstanceId;
        var acknowledged = new ConcurrentDictionary<(string Key, long Version), byte[]>();
        var random = new Random(1234);
        var lengths = Enumerable.Range(0, 400).Select(_ => random.Next(0, 300_000)).ToArray();

        // Writers keep going while the server is killed: what was acknowledged must be there afterwards.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < lengths.Length && !stop.IsCancellationRequested; i += 4)
            {
                var key = $"kill{i % 37}";
                var version = i + 1L;
                var data = Bytes(lengths[i], i);
                try
                {
                    using var response = await server.Http.PutChunkAsync(key, version, data, cancellationToken: stop.Token);
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        acknowledged[(key, version)] = data;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                {
                    return;
                }
            }
        }, ct)).ToArray();

        await WaitUntilAsync(() => acknowledged.Count >= 60, ct);
        await server.KillAsync();
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        await server.StartAgainAsync(ct);
        Assert.Equal(instance, (await server.Api.GetStatusAsync(ct)).InstanceId);
        Assert.Empty(Files(Path.Combine(server.DataDir, "tmp")));
        Assert.Empty(Files(Path.Combine(server.DataDir, "quarantine")));
        var listed = (await server.Api.ListChunksAsync(limit: 10_000, cancellationToken: ct)).Chunks;
        foreach (var ((key, version), data) in acknowledged)
        {
            Assert.Contains(new StoredChunk(key, version, data.Length, Checksum(data)), listed);
            using var get = await server.Api.GetChunkAsync(key, version, cancellationToken: ct);
            Assert.Equal(data, await get.Content.ReadAsByteArrayAsync(ct));
        }

        // A write that was in flight at the kill is either absent or complete and intact.
        foreach (var chunk in listed)
        {
            Assert.True((await server.Api.GetDigestAsync(chunk.Key, chunk.Version, ct)).Intact);
        }
    }

    [Fact]
    public async Task Leftover_temporary_files_are_deleted_at_start()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StandaloneDataServer.StartAsync(cancellationToken: ct);
        var key = NewKey();
        await server.Http.PutNewAsync(key, 1, Bytes(1000, 1), ct);
        await server.KillAsync();
        var tmp = Path.Combine(server.DataDir, "tmp");
        await File.WriteAllBytesAsync(Path.Combine(tmp, "0123abcd.tmp"), Bytes(5000, 2), ct);
        await File.WriteAllBytesAsync(Path.Combine(tmp, "half-written.tmp"), [], ct);
        Directory.CreateDirectory(Path.Combine(tmp, "stray"));

        await server.StartAgainAsync(ct);

        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp));
        Assert.Contains("Removed 3 leftover temporary files", server.Process.ReadLog(), StringComparison.Ordinal);
        Assert.True((await server.Api.GetDigestAsync(key, 1, ct)).Intact);
    }

    [Fact]
    public async Task Chunk_files_that_do_not_check_out_are_quarantined_at_start()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StandaloneDataServer.StartAsync(cancellationToken: ct);
        var keys = Enumerable.Range(0, 5).Select(_ => NewKey()).ToArray();
        var data = Bytes((2 * ChunkChecksum.BlockSize) + 50, 3);
        foreach (var key in keys)
        {
            await server.Http.PutNewAsync(key, 1, data, ct);
        }

        await server.KillAsync();
        var chunks = Path.Combine(server.DataDir, "chunks");
        string FileOf(string key) => Directory.EnumerateFiles(chunks, $"{key}.*", SearchOption.AllDirectories).Single();

        // 0: payload cut short; 1: header damaged; 2: shorter than a header; 3: in the wrong shard; 4: untouched.
        using (var stream = new FileStream(FileOf(keys[0]), FileMode.Open))
        {
            stream.SetLength(stream.Length - 10);
        }

        using (var stream = new FileStream(FileOf(keys[1]), FileMode.Open))
        {
            stream.Position = 20;
            stream.WriteByte(0x7F);
        }

        using (var stream = new FileStream(FileOf(keys[2]), FileMode.Open))
        {
            stream.SetLength(10);
        }

        var wrongShard = Path.Combine(chunks, "zz", "zz");
        Directory.CreateDirectory(wrongShard);
        File.Move(FileOf(keys[3]), Path.Combine(wrongShard, Path.GetFileName(FileOf(keys[3]))));
        await File.WriteAllTextAsync(Path.Combine(wrongShard, "notes.txt"), "not a chunk", ct);

        await server.StartAgainAsync(ct);

        foreach (var key in keys[..4])
        {
            using var get = await server.Api.GetChunkAsync(key, cancellationToken: ct);
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        }

        Assert.True((await server.Api.GetDigestAsync(keys[4], 1, ct)).Intact);
        var listed = (await server.Api.ListChunksAsync(limit: 10_000, cancellationToken: ct)).Chunks;
        Assert.Equal([keys[4]], listed.Select(c => c.Key));
        var quarantined = Files(Path.Combine(server.DataDir, "quarantine"));
        Assert.Equal(5, quarantined.Length);
        foreach (var key in keys[..4])
        {
            Assert.Single(quarantined, q => q.Contains(key, StringComparison.Ordinal));
        }

        var log = server.Process.ReadLog();
        Assert.Contains("header describes", log, StringComparison.Ordinal);
        Assert.Contains("header checksum does not match", log, StringComparison.Ordinal);
        Assert.Contains("shorter", log, StringComparison.Ordinal);
        Assert.Contains("not in its shard directory", log, StringComparison.Ordinal);
        Assert.Contains("5 files quarantined", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_server_on_the_same_data_directory_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var first = await StandaloneDataServer.StartAsync(cancellationToken: ct);
        var key = NewKey();
        await first.Http.PutNewAsync(key, 1, Bytes(100, 1), ct);

        await using var second = await StandaloneDataServer.StartAsync(dataDir: first.DataDir, waitUntilHealthy: false, cancellationToken: ct);

        Assert.Equal(2, await second.WaitForExitAsync(ExitTimeout, ct));
        Assert.Contains("is in use by another ReplicaFs data server", second.Process.ReadLog(), StringComparison.Ordinal);
        Assert.True((await first.Api.GetDigestAsync(key, 1, ct)).Intact);

        // Once the first is gone, the directory can be used again, data and identity included.
        var instance = (await first.Api.GetStatusAsync(ct)).InstanceId;
        await first.KillAsync();
        await second.StartAgainAsync(ct);
        Assert.Equal(instance, (await second.Api.GetStatusAsync(ct)).InstanceId);
        Assert.True((await second.Api.GetDigestAsync(key, 1, ct)).Intact);
    }

    [Theory]
    [InlineData("{\"format\": 2, \"instanceId\": \"6f1c1a52-8a31-4b7b-9d53-2f0b3c1f3e11\", \"createdAt\": \"2026-01-01T00:00:00Z\"}", "has format 2")]
    [InlineData("{\"format\": 1, \"instanceId\": \"\", \"createdAt\": \"2026-01-01T00:00:00Z\"}", "no valid instanceId")]
    [InlineData("{ not json", "is not valid")]
    public async Task A_data_directory_of_an_unknown_format_is_refused(string formatJson, string message)
    {
        var ct = TestContext.Current.CancellationToken;
        var dataDir = Path.Combine(Path.GetTempPath(), "replicafs-tests", $"format-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataDir);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dataDir, "format.json"), formatJson, ct);
            await using var server = await StandaloneDataServer.StartAsync(dataDir: dataDir, waitUntilHealthy: false, cancellationToken: ct);
            Assert.Equal(2, await server.WaitForExitAsync(ExitTimeout, ct));
            var log = server.Process.ReadLog();
            Assert.Contains("error: ", log, StringComparison.Ordinal);
            Assert.Contains(message, log, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(dataDir, "chunks")));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_data_directory_with_chunks_but_no_format_file_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StandaloneDataServer.StartAsync(cancellationToken: ct);
        await server.Http.PutNewAsync(NewKey(), 1, Bytes(100, 1), ct);
        await server.KillAsync();
        File.Delete(Path.Combine(server.DataDir, "format.json"));

        server.Process.Start();

        Assert.Equal(2, await server.WaitForExitAsync(ExitTimeout, ct));
        Assert.Contains("holds chunks but no format.json", server.Process.ReadLog(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(server.DataDir, "format.json")));
    }

    [Fact]
    public async Task A_server_restarted_with_an_empty_directory_gets_a_new_instance_id()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StandaloneDataServer.StartAsync(cancellationToken: ct);
        var before = (await server.Api.GetStatusAsync(ct)).InstanceId;
        await server.Http.PutNewAsync(NewKey(), 1, Bytes(100, 1), ct);
        await server.KillAsync();
        Directory.Delete(server.DataDir, recursive: true);

        await server.StartAgainAsync(ct);

        var after = await server.Api.GetStatusAsync(ct);
        Assert.NotEqual(before, after.InstanceId);
        Assert.True(Guid.TryParse(after.InstanceId, out _));
        Assert.Equal(0, after.Stats.ChunkCount);
        using var format = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(server.DataDir, "format.json"), ct));
        Assert.Equal(after.InstanceId, format.RootElement.GetProperty("instanceId").GetString());
    }

    [Fact]
    public async Task A_wildcard_listen_address_without_an_advertised_url_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StandaloneDataServer.StartAsync(
            extraArguments: ["--listen", "0.0.0.0", "--cluster-token", "secret"], waitUntilHealthy: false, cancellationToken: ct);
        Assert.Equal(2, await server.WaitForExitAsync(ExitTimeout, ct));
        Assert.Contains("needs --advertise-url", server.Process.ReadLog(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_advertised_url_is_reported_without_a_trailing_slash()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StandaloneDataServer.StartAsync(extraArguments: ["--advertise-url", "http://data-7.example:8080/"], cancellationToken: ct);
        Assert.Equal("http://data-7.example:8080", (await server.Api.GetStatusAsync(ct)).Url);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the condition.");
            await Task.Delay(10, ct);
        }
    }
}
