namespace ReplicaFs.Bench.Summary;

/// <summary>Medians per system and figure, and the ratios the report shows.</summary>
public sealed class RunSummary
{
    private readonly Dictionary<(string System, string Test), FigureSummary> _figures;

    private RunSummary(
        IReadOnlyList<SystemRecord> systems,
        IReadOnlyList<string> tests,
        Dictionary<(string System, string Test), FigureSummary> figures)
    {
        Systems = systems;
        Tests = tests;
        _figures = figures;
    }

    /// <summary>Every system the runner tried, in the runner's order.</summary>
    public IReadOnlyList<SystemRecord> Systems { get; }

    /// <summary>Every figure name, in the order the workload produces them.</summary>
    public IReadOnlyList<string> Tests { get; }

    /// <summary>The systems with figures.</summary>
    public IEnumerable<SystemRecord> Measured => Systems.Where(s => s.IsMeasured);

    /// <summary>Summarises raw records. Systems that only appear in the records are added as measured.</summary>
    public static RunSummary Build(IReadOnlyList<SystemRecord> systems, IReadOnlyList<ResultRecord> records)
    {
        ArgumentNullException.ThrowIfNull(systems);
        ArgumentNullException.ThrowIfNull(records);
        var allSystems = systems.ToList();
        foreach (var name in records.Select(r => r.System).Distinct(StringComparer.Ordinal))
        {
            if (!allSystems.Any(s => s.Name == name))
            {
                allSystems.Add(new SystemRecord(name, "measured", null, null, null, null, null));
            }
        }

        var tests = records.Select(r => r.Test).Distinct(StringComparer.Ordinal).ToList();
        var figures = records
            .GroupBy(r => (r.System, r.Test))
            .ToDictionary(
                g => g.Key,
                g =>
                {
                    var first = g.First();
                    var values = g.Select(r => r.Value).ToArray();
                    return new FigureSummary(first.System, first.Test, first.Unit, first.Better,
                        Statistics.Median(values), values.Min(), values.Max(), values.Length);
                });
        return new RunSummary(allSystems, tests, figures);
    }

    /// <summary>Any system's summary of <paramref name="test"/> (for its unit and direction), if one was measured.</summary>
    public FigureSummary? AnyOf(string test) =>
        _figures.Values.FirstOrDefault(f => string.Equals(f.Test, test, StringComparison.Ordinal));

    /// <summary>The summary of one figure of one system, if it was measured.</summary>
    public FigureSummary? Get(string system, string test) =>
        _figures.TryGetValue((system, test), out var figure) ? figure : null;

    /// <summary>
    /// <paramref name="system"/>'s median divided by <paramref name="baseline"/>'s, or null when either is missing or
    /// the baseline is zero.
    /// </summary>
    public double? Ratio(string system, string baseline, string test)
    {
        var value = Get(system, test);
        var reference = Get(baseline, test);
        if (value is null || reference is null || reference.Median == 0)
        {
            return null;
        }

        return value.Median / reference.Median;
    }
}
