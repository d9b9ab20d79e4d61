using Microsoft.Extensions.Logging.Abstractions;
using ReplicaFs.Api.Data;
using ReplicaFs.Api.Data.Storage;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Api.Tests.Data;

/// <summary>A chunk store opened in-process on its own temporary directory (deleted at the end).</summary>
internal sealed class LocalStore : IDisposable
{
    private ChunkStore? _store;

    public LocalStore(TimeProvider? time = null)
    {
        Time = time ?? TimeProvider.System;
        DataDir = Path.Combine(Path.GetTempPath(), "replicafs-tests", $"store-{Guid.NewGuid():N}");
        _store = Open();
    }

    /// <summary>The data directory.</summary>
    public string DataDir { get; }

    /// <summary>The clock of the store.</summary>
    public TimeProvider Time { get; }

    /// <summary>The open store.</summary>
    public ChunkStore Store => _store ?? throw new InvalidOperationException("The store is closed.");

    /// <summary>Closes the store and opens the directory again, as a restarted server would.</summary>
    public ChunkStore Reopen()
    {
        _store?.Dispose();
        _store = Open();
        return _store;
    }

    /// <summary>Stores a version that must be new.</summary>
    public async Task PutAsync(string key, long version, byte[] data, CancellationToken cancellationToken)
    {
        var outcome = await Store.PutAsync(key, version, ChunkChecksum.Compute(data), new MemoryStream(data), data.Length, cancellationToken);
        Assert.Equal(PutStatus.Created, outcome.Status);
    }

    /// <summary>Files under chunks/, relative.</summary>
    public string[] ChunkFiles() => ChunkTestData.Files(Path.Combine(DataDir, "chunks"));

    public void Dispose()
    {
        _store?.Dispose();
        if (Directory.Exists(DataDir))
        {
            Directory.Delete(DataDir, recursive: true);
        }
    }

    private ChunkStore Open()
    {
        var options = new DataServerOptions { DataDir = new DirectoryInfo(DataDir), MetaUrl = new Uri("http://127.0.0.1:1") };
        var store = new ChunkStore(options, Time, NullLogger<ChunkStore>.Instance);
        store.Open();
        return store;
    }
}
