using System.CommandLine;
using ReplicaFs.Bench.Summary;

namespace ReplicaFs.Bench.Commands;

/// <summary><c>summarize DIR</c>: medians and ratios of a results directory, as summary.md and summary.json.</summary>
public static class SummarizeCommand
{
    public static Command Create()
    {
        var directory = new Argument<DirectoryInfo>("results")
        {
            Description = "A results directory written by bench/run.sh (raw.jsonl, systems.jsonl, machine.json).",
        };
        var title = new Option<string?>("--title")
        {
            Description = "Heading of the markdown report (default: the directory name).",
        };
        var command = new Command("summarize", "Write summary.md and summary.json into a results directory and print the markdown.");
        command.Arguments.Add(directory);
        command.Options.Add(title);
        command.SetAction(parse =>
        {
            var path = parse.GetRequiredValue(directory).FullName;
            try
            {
                var results = ResultsDirectory.Load(path);
                var summary = RunSummary.Build(results.Systems, results.Records);
                var markdown = MarkdownReport.Render(summary, results.Machine, parse.GetValue(title) ?? "Benchmark run " + Path.GetFileName(path));
                File.WriteAllText(Path.Join(path, ResultsDirectory.MarkdownFile), markdown);
                File.WriteAllText(Path.Join(path, ResultsDirectory.SummaryJsonFile), SummaryJson.Render(summary) + Environment.NewLine);
                Console.Out.Write(markdown);
                return 0;
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidDataException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
