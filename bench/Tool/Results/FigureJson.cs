using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ReplicaFs.Bench.Results;

/// <summary>Writes figures as JSON lines, the format every part of the benchmark reads and writes.</summary>
/// <remarks>
/// One object per line: <c>{"test":"create","unit":"files/s","value":1234.5,"better":"higher","detail":{…}}</c>.
/// The runner adds <c>system</c>, <c>round</c> and <c>position</c> to each line.
/// </remarks>
public static class FigureJson
{
    /// <summary>Serialises one figure as a single line of JSON (no trailing newline).</summary>
    public static string ToJsonLine(Figure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps "+" and "<" readable; the output is a data file, never embedded in HTML.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("test", figure.Test);
            writer.WriteString("unit", figure.Unit);
            writer.WriteNumber("value", Math.Round(figure.Value, 3));
            writer.WriteString("better", BetterName(figure.Better));
            writer.WriteStartObject("detail");
            foreach (var (key, value) in figure.Detail)
            {
                WriteValue(writer, key, value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The JSON spelling of <paramref name="better"/>.</summary>
    public static string BetterName(Better better) => better == Better.Lower ? "lower" : "higher";

    /// <summary>Parses the JSON spelling of a direction; anything but <c>lower</c> means higher.</summary>
    public static Better ParseBetter(string? text) =>
        string.Equals(text, "lower", StringComparison.Ordinal) ? Better.Lower : Better.Higher;

    private static void WriteValue(Utf8JsonWriter writer, string key, object value)
    {
        switch (value)
        {
            case bool flag:
                writer.WriteBoolean(key, flag);
                break;
            case int number:
                writer.WriteNumber(key, number);
                break;
            case long number:
                writer.WriteNumber(key, number);
                break;
            case double number:
                writer.WriteNumber(key, Math.Round(number, 3));
                break;
            case string text:
                writer.WriteString(key, text);
                break;
            default:
                writer.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
