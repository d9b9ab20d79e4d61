using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace ReplicaFs.Bench.Micro.Setup;

/// <summary>
/// How the micro-benchmarks run: in this process (no generated project to restore and build, and the clusters the
/// benchmarks start are plain child processes), a short job (3 warm-up and 10 measured iterations: the machines are
/// shared, so compare ratios within one run), allocations measured, results as GitHub markdown and CSV.
/// </summary>
public static class MicroConfig
{
    /// <summary>The configuration every benchmark class runs with.</summary>
    public static IConfig Create() =>
        ManualConfig.CreateMinimumViable()
            .AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithWarmupCount(3)
                .WithIterationCount(10)
                .WithId("short"))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddExporter(MarkdownExporter.GitHub)
            .AddExporter(BenchmarkDotNet.Exporters.Csv.CsvExporter.Default)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "replicafs-micro"))
            .WithOptions(ConfigOptions.JoinSummary);
}
