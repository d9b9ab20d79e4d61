namespace ReplicaFs.Web.Components.Cluster;

/// <summary>One line of a <see cref="SparkChart"/>.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Color">CSS colour.</param>
/// <param name="Values">Values, oldest first.</param>
/// <param name="Format">How a value reads (for the legend and the scale).</param>
public sealed record ChartSeries(string Name, string Color, IReadOnlyList<double> Values, Func<double, string> Format);
