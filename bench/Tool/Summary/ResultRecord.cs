using ReplicaFs.Bench.Results;

namespace ReplicaFs.Bench.Summary;

/// <summary>One raw figure of one system in one round, as the runner stored it.</summary>
public sealed record ResultRecord(string System, int Round, string Test, string Unit, double Value, Better Better);
