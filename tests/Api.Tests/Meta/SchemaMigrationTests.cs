using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using ReplicaFs.Api.Meta;
using ReplicaFs.Api.Meta.Storage.Sqlite;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>A database written by schema version 1 is migrated in place and keeps its data.</summary>
public sealed class SchemaMigrationTests : IDisposable
{
    private readonly DirectoryInfo _dataDir = new(Path.Combine(Path.GetTempPath(), "replicafs-tests", "migrate-" + Guid.NewGuid().ToString("N")));
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-03-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private InProcessMeta? _meta;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Version_1_servers_get_default_names_and_chunks_their_stored_length()
    {
        _dataDir.Create();
        using (var v1 = new SqliteConnection($"Data Source={Path.Combine(_dataDir.FullName, "meta.db")};Pooling=False"))
        {
            v1.Open();
            SqliteSchema.Migrate(v1, 1);
            using var command = v1.CreateCommand();
            command.CommandText =
                """
                INSERT INTO settings (key, value) VALUES ('cluster_id', 'c0ffee'), ('replicas', 2), ('chunk_size', 65536), ('created_at', 0), ('next_version', 10);
                INSERT INTO inodes (ino, kind, mode, uid, gid, size, nlink, atime_s, atime_ns, mtime_s, mtime_ns, ctime_s, ctime_ns)
                VALUES (1, 1, 16877, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0), (2, 0, 33188, 0, 0, 70, 1, 0, 0, 0, 0, 0, 0);
                INSERT INTO servers (url, instance_id, state, registered_at, last_heartbeat, chunk_count, bytes_stored, capacity_bytes, free_bytes)
                VALUES ('http://127.0.0.1:1', 'a', 0, 1000, 5000, 0, 0, 1, 1), ('http://127.0.0.1:2', 'b', 1, 1000, 6000, 0, 0, 1, 1);
                INSERT INTO chunks (ino, idx, version, length, checksum) VALUES (2, 0, 9, 70, '0123456789abcdef');
                INSERT INTO replicas (chunk_id, server_id, state, version) VALUES (1, 1, 0, 9), (1, 2, 0, 9);
                """;
            command.ExecuteNonQuery();
            Assert.Equal(1, SqliteSchema.ReadVersion(v1));
        }

        _meta = await InProcessMeta.StartAsync(new MetaServerOptions { DataDir = _dataDir, Replicas = 2, ChunkSize = 65536 }, _clock);

        var servers = await _meta.Membership.ListServersAsync(Token);
        Assert.Equal(["data-1 Up", "data-2 Down"], servers.Select(s => $"{s.Name} {s.State}"));
        var stored = await _meta.Database.ReadAsync(tx => (tx.Chunks.GetChunk(1)!.StoredLength, tx.Cluster.GetServer(2)!.StateSince), Token);
        Assert.Equal((70L, DateTimeOffset.FromUnixTimeMilliseconds(6000)), stored);
        await Assert.ThrowsAsync<Contracts.Posix.PosixException>(() => _meta.Membership.RegisterAsync(FakeDataServers.Request(1) with { Name = "DATA-2" }, Token));
        var health = await _meta.Health.GetAsync(Token);
        Assert.Equal((HealthStatus.Degraded, 1L), (health.Status, health.UnderReplicatedChunks));
    }

    public void Dispose()
    {
        _meta?.Dispose();
        try
        {
            _dataDir.Delete(recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
