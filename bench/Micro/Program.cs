using BenchmarkDotNet.Running;
using ReplicaFs.Bench.Micro.Setup;

// dotnet run -c Release --project bench/Micro -- --filter '*'   (see docs/benchmarks.md, "Micro-benchmarks")
BenchmarkSwitcher.FromAssembly(typeof(MicroConfig).Assembly).Run(args, MicroConfig.Create());
