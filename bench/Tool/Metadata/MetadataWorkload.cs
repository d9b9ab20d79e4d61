using System.Diagnostics;
using System.Globalization;
using ReplicaFs.Bench.Posix;
using ReplicaFs.Bench.Results;

namespace ReplicaFs.Bench.Metadata;

/// <summary>
/// The metadata workload: create, stat, list and unlink many small files, then mkdir and rmdir a nested tree.
/// Every operation is a direct system call, timed one by one, in one thread (queue depth 1).
/// </summary>
/// <remarks>
/// The workload works inside its own new subdirectory of <see cref="MetadataWorkloadOptions.Directory"/> and removes
/// everything it created, also when a call fails (then it reports the failure after cleaning up as far as it can).
/// </remarks>
public sealed class MetadataWorkload
{
    private readonly MetadataWorkloadOptions _options;
    private readonly TextWriter _log;

    public MetadataWorkload(MetadataWorkloadOptions options, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Files);
        ArgumentOutOfRangeException.ThrowIfNegative(options.FileBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Listings);
        _ = DirectoryTree.Count(options.TreeFanout, options.TreeDepth);
        _options = options;
        _log = log;
    }

    /// <summary>Runs every phase and returns one figure per phase, in order.</summary>
    public IReadOnlyList<Figure> Run()
    {
        if (!System.IO.Directory.Exists(_options.Directory))
        {
            throw new DirectoryNotFoundException($"{_options.Directory} is not a directory.");
        }

        var root = new NativePath(Path.Join(
            Path.GetFullPath(_options.Directory),
            string.Create(CultureInfo.InvariantCulture, $"replicafs-bench-meta-{Environment.ProcessId}-{Random.Shared.Next():x8}")));
        var filesDirectory = root.Child("files");
        var files = Enumerable.Range(0, _options.Files)
            .Select(i => filesDirectory.Child(string.Create(CultureInfo.InvariantCulture, $"f{i:D6}")))
            .ToArray();
        var treeRoot = root.Child("tree");
        var tree = DirectoryTree.DepthFirst(_options.TreeFanout, _options.TreeDepth)
            .Select(treeRoot.Child)
            .ToArray();

        var figures = new List<Figure>();
        FileSystemCalls.MakeDirectory(root);
        var completed = false;
        try
        {
            FileSystemCalls.MakeDirectory(filesDirectory);
            figures.Add(Create(files));
            figures.Add(Stat(files));
            figures.Add(ReadDirectory(filesDirectory));
            figures.Add(Unlink(files));
            FileSystemCalls.RemoveDirectory(filesDirectory);

            FileSystemCalls.MakeDirectory(treeRoot);
            figures.Add(MakeTree(tree));
            figures.Add(RemoveTree(tree));
            FileSystemCalls.RemoveDirectory(treeRoot);
            FileSystemCalls.RemoveDirectory(root);
            completed = true;
        }
        finally
        {
            if (!completed)
            {
                CleanUp(root, filesDirectory, files, treeRoot, tree);
            }
        }

        return figures;
    }

    private Figure Create(NativePath[] files)
    {
        var content = new byte[_options.FileBytes];
        new Random(7).NextBytes(content);
        var timer = new OperationTimer(files.Length);
        timer.StartPhase();
        foreach (var file in files)
        {
            var start = Stopwatch.GetTimestamp();
            FileSystemCalls.CreateFile(file, content);
            timer.Record(start);
        }

        return timer.ToFigure("create", "files/s", 1,
        [
            new("file_bytes", _options.FileBytes),
            new("calls", "open(O_CREAT|O_EXCL|O_WRONLY) + write + close"),
        ]);
    }

    private Figure Stat(NativePath[] files)
    {
        var cold = DropCachesIfAsked();
        var timer = new OperationTimer(files.Length);
        timer.StartPhase();
        foreach (var file in files)
        {
            var start = Stopwatch.GetTimestamp();
            var size = FileSystemCalls.StatSize(file);
            timer.Record(start);
            if (size != _options.FileBytes)
            {
                throw new InvalidDataException($"{file} has {size} bytes; {_options.FileBytes} were written.");
            }
        }

        return timer.ToFigure("stat", "files/s", 1, [new("cold_cache", cold), new("calls", "statx")]);
    }

    private Figure ReadDirectory(NativePath directory)
    {
        var cold = DropCachesIfAsked();
        var timer = new OperationTimer(_options.Listings);
        timer.StartPhase();
        for (var i = 0; i < _options.Listings; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var count = FileSystemCalls.CountEntries(directory);
            timer.Record(start);
            if (count != _options.Files)
            {
                throw new InvalidDataException($"{directory} lists {count} names; {_options.Files} files were created.");
            }
        }

        return timer.ToFigure("readdir", "entries/s", _options.Files,
        [
            new("cold_cache", cold),
            new("listings", _options.Listings),
            new("calls", "opendir + readdir until NULL + closedir, per listing"),
        ]);
    }

    private static Figure Unlink(NativePath[] files)
    {
        var timer = new OperationTimer(files.Length);
        timer.StartPhase();
        foreach (var file in files)
        {
            var start = Stopwatch.GetTimestamp();
            FileSystemCalls.Unlink(file);
            timer.Record(start);
        }

        return timer.ToFigure("unlink", "files/s", 1, [new("calls", "unlink")]);
    }

    private Figure MakeTree(NativePath[] tree)
    {
        var timer = new OperationTimer(tree.Length);
        timer.StartPhase();
        foreach (var directory in tree)
        {
            var start = Stopwatch.GetTimestamp();
            FileSystemCalls.MakeDirectory(directory);
            timer.Record(start);
        }

        return timer.ToFigure("mkdir_tree", "dirs/s", 1, TreeSettings("mkdir, depth-first, parents first"));
    }

    private Figure RemoveTree(NativePath[] tree)
    {
        var timer = new OperationTimer(tree.Length);
        timer.StartPhase();
        for (var i = tree.Length - 1; i >= 0; i--)
        {
            var start = Stopwatch.GetTimestamp();
            FileSystemCalls.RemoveDirectory(tree[i]);
            timer.Record(start);
        }

        return timer.ToFigure("rmdir_tree", "dirs/s", 1, TreeSettings("rmdir, children first"));
    }

    private KeyValuePair<string, object>[] TreeSettings(string calls) =>
    [
        new("fanout", _options.TreeFanout),
        new("depth", _options.TreeDepth),
        new("calls", calls),
    ];

    private bool DropCachesIfAsked()
    {
        if (!_options.DropCaches)
        {
            return false;
        }

        if (FileSystemCalls.DropCaches())
        {
            return true;
        }

        _log.WriteLine("warning: could not write /proc/sys/vm/drop_caches (not root?); this phase runs with warm caches");
        return false;
    }

    private void CleanUp(NativePath root, NativePath filesDirectory, NativePath[] files, NativePath treeRoot, NativePath[] tree)
    {
        _log.WriteLine($"cleaning up {root} after the failure");
        foreach (var file in files)
        {
            TryQuietly(() => FileSystemCalls.Unlink(file));
        }

        TryQuietly(() => FileSystemCalls.RemoveDirectory(filesDirectory));
        for (var i = tree.Length - 1; i >= 0; i--)
        {
            var directory = tree[i];
            TryQuietly(() => FileSystemCalls.RemoveDirectory(directory));
        }

        TryQuietly(() => FileSystemCalls.RemoveDirectory(treeRoot));
        TryQuietly(() => FileSystemCalls.RemoveDirectory(root));
    }

    private static void TryQuietly(Action action)
    {
        try
        {
            action();
        }
        catch (SystemCallException)
        {
            // Cleanup after a failure: names that were never created are expected to be missing.
        }
    }
}
