using System.Text.Json;
using ReplicaFs.Bench.Results;

namespace ReplicaFs.Bench.Summary;

/// <summary>
/// The files the runner writes into <c>bench/results/&lt;timestamp&gt;/</c>: <c>raw.jsonl</c> (one figure per line),
/// <c>systems.jsonl</c> (one system per line) and <c>machine.json</c>.
/// </summary>
public sealed class ResultsDirectory
{
    public const string RawFile = "raw.jsonl";
    public const string SystemsFile = "systems.jsonl";
    public const string MachineFile = "machine.json";
    public const string MarkdownFile = "summary.md";
    public const string SummaryJsonFile = "summary.json";

    private ResultsDirectory(string path, IReadOnlyList<ResultRecord> records, IReadOnlyList<SystemRecord> systems, IReadOnlyList<KeyValuePair<string, string>> machine)
    {
        Path = path;
        Records = records;
        Systems = systems;
        Machine = machine;
    }

    public string Path { get; }

    public IReadOnlyList<ResultRecord> Records { get; }

    public IReadOnlyList<SystemRecord> Systems { get; }

    /// <summary>The machine facts as text, in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Machine { get; }

    /// <summary>Reads a results directory; a missing <c>systems.jsonl</c> or <c>machine.json</c> is allowed.</summary>
    public static ResultsDirectory Load(string path)
    {
        var raw = System.IO.Path.Join(path, RawFile);
        if (!File.Exists(raw))
        {
            throw new FileNotFoundException($"{raw} does not exist; is {path} a results directory?", raw);
        }

        var records = ReadLines(raw).Select(ParseRecord).ToList();
        var systemsPath = System.IO.Path.Join(path, SystemsFile);
        var systems = File.Exists(systemsPath) ? ReadLines(systemsPath).Select(ParseSystem).ToList() : [];
        var machinePath = System.IO.Path.Join(path, MachineFile);
        var machine = File.Exists(machinePath) ? ParseMachine(File.ReadAllText(machinePath)) : [];
        return new ResultsDirectory(path, records, systems, machine);
    }

    internal static ResultRecord ParseRecord(string line, int number)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            return new ResultRecord(
                root.GetProperty("system").GetString() ?? throw new InvalidDataException("system is null"),
                root.GetProperty("round").GetInt32(),
                root.GetProperty("test").GetString() ?? throw new InvalidDataException("test is null"),
                root.GetProperty("unit").GetString() ?? string.Empty,
                root.GetProperty("value").GetDouble(),
                FigureJson.ParseBetter(root.TryGetProperty("better", out var better) ? better.GetString() : null));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{RawFile} line {number + 1}: {e.Message}", e);
        }
    }

    internal static SystemRecord ParseSystem(string line, int number)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var describe = root.TryGetProperty("describe", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
            return new SystemRecord(
                root.GetProperty("system").GetString() ?? throw new InvalidDataException("system is null"),
                root.GetProperty("status").GetString() ?? "unknown",
                OptionalString(root, "reason"),
                OptionalString(describe, "version"),
                describe.ValueKind == JsonValueKind.Object && describe.TryGetProperty("replicas", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetInt32() : null,
                OptionalString(describe, "layout"),
                OptionalString(describe, "durability"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{SystemsFile} line {number + 1}: {e.Message}", e);
        }
    }

    private static List<KeyValuePair<string, string>> ParseMachine(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject()
            .Select(p => new KeyValuePair<string, string>(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? string.Empty : p.Value.GetRawText()))
            .ToList();
    }

    private static string? OptionalString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static IEnumerable<string> ReadLines(string path) =>
        File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l));
}
