using System.Globalization;
using System.Text;
using ReplicaFs.Bench.Results;

namespace ReplicaFs.Bench.Summary;

/// <summary>Renders a run as markdown: machine, medians, ReplicaFs against each peer, everything against bindfs.</summary>
public static class MarkdownReport
{
    /// <summary>The name of the FUSE ceiling system.</summary>
    public const string CeilingSystem = "bindfs";

    /// <summary>What the runner and the report say while ReplicaFs cannot be mounted.</summary>
    public const string ReplicaFsUnavailable = "ReplicaFs: not available (no mount yet)";

    public static string Render(RunSummary summary, IReadOnlyList<KeyValuePair<string, string>> machine, string title)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(machine);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# {title}");
        text.AppendLine();
        if (machine.Count > 0)
        {
            text.AppendLine("## Machine and run");
            text.AppendLine();
            foreach (var (key, value) in machine)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- {key}: {value}");
            }

            text.AppendLine();
        }

        AppendMedians(text, summary);
        AppendReplicaFsRatios(text, summary);
        AppendCeilingRatios(text, summary);
        AppendSystems(text, summary);
        return text.ToString();
    }

    private static void AppendMedians(StringBuilder text, RunSummary summary)
    {
        var systems = summary.Measured.ToList();
        text.AppendLine("## Medians (min–max over the rounds)");
        text.AppendLine();
        if (systems.Count == 0)
        {
            text.AppendLine("No system was measured.");
            text.AppendLine();
            return;
        }

        text.AppendLine("| figure | unit | " + string.Join(" | ", systems.Select(s => s.Name)) + " |");
        text.AppendLine("|---|---|" + string.Concat(systems.Select(_ => "---:|")));
        foreach (var test in summary.Tests)
        {
            var unit = summary.AnyOf(test);
            var unitText = unit is null ? string.Empty : unit.Unit + (unit.Better == Better.Lower ? " (lower is better)" : string.Empty);
            var cells = systems.Select(s => summary.Get(s.Name, test) is { } f ? FormatFigure(f) : "–");
            text.AppendLine(CultureInfo.InvariantCulture, $"| {test} | {unitText} | {string.Join(" | ", cells)} |");
        }

        text.AppendLine();
    }

    private static void AppendReplicaFsRatios(StringBuilder text, RunSummary summary)
    {
        text.AppendLine("## ReplicaFs against each peer (ratio of medians; above 1 means ReplicaFs is better)");
        text.AppendLine();
        var replicaFs = summary.Measured.Where(s => s.IsReplicaFs).ToList();
        var peers = summary.Measured.Where(s => !s.IsReplicaFs).ToList();
        if (replicaFs.Count == 0)
        {
            text.AppendLine(ReplicaFsUnavailable + ".");
            text.AppendLine();
            return;
        }

        foreach (var system in replicaFs)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"### {system.Name}");
            text.AppendLine();
            text.AppendLine("| figure | " + string.Join(" | ", peers.Select(p => "vs " + p.Name)) + " |");
            text.AppendLine("|---|" + string.Concat(peers.Select(_ => "---:|")));
            foreach (var test in summary.Tests)
            {
                var cells = peers.Select(p => FormatRatio(BetterRatio(summary, system.Name, p.Name, test)));
                text.AppendLine(CultureInfo.InvariantCulture, $"| {test} | {string.Join(" | ", cells)} |");
            }

            text.AppendLine();
        }
    }

    private static void AppendCeilingRatios(StringBuilder text, RunSummary summary)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"## Each system as a fraction of {CeilingSystem} (the FUSE ceiling; ratio of medians, above 1 means better than {CeilingSystem})");
        text.AppendLine();
        if (!summary.Measured.Any(s => s.Name == CeilingSystem))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{CeilingSystem} was not measured in this run.");
            text.AppendLine();
            return;
        }

        var others = summary.Measured.Where(s => s.Name != CeilingSystem).ToList();
        text.AppendLine("| figure | " + string.Join(" | ", others.Select(s => s.Name)) + " |");
        text.AppendLine("|---|" + string.Concat(others.Select(_ => "---:|")));
        foreach (var test in summary.Tests)
        {
            var cells = others.Select(s => FormatRatio(BetterRatio(summary, s.Name, CeilingSystem, test)));
            text.AppendLine(CultureInfo.InvariantCulture, $"| {test} | {string.Join(" | ", cells)} |");
        }

        text.AppendLine();
    }

    private static void AppendSystems(StringBuilder text, RunSummary summary)
    {
        text.AppendLine("## Systems");
        text.AppendLine();
        foreach (var system in summary.Systems)
        {
            var status = system.IsMeasured ? "measured" : $"{system.Status}: {system.Reason}";
            text.AppendLine(CultureInfo.InvariantCulture, $"- **{system.Name}** ({status}){Describe(system)}");
        }

        if (!summary.Systems.Any(s => s.IsReplicaFs && s.IsMeasured))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {ReplicaFsUnavailable}");
        }

        text.AppendLine();
    }

    private static string Describe(SystemRecord system)
    {
        var parts = new List<string>();
        if (system.Version is not null)
        {
            parts.Add("version " + system.Version);
        }

        if (system.Replicas is not null)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{system.Replicas} replica(s)"));
        }

        if (system.Layout is not null)
        {
            parts.Add(system.Layout);
        }

        if (system.Durability is not null)
        {
            parts.Add("durability: " + system.Durability);
        }

        return parts.Count == 0 ? string.Empty : ": " + string.Join("; ", parts);
    }

    /// <summary>A ratio oriented so that above 1 is always better for <paramref name="system"/>.</summary>
    internal static double? BetterRatio(RunSummary summary, string system, string baseline, string test)
    {
        var figure = summary.Get(system, test);
        if (figure is null)
        {
            return null;
        }

        return figure.Better == Better.Lower ? summary.Ratio(baseline, system, test) : summary.Ratio(system, baseline, test);
    }

    internal static string FormatFigure(FigureSummary figure) =>
        figure.Rounds > 1
            ? $"{FormatNumber(figure.Median)} ({FormatNumber(figure.Min)}–{FormatNumber(figure.Max)})"
            : FormatNumber(figure.Median);

    internal static string FormatNumber(double value) =>
        Math.Abs(value) switch
        {
            >= 100 => value.ToString("N0", CultureInfo.InvariantCulture),
            >= 10 => value.ToString("N1", CultureInfo.InvariantCulture),
            _ => value.ToString("N2", CultureInfo.InvariantCulture),
        };

    internal static string FormatRatio(double? ratio) =>
        ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "–";
}
