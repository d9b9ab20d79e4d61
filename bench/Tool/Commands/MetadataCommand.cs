using System.CommandLine;
using ReplicaFs.Bench.Metadata;
using ReplicaFs.Bench.Posix;
using ReplicaFs.Bench.Results;
using ReplicaFs.Contracts.CommandLine;

namespace ReplicaFs.Bench.Commands;

/// <summary><c>metadata DIR</c>: runs the metadata workload in DIR and prints one JSON line per phase.</summary>
public static class MetadataCommand
{
    public static Command Create()
    {
        var directory = new Argument<DirectoryInfo>("directory")
        {
            Description = "A directory on the file system under test; the workload works in a new subdirectory and removes it.",
        };
        var files = PositiveOption("--files", "Small files to create, stat, list and unlink.", 2000);
        var fileBytes = new Option<int>("--file-bytes")
        {
            Description = "Bytes written into each small file.",
            DefaultValueFactory = _ => 4096,
        };
        fileBytes.Validators.Add(r =>
        {
            if (r.TryGetValue(out int parsed) && parsed is < 0 or > 16 * 1024 * 1024)
            {
                r.AddError("--file-bytes must be between 0 and 16777216.");
            }
        });
        var fanout = PositiveOption("--tree-fanout", "Subdirectories per directory in the nested tree.", 8);
        var depth = PositiveOption("--tree-depth", "Levels of the nested tree.", 3);
        var listings = PositiveOption("--listings", "How many times the directory of small files is listed.", 5);
        var dropCaches = new Option<bool>("--drop-caches")
        {
            Description = "Drop the kernel's caches (sync; echo 3 > /proc/sys/vm/drop_caches, needs root) before the stat and readdir phases.",
        };

        var command = new Command("metadata", "Time create, stat, readdir and unlink of small files and mkdir/rmdir of a nested tree; one JSON line per phase on stdout.");
        command.Arguments.Add(directory);
        command.Options.Add(files);
        command.Options.Add(fileBytes);
        command.Options.Add(fanout);
        command.Options.Add(depth);
        command.Options.Add(listings);
        command.Options.Add(dropCaches);
        command.Validators.Add(r =>
        {
            var tooBig = (r.GetValue(fanout), r.GetValue(depth)) switch
            {
                var (f, d) when f > 0 && d > 0 => Math.Pow(f, d) > 1_000_000,
                _ => false,
            };
            if (tooBig)
            {
                r.AddError("--tree-fanout and --tree-depth give more than 1,000,000 directories.");
            }
        });
        command.SetAction(parse =>
        {
            var options = new MetadataWorkloadOptions
            {
                Directory = parse.GetRequiredValue(directory).FullName,
                Files = parse.GetValue(files),
                FileBytes = parse.GetValue(fileBytes),
                TreeFanout = parse.GetValue(fanout),
                TreeDepth = parse.GetValue(depth),
                Listings = parse.GetValue(listings),
                DropCaches = parse.GetValue(dropCaches),
            };
            try
            {
                foreach (var figure in new MetadataWorkload(options, Console.Error).Run())
                {
                    Console.Out.WriteLine(FigureJson.ToJsonLine(figure));
                }

                return 0;
            }
            catch (Exception e) when (e is SystemCallException or InvalidDataException or DirectoryNotFoundException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Option<int> PositiveOption(string name, string description, int defaultValue)
    {
        var option = new Option<int>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
        };
        option.Validators.Add(r =>
        {
            if (r.TryGetValue(out int parsed) && parsed < 1)
            {
                r.AddError($"{name} must be at least 1.");
            }
        });
        return option;
    }
}
