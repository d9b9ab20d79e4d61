using System.Globalization;
using System.Text;
using ReplicaFs.Cli.Cluster;
using ReplicaFs.Cli.Events;
using ReplicaFs.Cli.Files;
using ReplicaFs.Cli.Output;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Cli.Demo;

/// <summary>
/// The seed's walkthrough on a fresh local cluster started by <c>./replicafs demo</c>: servers up, the mount, files
/// and directories written through it, a replica corrupted → detected → repaired, a data server killed → restarted
/// empty → rebuilt, and everything verified at the end. Each step checks its outcome through the metadata server,
/// the operator commands and the mounted files; the first that does not behave stops the demo.
/// </summary>
internal sealed class DemoRunner
{
    /// <summary>Steps in the walkthrough.</summary>
    public const int Steps = 6;

    /// <summary>Longest wait for healing to show (a repair, a rebuild, the health).</summary>
    public static readonly TimeSpan HealingTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The server the seed kills (the one on port 51237 of a cluster on the default ports).</summary>
    public const string CrashVictim = "data-3";

    private const string BigFile = "/photos/holiday.bin";
    private const int BigFileSize = (6 * 1024 * 1024) + 12_345;

    private readonly ClusterConnection _connection;
    private readonly DemoNarrator _narrator;
    private readonly MountedFiles _mount;
    private readonly Dictionary<string, byte[]> _written = new(StringComparer.Ordinal);

    public DemoRunner(ClusterConnection connection, DemoNarrator narrator, MountedFiles mount)
    {
        _connection = connection;
        _narrator = narrator;
        _mount = mount;
    }

    /// <summary>Runs every step; a <see cref="DemoStepFailedException"/> says which step did not behave.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var steps = new (string Title, Func<CancellationToken, Task> Run)[]
        {
            ("the servers are up", ServersUpAsync),
            ("the file system is mounted", MountedAsync),
            ("files and directories are written through the mount", WriteFilesAsync),
            ("a replica is corrupted on disk, detected and repaired", CorruptAndRepairAsync),
            ("a data server is killed, restarted empty and rebuilt from its peers", CrashAndRebuildAsync),
            ("everything verifies", VerifyEverythingAsync),
        };
        for (var i = 0; i < steps.Length; i++)
        {
            _narrator.Step(i + 1, steps[i].Title);
            try
            {
                await steps[i].Run(cancellationToken);
            }
            catch (DemoStepFailedException ex)
            {
                throw new DemoStepFailedException($"Step {i + 1} ({steps[i].Title}) did not behave: {ex.Message}", ex);
            }
        }
    }

    private async Task ServersUpAsync(CancellationToken cancellationToken)
    {
        _narrator.Say("'./replicafs demo' started a metadata server and data servers on loopback ports, each a process of its own.");
        await _narrator.RunAsync(["status"], ExitCodes.Ok, "a fresh cluster is healthy", cancellationToken);
        var servers = await _connection.Meta.GetServersAsync(cancellationToken);
        _narrator.Check(
            servers.Count >= 3 && servers.All(s => s.State == ServerState.Up),
            string.Create(CultureInfo.InvariantCulture, $"{servers.Count} data servers are Up and the cluster is HEALTHY."),
            "not every data server is Up.");
    }

    private async Task MountedAsync(CancellationToken cancellationToken)
    {
        var type = MountPoint.TypeAt(_mount.MountPoint);
        _narrator.Check(
            type == MountPoint.FileSystemType,
            $"{_mount.MountPoint} is mounted ({type}): every read and write goes through quorum voting over the replicas.",
            $"{_mount.MountPoint} is not a ReplicaFs mount (the kernel lists {type ?? "nothing"} there).");
        var entries = await _mount.ListAsync(cancellationToken);
        _narrator.Check(entries.Count == 0, "The file system is empty.", $"the demo wants a fresh cluster, but the mount holds {entries.Count} entries.");
        var clients = await _connection.Meta.GetClientsAsync(cancellationToken);
        var session = clients.FirstOrDefault(c => c.Name.Contains(_mount.MountPoint, StringComparison.Ordinal));
        _narrator.Check(
            session is not null,
            session is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"The mount registered its quorums at the metadata server: Qr={session.ReadQuorum}, Qw={session.WriteQuorum} ({(session.StronglyConsistent ? "strongly consistent: Qr + Qw > R" : "not strongly consistent")})."),
            "the metadata server knows no client session of the mount.");
    }

    private async Task WriteFilesAsync(CancellationToken cancellationToken)
    {
        foreach (var directory in new[] { "/docs/notes", "/photos" })
        {
            await _mount.CreateDirectoryAsync(directory, cancellationToken);
        }

        await WriteAsync("/docs/notes/you.txt", Encoding.UTF8.GetBytes("you and me, replicated three times\n"), cancellationToken);
        await WriteAsync("/docs/readme.md", Encoding.UTF8.GetBytes("# ReplicaFs demo\n\nEvery chunk lives on R data servers.\n"), cancellationToken);
        var big = new byte[BigFileSize];
        new Random(51237).NextBytes(big);
        await WriteAsync(BigFile, big, cancellationToken);

        foreach (var (path, size) in await _mount.ListAsync(cancellationToken))
        {
            _narrator.Say(size < 0 ? $"  {path}/" : $"  {path}  {Units.Bytes(size)}  sha256 {MountedFiles.Digest(_written.GetValueOrDefault(path) ?? [])}");
        }

        await ReadBackAsync("read back through the mount", cancellationToken);
        foreach (var (path, content) in _written)
        {
            var attributes = await ClusterPaths.ResolveAsync(_connection.Meta, path, cancellationToken);
            if (attributes.Size != content.Length)
            {
                throw new DemoStepFailedException(string.Create(CultureInfo.InvariantCulture, $"the metadata server lists {path} with {attributes.Size} bytes, not {content.Length}."));
            }
        }

        _narrator.Ok("The metadata server lists every file with its size.");
        await _narrator.RunAsync(["fsck"], ExitCodes.Ok, "every replica of a fresh write is good", cancellationToken);
    }

    private async Task CorruptAndRepairAsync(CancellationToken cancellationToken)
    {
        var firstEvent = await new EventReader(_connection.Meta).LastIdAsync(cancellationToken);
        var file = await ClusterPaths.ResolveAsync(_connection.Meta, BigFile, cancellationToken);
        var chunk = (await _connection.Meta.GetChunksAsync(file.Ino, 2, 1, cancellationToken)).Chunks.SingleOrDefault(c => c.Index == 2)
            ?? throw new DemoStepFailedException($"the metadata server lists no chunk 2 of {BigFile}.");
        var names = (await _connection.Meta.GetServersAsync(cancellationToken)).ToDictionary(s => s.Id, s => s.Name);
        var server = names[chunk.Replicas[0].ServerId];
        var chunkId = chunk.ChunkId;
        _narrator.Say(string.Create(
            CultureInfo.InvariantCulture,
            $"Chunk 2 of {BigFile} has replicas on {string.Join(", ", chunk.Replicas.Select(r => names.GetValueOrDefault(r.ServerId, r.Url)))}. Flip bytes of the one on {server}, on its disk, behind the cluster's back:"));
        await _narrator.RunAsync(["corrupt", BigFile, "--chunk", "2", "--server", server], ExitCodes.Ok, "the replica is damaged", cancellationToken);

        _narrator.Say("fsck asks every replica for the digest of what it stores:");
        var fsck = await _narrator.RunAsync(["fsck"], ExitCodes.Degraded, "one replica is corrupt, every file still readable", cancellationToken);
        _narrator.Check(
            fsck.Contains(server, StringComparison.Ordinal) && fsck.Contains("corrupt", StringComparison.Ordinal),
            $"fsck found the corrupt replica on {server}.",
            $"fsck did not name the corrupt replica on {server}.");

        _narrator.Say($"The scrubber of {server} re-verifies its chunks (it also runs in the background at a bounded rate); it reports the corruption and repairs the replica from a good one:");
        await _narrator.RunAsync(["scrub", server], ExitCodes.Degraded, "the scrub finds the corruption", cancellationToken);
        await WaitForEventAsync(firstEvent, e => e.Kind == EventKinds.RepairFinished && (e.ChunkId == chunkId || e.Source == server), $"the repair of the replica on {server}", cancellationToken);
        _narrator.Ok($"{server} repaired its replica from a peer and verified it.");

        _narrator.Say("What the event log recorded:");
        await _narrator.RunAsync(["events", "--since", firstEvent.ToString(CultureInfo.InvariantCulture)], ExitCodes.Ok, "the event log reads", cancellationToken);
        await _narrator.RunAsync(["fsck"], ExitCodes.Ok, "every replica is good again", cancellationToken);
        await ReadBackAsync("still read back identical through the mount", cancellationToken);
    }

    private async Task CrashAndRebuildAsync(CancellationToken cancellationToken)
    {
        var servers = await _connection.Meta.GetServersAsync(cancellationToken);
        var victim = servers.FirstOrDefault(s => s.Name == CrashVictim && s.ReplicaCount > 0)
            ?? servers.OrderByDescending(s => s.ReplicaCount).First();
        if (victim.Name != CrashVictim)
        {
            _narrator.Say($"{CrashVictim} holds no replica of the demo's files, so {victim.Name} (which holds {victim.ReplicaCount}) plays its part.");
        }

        var firstEvent = await new EventReader(_connection.Meta).LastIdAsync(cancellationToken);
        _narrator.Say($"SIGKILL {victim.Name} ({victim.Url}) in the middle of use; the metadata server notices the silence:");
        await _narrator.RunAsync(["kill", victim.Name], ExitCodes.Ok, "the server is killed and seen down", cancellationToken);
        await _narrator.RunAsync(["status"], ExitCodes.Degraded, $"the cluster is degraded while {victim.Name} is away", cancellationToken);

        _narrator.Say("The mounted files stay readable and writable: the quorums vote around the missing server.");
        await WriteAsync("/docs/notes/while-down.txt", Encoding.UTF8.GetBytes($"written while {victim.Name} was down\n"), cancellationToken);
        await ReadBackAsync("read back identical while the server is down", cancellationToken);

        _narrator.Say($"Restart {victim.Name} with an empty data directory: it rebuilds every replica it should hold from its peers, each verified against its committed checksum:");
        await _narrator.RunAsync(["restore", victim.Name], ExitCodes.Ok, "the server rebuilds and is Up again", cancellationToken);
        var back = await _connection.Meta.GetServerAsync(victim.Id, cancellationToken);
        var stats = await _connection.Data(back.Url).GetStatusAsync(cancellationToken);
        _narrator.Check(
            back.State == ServerState.Up && stats.Stats.ChunkCount >= back.ReplicaCount && back.ReplicaCount > 0,
            string.Create(CultureInfo.InvariantCulture, $"{back.Name} is Up and stores {stats.Stats.ChunkCount} chunk versions for its {back.ReplicaCount} replicas."),
            string.Create(CultureInfo.InvariantCulture, $"{back.Name} is {back.State} and stores {stats.Stats.ChunkCount} chunk versions for {back.ReplicaCount} replicas."));
        await WaitForEventAsync(firstEvent, e => e.Kind == EventKinds.RebuildFinished && e.Source == back.Name, $"{back.Name}'s rebuild.finished event", cancellationToken);

        _narrator.Say("What the event log recorded:");
        await _narrator.RunAsync(["events", "--since", firstEvent.ToString(CultureInfo.InvariantCulture)], ExitCodes.Ok, "the event log reads", cancellationToken);
    }

    private async Task VerifyEverythingAsync(CancellationToken cancellationToken)
    {
        await WaitForHealthyAsync(cancellationToken);
        await _narrator.RunAsync(["status"], ExitCodes.Ok, "the cluster is healthy again", cancellationToken);
        var fsck = await _narrator.RunAsync(["fsck"], ExitCodes.Ok, "every replica of every file is good", cancellationToken);
        _narrator.Check(
            fsck.Contains(string.Create(CultureInfo.InvariantCulture, $"{_written.Count} files,"), StringComparison.Ordinal),
            string.Create(CultureInfo.InvariantCulture, $"fsck verified every replica of all {_written.Count} files."),
            string.Create(CultureInfo.InvariantCulture, $"fsck did not verify the {_written.Count} files the demo wrote."));
        await ReadBackAsync("read back identical through the mount", cancellationToken);
        _narrator.Say("The demo behaved at every step.");
    }

    private async Task WriteAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        await _mount.WriteAsync(path, content, cancellationToken);
        _written[path] = content;
        _narrator.Say($"  wrote {path} ({Units.Bytes(content.Length)}) through the mount");
    }

    private async Task ReadBackAsync(string how, CancellationToken cancellationToken)
    {
        foreach (var (path, content) in _written)
        {
            var read = await _mount.ReadAsync(path, cancellationToken);
            if (!read.AsSpan().SequenceEqual(content))
            {
                throw new DemoStepFailedException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{path} read {read.Length} bytes (sha256 {MountedFiles.Digest(read)}) through the mount, not the {content.Length} bytes written (sha256 {MountedFiles.Digest(content)})."));
            }
        }

        _narrator.Ok(string.Create(CultureInfo.InvariantCulture, $"All {_written.Count} files {how} (SHA-256 equal)."));
    }

    private async Task WaitForEventAsync(long after, Func<ClusterEvent, bool> match, string what, CancellationToken cancellationToken)
    {
        var reader = new EventReader(_connection.Meta);
        var deadline = DateTimeOffset.UtcNow + HealingTimeout;
        var cursor = after;
        while (true)
        {
            await foreach (var e in reader.ReadAsync(cursor, null, cancellationToken))
            {
                cursor = e.Id;
                if (match(e))
                {
                    return;
                }
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw new DemoStepFailedException($"no event showed {what} within {Units.Duration(HealingTimeout)}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    private async Task WaitForHealthyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + HealingTimeout;
        while (true)
        {
            try
            {
                var health = await _connection.Meta.GetHealthAsync(cancellationToken);
                if (health.Status == HealthStatus.Healthy)
                {
                    return;
                }

                if (DateTimeOffset.UtcNow >= deadline)
                {
                    throw new DemoStepFailedException($"the cluster is still {health.Status} after {Units.Duration(HealingTimeout)}: {string.Join(" ", health.Reasons)}");
                }
            }
            catch (PosixException ex) when (ex.Errno is Errno.EIO or Errno.EAGAIN && DateTimeOffset.UtcNow < deadline)
            {
                // The metadata server is busy or restarting: ask again.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }
}
