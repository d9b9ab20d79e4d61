using System.Globalization;
using System.Text.Json;

namespace ReplicaFs.Testing.HttpFiles;

/// <summary>
/// The JSON path subset REST Client response references use: <c>$</c>, <c>$.a.b</c>, <c>$.items[0].x</c>,
/// <c>$[1]</c> and <c>$['odd name']</c>.
/// </summary>
public static class JsonPath
{
    /// <summary>The element at <paramref name="path"/> in <paramref name="root"/>.</summary>
    /// <exception cref="FormatException">The path is not in the supported subset.</exception>
    /// <exception cref="KeyNotFoundException">The document has nothing at the path.</exception>
    public static JsonElement Select(JsonElement root, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!path.StartsWith('$'))
        {
            throw new FormatException($"JSON path '{path}' must start with '$'");
        }

        var current = root;
        var i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var start = ++i;
                while (i < path.Length && path[i] is not ('.' or '['))
                {
                    i++;
                }

                var name = path[start..i];
                if (name.Length == 0)
                {
                    throw new FormatException($"JSON path '{path}' has an empty property name at position {start}");
                }

                current = Property(current, name, path);
            }
            else if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                if (close < 0)
                {
                    throw new FormatException($"JSON path '{path}' has an unclosed '['");
                }

                var inside = path[(i + 1)..close];
                if (inside.Length >= 2 && inside[0] is '\'' or '"' && inside[^1] == inside[0])
                {
                    current = Property(current, inside[1..^1], path);
                }
                else if (int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    if (current.ValueKind != JsonValueKind.Array)
                    {
                        throw new KeyNotFoundException($"JSON path '{path}': [{index}] applied to a {current.ValueKind}, not an array");
                    }

                    if (index >= current.GetArrayLength())
                    {
                        throw new KeyNotFoundException($"JSON path '{path}': index {index} is beyond the array's {current.GetArrayLength()} items");
                    }

                    current = current[index];
                }
                else
                {
                    throw new FormatException($"JSON path '{path}': '[{inside}]' is neither an index nor a quoted name");
                }

                i = close + 1;
            }
            else
            {
                throw new FormatException($"JSON path '{path}': expected '.' or '[' at position {i}");
            }
        }

        return current;
    }

    /// <summary>The text a reference expands to: strings unquoted, everything else as JSON.</summary>
    public static string ToText(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();

    private static JsonElement Property(JsonElement current, string name, string path)
    {
        if (current.ValueKind != JsonValueKind.Object)
        {
            throw new KeyNotFoundException($"JSON path '{path}': '{name}' applied to a {current.ValueKind}, not an object");
        }

        // Case-sensitive, as in REST Client: a file that passes here must also work there.
        return current.TryGetProperty(name, out var value)
            ? value
            : throw new KeyNotFoundException($"JSON path '{path}': no property '{name}' (properties: {string.Join(", ", current.EnumerateObject().Select(p => p.Name))})");
    }
}
