using ReplicaFs.Api.Tests.Reliability;
using ReplicaFs.Client;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Soak;

/// <summary>
/// One client of the soak: a seeded random walk of creates, writes, truncates, reads, renames, links, unlinks, mkdirs
/// and rmdirs in its own two directories, with a model of everything acknowledged. Every read is compared with the
/// model (wrong bytes are counted, never tolerated). An operation that fails while a fault lasts may or may not have
/// been applied: the worker reads its directories back as soon as the cluster answers and accepts exactly the two
/// possible outcomes, adopting the one it finds; anything else is a violation (an acknowledged operation lost, or a
/// state no operation explains).
/// </summary>
internal sealed class SoakWorker(ReplicaFsClient client, int seed, long left, long right, SoakCounters counters) : IAsyncDisposable
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromMinutes(3);
    private readonly Random _random = new(seed);
    private FileTreeModel _model = new();
    private int _next;

    public FileTreeModel Model => _model;

    public IReadOnlyList<long> Directories => [left, right];

    public string DirName(long dir) => dir == left ? "left" : "right";

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (_random.Next(100) < 25 && _model.Entries.Any(e => e.Value.Kind == FileKind.File))
            {
                await VerifyOneFileAsync();
                continue;
            }

            var (kind, description, call, apply) = Next();
            try
            {
                var result = await call();
                apply(_model, result);
                counters.Count(counters.Acknowledged, kind);
            }
            catch (Exception ex) when (ex is PosixException or HttpRequestException or OperationCanceledException)
            {
                counters.Count(counters.Failed, kind);
                if (!await ResolveAsync(kind, description, apply))
                {
                    return;
                }
            }
        }
    }

    /// <summary>Reads both directories and every file back and compares them with the model; true when they agree.</summary>
    public async Task<bool> VerifyAllAsync(CancellationToken cancellationToken)
    {
        var actual = await FileTreeModel.ReadBackAsync(client, Directories, DirName, cancellationToken);
        var expected = _model.Describe(DirName);
        counters.Verified(_model.Entries.Where(e => e.Value.Kind == FileKind.File).Select(e => e.Value.Id).Distinct().Sum(id => (long)_model.Content(id).Length), 0);
        if (actual.SetEquals(expected))
        {
            return true;
        }

        counters.Violations.Enqueue($"worker {seed}: at the end the cluster holds [{string.Join("; ", actual)}] but the acknowledged operations give [{string.Join("; ", expected)}]");
        return false;
    }

    public ValueTask DisposeAsync() => client.DisposeAsync();

    private async Task VerifyOneFileAsync()
    {
        var files = _model.Entries.Where(e => e.Value.Kind == FileKind.File).ToList();
        var file = files[_random.Next(files.Count)].Value;
        var expected = _model.Content(file.Id);
        var read = new byte[expected.Length + 1];
        int count;
        try
        {
            count = await client.ReadAsync(file.Ino, 0, read, CancellationToken.None);
        }
        catch (Exception ex) when (ex is PosixException or HttpRequestException or OperationCanceledException)
        {
            // Unavailable while a fault lasts (fewer than Qr agreeing replicas, or meta down): an error, never wrong bytes.
            counters.Count(counters.Failed, "read");
            return;
        }

        var wrong = Math.Abs(count - expected.Length);
        for (var i = 0; i < Math.Min(count, expected.Length); i++)
        {
            if (read[i] != expected[i])
            {
                wrong++;
            }
        }

        counters.Verified(count, wrong);
        counters.Count(counters.Acknowledged, "read");
        if (wrong > 0)
        {
            counters.Violations.Enqueue($"worker {seed}: inode {file.Ino} read {count} bytes of which {wrong} differ from the {expected.Length} acknowledged");
        }
    }

    /// <summary>After a failed operation: the cluster must show the model either without or with it.</summary>
    private async Task<bool> ResolveAsync(string kind, string description, Action<FileTreeModel, long> apply)
    {
        var without = _model.Describe(DirName);
        var withModel = _model.Copy();
        apply(withModel, 0);
        var with = withModel.Describe(DirName);
        var deadline = DateTime.UtcNow + ResolveTimeout;
        while (true)
        {
            try
            {
                var actual = await FileTreeModel.ReadBackAsync(client, Directories, DirName, CancellationToken.None);
                if (actual.SetEquals(without))
                {
                    return true;
                }

                if (actual.SetEquals(with))
                {
                    // Applied although the answer was lost. A create's inode is only known from the cluster.
                    _model = await AdoptAsync(withModel);
                    counters.Count(counters.FailedButApplied, kind);
                    return true;
                }

                counters.Violations.Enqueue(
                    $"worker {seed}: after '{description}' failed the cluster holds [{string.Join("; ", actual)}], " +
                    $"neither [{string.Join("; ", without)}] nor [{string.Join("; ", with)}]");
                return false;
            }
            catch (Exception ex) when (ex is PosixException or HttpRequestException or OperationCanceledException)
            {
                if (DateTime.UtcNow > deadline)
                {
                    counters.Violations.Enqueue($"worker {seed}: after '{description}' failed, its directories could not be read back for {ResolveTimeout.TotalMinutes} minutes: {ex.Message}");
                    return false;
                }

                await Task.Delay(1000);
            }
        }
    }

    /// <summary>The model with every entry's inode taken from the cluster (entries added by a lost answer have none yet).</summary>
    private async Task<FileTreeModel> AdoptAsync(FileTreeModel model)
    {
        foreach (var ((dir, name), node) in model.Entries.Where(e => e.Value.Ino == 0).ToList())
        {
            var attributes = await client.LookupAsync(dir, name, CancellationToken.None);
            if (node.Kind == FileKind.File)
            {
                model.SetIno(node.Id, attributes.Ino);
            }
            else
            {
                model.AddDirectory(dir, name, node.Id, attributes.Ino);
            }
        }

        return model;
    }

    private (string Kind, string Description, Func<Task<long>> Call, Action<FileTreeModel, long> Apply) Next()
    {
        var dir = _random.Next(2) == 0 ? left : right;
        var files = _model.Entries.Where(e => e.Value.Kind == FileKind.File).ToList();
        var dirs = _model.Entries.Where(e => e.Value.Kind == FileKind.Directory).ToList();
        var roll = _random.Next(100);
        if (roll < 15 || files.Count < 3)
        {
            var name = $"f{_next++}";
            var id = _next;
            return ("create", $"create {DirName(dir)}/{name}",
                async () => (await client.CreateFileAsync(dir, name, cancellationToken: CancellationToken.None)).Ino,
                (m, ino) => m.AddFile(dir, name, id, ino));
        }

        var file = files[_random.Next(files.Count)];
        if (roll < 55)
        {
            var length = _model.Content(file.Value.Id).Length;
            var offset = _random.Next(6) == 0 ? length + _random.Next(100_000) : _random.Next(length + 1);
            if (offset > 2_000_000)
            {
                offset = _random.Next(length + 1);
            }

            var data = new byte[_random.Next(1, 300_000)];
            _random.NextBytes(data);
            return ("write", $"write {data.Length} bytes at {offset} of {DirName(file.Key.Dir)}/{file.Key.Name}",
                async () =>
                {
                    await client.WriteAsync(file.Value.Ino, offset, data, CancellationToken.None);
                    return 0;
                },
                (m, _) => m.Write(file.Value.Id, offset, data));
        }

        if (roll < 63)
        {
            var size = _random.Next(_model.Content(file.Value.Id).Length + 100_000);
            return ("truncate", $"truncate {DirName(file.Key.Dir)}/{file.Key.Name} to {size}",
                async () =>
                {
                    await client.TruncateAsync(file.Value.Ino, size, CancellationToken.None);
                    return 0;
                },
                (m, _) => m.Truncate(file.Value.Id, size));
        }

        if (roll < 68)
        {
            var name = $"d{_next++}";
            var id = _next;
            return ("mkdir", $"mkdir {DirName(dir)}/{name}",
                async () => (await client.MakeDirectoryAsync(dir, name, cancellationToken: CancellationToken.None)).Ino,
                (m, ino) => m.AddDirectory(dir, name, id, ino));
        }

        if (roll < 71 && dirs.Count > 0)
        {
            var victim = dirs[_random.Next(dirs.Count)];
            return ("rmdir", $"rmdir {DirName(victim.Key.Dir)}/{victim.Key.Name}",
                async () =>
                {
                    await client.RemoveDirectoryAsync(victim.Key.Dir, victim.Key.Name, CancellationToken.None);
                    return 0;
                },
                (m, _) => m.Remove(victim.Key.Dir, victim.Key.Name));
        }

        if (roll < 80 && files.Count > 4)
        {
            return ("unlink", $"unlink {DirName(file.Key.Dir)}/{file.Key.Name}",
                async () =>
                {
                    await client.UnlinkAsync(file.Key.Dir, file.Key.Name, cancellationToken: CancellationToken.None);
                    return 0;
                },
                (m, _) => m.Remove(file.Key.Dir, file.Key.Name));
        }

        if (roll < 93)
        {
            var over = files.Count > 4 && _random.Next(3) == 0;
            var target = over ? files.Where(f => f.Key != file.Key).ElementAt(_random.Next(files.Count - 1)).Key : (dir, $"m{_next++}");
            return ("rename", $"rename {DirName(file.Key.Dir)}/{file.Key.Name} -> {DirName(target.Item1)}/{target.Item2}",
                async () =>
                {
                    await client.RenameAsync(new RenameRequest(file.Key.Dir, file.Key.Name, target.Item1, target.Item2), CancellationToken.None);
                    return 0;
                },
                (m, _) => m.Rename(file.Key.Dir, file.Key.Name, target.Item1, target.Item2));
        }

        var linkName = $"l{_next++}";
        return ("link", $"link {DirName(file.Key.Dir)}/{file.Key.Name} as {DirName(dir)}/{linkName}",
            async () => (await client.LinkAsync(dir, linkName, file.Value.Ino, CancellationToken.None)).Ino,
            (m, _) => m.Link(dir, linkName, file.Value));
    }
}
