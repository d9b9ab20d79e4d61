using System.CommandLine;

namespace ReplicaFs.Bench.Commands;

/// <summary>The command line of the benchmark tool.</summary>
public static class BenchCommand
{
    /// <summary>Builds the root command with the <c>metadata</c> and <c>summarize</c> subcommands.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("ReplicaFs benchmark tool: the metadata workload and the summary of a benchmark run (see docs/benchmarks.md).");
        root.Subcommands.Add(MetadataCommand.Create());
        root.Subcommands.Add(SummarizeCommand.Create());
        return root;
    }
}
