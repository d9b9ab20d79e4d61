namespace ReplicaFs.Bench.Results;

/// <summary>One measured figure: what was measured, its value and unit, and which direction is better.</summary>
/// <param name="Test">Stable name of the measurement, e.g. <c>create</c> or <c>seq_read</c>.</param>
/// <param name="Unit">Unit of <paramref name="Value"/>, e.g. <c>files/s</c>.</param>
/// <param name="Value">The figure.</param>
/// <param name="Better">Whether a higher or a lower value is better.</param>
/// <param name="Detail">Supporting numbers (operation count, seconds, latency percentiles, settings).</param>
public sealed record Figure(string Test, string Unit, double Value, Better Better, IReadOnlyList<KeyValuePair<string, object>> Detail);
