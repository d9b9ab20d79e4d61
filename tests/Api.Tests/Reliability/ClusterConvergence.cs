using Refit;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Reliability;

/// <summary>Waits for a cluster to settle after faults: every replica healed, and nothing stored that no file needs.</summary>
internal static class ClusterConvergence
{
    /// <summary>
    /// Waits until every data server stores exactly the committed version of each replica meta lists as Ok on it
    /// (chunks of deleted files, superseded and never-committed versions collected); returns how many replicas that is.
    /// </summary>
    public static async Task<int> WaitForGarbageCollectionAsync(TestCluster cluster, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var ids = new Dictionary<int, int>();
        for (var i = 0; i < cluster.DataServers.Count; i++)
        {
            ids[i] = await cluster.ServerIdAsync(i, cancellationToken);
        }

        var difference = "not checked yet";
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var expected = await CommittedByServerAsync(cluster.MetaApi, cancellationToken);
            var differences = new List<string>();
            for (var i = 0; i < cluster.DataServers.Count; i++)
            {
                var stored = await StoredAsync(cluster.DataApi(i), cancellationToken);
                var wanted = expected.GetValueOrDefault(ids[i]) ?? [];
                var extra = stored.Except(wanted).ToList();
                var missing = wanted.Except(stored).ToList();
                if (extra.Count + missing.Count > 0)
                {
                    differences.Add($"{cluster.DataServers[i].Name}: {extra.Count} versions not needed (e.g. {string.Join(", ", extra.Take(3))}), {missing.Count} missing (e.g. {string.Join(", ", missing.Take(3))})");
                    await Admin(cluster, i).StartGarbageCollectionAsync(cancellationToken);
                }
            }

            if (differences.Count == 0)
            {
                return expected.Values.Sum(v => v.Count);
            }

            difference = string.Join("; ", differences);
            await Task.Delay(1000, cancellationToken);
        }

        throw new TimeoutException($"Garbage was not collected within {timeout.TotalSeconds:0} s: {difference}");
    }

    /// <summary>A client of data server <paramref name="index"/>'s admin endpoints, carrying the admin token.</summary>
    public static IDataAdminApi Admin(TestCluster cluster, int index)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return RestService.For<IDataAdminApi>(
            new HttpClient { BaseAddress = cluster.DataServers[index].Url, Timeout = TimeSpan.FromSeconds(30) },
            new RefitSettings { AuthorizationHeaderValueGetter = (_, _) => ValueTask.FromResult(cluster.Options.AdminToken) });
    }

    /// <summary>Every file's committed chunks by the servers holding them Ok: server id → (key, version).</summary>
    public static async Task<Dictionary<int, HashSet<(string Key, long Version)>>> CommittedByServerAsync(IMetadataApi meta, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(meta);
        var result = new Dictionary<int, HashSet<(string, long)>>();
        var pending = new Queue<long>([1]);
        while (pending.Count > 0)
        {
            var directory = pending.Dequeue();
            long? after = null;
            do
            {
                var page = await meta.ReadDirectoryAsync(directory, after, 1000, cancellationToken);
                foreach (var entry in page.Entries)
                {
                    if (entry.Attributes.Kind == FileKind.Directory)
                    {
                        pending.Enqueue(entry.Attributes.Ino);
                    }
                    else if (entry.Attributes.Kind == FileKind.File)
                    {
                        foreach (var chunk in (await meta.GetChunksAsync(entry.Attributes.Ino, 0, 8192, cancellationToken)).Chunks.Where(c => c.Version > 0))
                        {
                            foreach (var replica in chunk.Replicas.Where(r => r.State == ReplicaState.Ok))
                            {
                                var set = result.TryGetValue(replica.ServerId, out var s) ? s : result[replica.ServerId] = [];
                                set.Add((ChunkKey.FromId(chunk.ChunkId), chunk.Version));
                            }
                        }
                    }
                }

                after = page.NextCookie;
            }
            while (after is not null);
        }

        return result;
    }

    /// <summary>The (key, version) pairs a data server stores.</summary>
    public static async Task<HashSet<(string Key, long Version)>> StoredAsync(IDataServerApi api, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        var stored = new HashSet<(string, long)>();
        string? after = null;
        do
        {
            var page = await api.ListChunksAsync(after, 10_000, cancellationToken);
            stored.UnionWith(page.Chunks.Select(c => (c.Key, c.Version)));
            after = page.NextAfter;
        }
        while (after is not null);
        return stored;
    }
}
