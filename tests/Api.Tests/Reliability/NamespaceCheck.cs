using Refit;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Reliability;

/// <summary>
/// A consistency check of a whole cluster through the REST API only, what an <c>fsck</c> checks: the tree from the
/// root has no dangling entry (every entry's inode answers getattr), every directory is reached exactly once, link
/// counts are right (a file: the entries naming it; a directory: 2 + its subdirectories), every committed chunk lies
/// within its file's size, and every replica meta lists as <c>Ok</c> really holds the committed version with the
/// committed checksum (the data server recomputes the digest from disk).
/// </summary>
internal sealed class NamespaceCheck(IMetadataApi meta, Func<string, IDataServerApi> dataServer)
{
    /// <summary>What the check found.</summary>
    /// <param name="Problems">Every inconsistency, in words.</param>
    /// <param name="Directories">Directories reached (the root included).</param>
    /// <param name="Files">Regular files reached.</param>
    /// <param name="Chunks">Committed chunks checked.</param>
    /// <param name="VerifiedReplicas">Ok replicas whose digest matched.</param>
    /// <param name="BytesVerified">Bytes those replicas hold (each replica counted).</param>
    public sealed record Report(List<string> Problems, int Directories, int Files, int Chunks, int VerifiedReplicas, long BytesVerified)
    {
        /// <summary>The report in one line, with the first problems.</summary>
        public override string ToString() =>
            $"{Directories} directories, {Files} files, {Chunks} chunks, {VerifiedReplicas} replicas verified ({BytesVerified} bytes); " +
            $"{Problems.Count} problems{(Problems.Count == 0 ? string.Empty : ":\n" + string.Join('\n', Problems.Take(30)))}";
    }

    /// <summary>Walks and checks everything.</summary>
    public async Task<Report> RunAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var entriesNaming = new Dictionary<long, int>();
        var subdirectories = new Dictionary<long, int> { [1] = 0 };
        var nlink = new Dictionary<long, long>();
        var files = new Dictionary<long, (string Path, long Size)>();
        var pending = new Queue<(long Ino, string Path)>();
        pending.Enqueue((1, string.Empty));
        nlink[1] = (await meta.GetAttributesAsync(1, cancellationToken)).Nlink;
        while (pending.Count > 0)
        {
            var (directory, path) = pending.Dequeue();
            long? after = null;
            do
            {
                var page = await meta.ReadDirectoryAsync(directory, after, 1000, cancellationToken);
                foreach (var entry in page.Entries)
                {
                    var entryPath = $"{path}/{entry.Name}";
                    var ino = entry.Attributes.Ino;
                    try
                    {
                        var attributes = await meta.GetAttributesAsync(ino, cancellationToken);
                        nlink[ino] = attributes.Nlink;
                    }
                    catch (ApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
                    {
                        problems.Add($"{entryPath}: dangling entry, inode {ino} does not exist");
                        continue;
                    }

                    entriesNaming[ino] = entriesNaming.GetValueOrDefault(ino) + 1;
                    switch (entry.Attributes.Kind)
                    {
                        case FileKind.Directory:
                            subdirectories[directory] = subdirectories.GetValueOrDefault(directory) + 1;
                            if (entriesNaming[ino] > 1)
                            {
                                problems.Add($"{entryPath}: directory {ino} is reached a second time");
                                continue;
                            }

                            subdirectories.TryAdd(ino, 0);
                            pending.Enqueue((ino, entryPath));
                            break;
                        case FileKind.File:
                            files.TryAdd(ino, (entryPath, entry.Attributes.Size));
                            break;
                        default:
                            break;
                    }
                }

                after = page.NextCookie;
            }
            while (after is not null);
        }

        foreach (var (ino, count) in entriesNaming.Where(e => !subdirectories.ContainsKey(e.Key)))
        {
            if (nlink[ino] != count)
            {
                problems.Add($"inode {ino} has nlink {nlink[ino]} but {count} entries name it");
            }
        }

        foreach (var (ino, count) in subdirectories)
        {
            if (nlink[ino] != 2 + count)
            {
                problems.Add($"directory {ino} has nlink {nlink[ino]} but {count} subdirectories");
            }
        }

        var chunks = 0;
        var verified = 0;
        var bytes = 0L;
        foreach (var (ino, (path, size)) in files)
        {
            var map = await meta.GetChunksAsync(ino, 0, 8192, cancellationToken);
            foreach (var chunk in map.Chunks.Where(c => c.Version > 0))
            {
                chunks++;
                if ((chunk.Index * map.ChunkSize) + chunk.Length > size)
                {
                    problems.Add($"{path}: chunk {chunk.Index} ends at {(chunk.Index * map.ChunkSize) + chunk.Length}, beyond the size {size}");
                }

                var ok = chunk.Replicas.Where(r => r.State == ReplicaState.Ok).ToList();
                if (ok.Count == 0)
                {
                    problems.Add($"{path}: chunk {chunk.Index} (id {chunk.ChunkId}) has no Ok replica");
                }

                foreach (var replica in ok)
                {
                    try
                    {
                        var digest = await dataServer(replica.Url).GetDigestAsync(ChunkKey.FromId(chunk.ChunkId), chunk.Version, cancellationToken);
                        if (!digest.Intact || digest.Checksum != chunk.Checksum)
                        {
                            problems.Add($"{path}: chunk {chunk.Index} v{chunk.Version} on {replica.Url} has checksum {digest.Checksum} (intact: {digest.Intact}), committed {chunk.Checksum}");
                            continue;
                        }

                        verified++;
                        bytes += digest.Length;
                    }
                    catch (ApiException ex)
                    {
                        problems.Add($"{path}: chunk {chunk.Index} v{chunk.Version} is Ok on {replica.Url} but it answers {(int)ex.StatusCode}");
                    }
                }
            }
        }

        return new Report(problems, subdirectories.Count, files.Count, chunks, verified, bytes);
    }
}
