using System.Text.Json;
using ReplicaFs.Bench.Results;

namespace ReplicaFs.Bench.Summary;

/// <summary>Writes the medians and ratios of a run as one JSON document (summary.json).</summary>
public static class SummaryJson
{
    public static string Render(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("systems");
            foreach (var system in summary.Systems)
            {
                writer.WriteStartObject();
                writer.WriteString("system", system.Name);
                writer.WriteString("status", system.Status);
                if (system.Reason is not null)
                {
                    writer.WriteString("reason", system.Reason);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("medians");
            foreach (var system in summary.Measured)
            {
                foreach (var test in summary.Tests)
                {
                    if (summary.Get(system.Name, test) is not { } figure)
                    {
                        continue;
                    }

                    writer.WriteStartObject();
                    writer.WriteString("system", figure.System);
                    writer.WriteString("test", figure.Test);
                    writer.WriteString("unit", figure.Unit);
                    writer.WriteString("better", FigureJson.BetterName(figure.Better));
                    writer.WriteNumber("median", Math.Round(figure.Median, 3));
                    writer.WriteNumber("min", Math.Round(figure.Min, 3));
                    writer.WriteNumber("max", Math.Round(figure.Max, 3));
                    writer.WriteNumber("rounds", figure.Rounds);
                    writer.WriteEndObject();
                }
            }

            writer.WriteEndArray();
            writer.WriteStartArray("ratios");
            var measured = summary.Measured.ToList();
            foreach (var system in measured)
            {
                foreach (var baseline in measured.Where(b => b.Name != system.Name && (system.IsReplicaFs ? !b.IsReplicaFs : b.Name == MarkdownReport.CeilingSystem)))
                {
                    foreach (var test in summary.Tests)
                    {
                        if (MarkdownReport.BetterRatio(summary, system.Name, baseline.Name, test) is not { } ratio)
                        {
                            continue;
                        }

                        writer.WriteStartObject();
                        writer.WriteString("system", system.Name);
                        writer.WriteString("baseline", baseline.Name);
                        writer.WriteString("test", test);
                        writer.WriteNumber("ratio", Math.Round(ratio, 4));
                        writer.WriteEndObject();
                    }
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
