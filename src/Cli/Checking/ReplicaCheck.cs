using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ReplicaFs.Cli.Files;
using ReplicaFs.Cli.Output;
using ReplicaFs.Client.Repair;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Cli.Checking;

/// <summary>
/// Runs <see cref="FileVerifier"/> over every regular file under a path: every replica of every chunk recomputes the
/// digest of what it stores and is compared with the committed version and checksum; with repair, bad replicas are
/// repaired from good ones and checked again. A few files are checked at once; progress goes to a <see cref="ProgressLine"/>.
/// </summary>
internal sealed class ReplicaCheck(INamespaceApi meta, FileVerifier verifier)
{
    /// <summary>Files verified at once (each verifies up to 8 chunks at once).</summary>
    public const int FilesInParallel = 4;

    /// <summary>
    /// Checks the files under <paramref name="root"/>. <paramref name="expectedFiles"/> (the namespace's file count
    /// when the whole namespace is checked) turns the progress into a percentage.
    /// </summary>
    public async Task<CheckReport> RunAsync(string root, ReadQuorum readQuorum, bool repair, long? expectedFiles, ProgressLine progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readQuorum);
        ArgumentNullException.ThrowIfNull(progress);
        var started = Stopwatch.GetTimestamp();
        var results = new ConcurrentBag<FileCheck>();
        var counters = new Counters();
        var gate = new Lock();
        await Parallel.ForEachAsync(
            NamespaceWalker.FilesAsync(meta, root, cancellationToken),
            new ParallelOptions { MaxDegreeOfParallelism = FilesInParallel, CancellationToken = cancellationToken },
            async (file, ct) =>
            {
                var check = await CheckFileAsync(file, repair, ct);
                results.Add(check);
                counters.Add(check);
                lock (gate)
                {
                    progress.Report(counters.Describe(repair ? "repair" : "fsck", expectedFiles));
                }
            });

        var report = new CheckReport(
            root,
            readQuorum,
            repair,
            [.. results.OrderBy(r => r.File.Path, StringComparer.Ordinal)],
            Stopwatch.GetElapsedTime(started));
        progress.Complete(counters.Describe(repair ? "repair" : "fsck", expectedFiles));
        return report;
    }

    private async Task<FileCheck> CheckFileAsync(ClusterFile file, bool repair, CancellationToken cancellationToken)
    {
        try
        {
            var verification = await verifier.VerifyAsync(file.Attributes.Ino, repair, cancellationToken);
            if (!repair && verification.Chunks.Any(c => !c.Replicas.All(FileCheck.IsGood)))
            {
                // A chunk rewritten (or collected) between the listing and the digests looks stale or missing for a
                // moment: what is bad a second time, with a fresh chunk map, is reported.
                verification = await verifier.VerifyAsync(file.Attributes.Ino, repair: false, cancellationToken);
            }

            return new FileCheck(file, verification);
        }
        catch (PosixException ex) when (ex.Errno is Errno.ENOENT or Errno.ESTALE)
        {
            return new FileCheck(file, null, "removed while the check ran");
        }
    }

    /// <summary>Running totals for the progress line.</summary>
    private sealed class Counters
    {
        private long _files;
        private long _chunks;
        private long _replicas;
        private long _bad;
        private long _repaired;

        public void Add(FileCheck check)
        {
            Interlocked.Increment(ref _files);
            Interlocked.Add(ref _chunks, check.Chunks.Count);
            Interlocked.Add(ref _replicas, check.Chunks.Sum(c => c.Replicas.Count));
            Interlocked.Add(ref _bad, check.Chunks.Sum(c => c.Replicas.Count(r => !FileCheck.IsGood(r))));
            Interlocked.Add(ref _repaired, check.Chunks.Sum(c => c.Replicas.Count(r => r.Repair == RepairOutcome.Repaired)));
        }

        public string Describe(string what, long? expectedFiles)
        {
            var files = Interlocked.Read(ref _files);
            var of = expectedFiles is > 0 ? string.Create(CultureInfo.InvariantCulture, $"/{Units.Count(expectedFiles.Value)} ({Units.Percent(files, expectedFiles.Value)})") : string.Empty;
            var repaired = what == "repair" ? $", {Units.Count(Interlocked.Read(ref _repaired))} repaired" : string.Empty;
            return string.Create(
                CultureInfo.InvariantCulture,
                $"{what}: {Units.Count(files)}{of} files, {Units.Count(Interlocked.Read(ref _chunks))} chunks, {Units.Count(Interlocked.Read(ref _replicas))} replicas verified, {Units.Count(Interlocked.Read(ref _bad))} bad{repaired}");
        }
    }
}
