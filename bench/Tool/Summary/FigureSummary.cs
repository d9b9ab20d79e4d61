using ReplicaFs.Bench.Results;

namespace ReplicaFs.Bench.Summary;

/// <summary>The rounds of one figure of one system: median and range.</summary>
public sealed record FigureSummary(string System, string Test, string Unit, Better Better, double Median, double Min, double Max, int Rounds);
