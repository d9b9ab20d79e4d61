using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReplicaFs.Cli.Output;

/// <summary>How <c>--json</c> output is written: camelCase like the REST APIs, enums as strings.</summary>
internal static class CliJson
{
    /// <summary>One indented document.</summary>
    public static JsonSerializerOptions Document { get; } = Create(indented: true);

    /// <summary>One document per line (events, --watch).</summary>
    public static JsonSerializerOptions Line { get; } = Create(indented: false);

    /// <summary>Writes <paramref name="value"/> as one document (and a newline).</summary>
    public static void Write<T>(TextWriter writer, T value, bool oneLine = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine(JsonSerializer.Serialize(value, oneLine ? Line : Document));
    }

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = indented,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
        // As the REST APIs write them ("Up", "Degraded"): the contract enums carry the same converter.
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
