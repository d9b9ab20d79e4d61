using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReplicaFs.Api.Tests.Hostile;

/// <summary>
/// JSON request bodies built from an operation's schema: a valid-looking sample (every property present, ids naming
/// real objects), and mutations of it that are invalid by construction — each differs from the sample in one place.
/// </summary>
internal sealed class JsonBodies(OpenApiDocument document, HostileTargets targets)
{
    /// <summary>Stands in for a property while the rest of the body is serialised; replaced by raw bytes.</summary>
    private const string Marker = "__hostile_marker__";

    /// <summary>
    /// Values that are wrong for one property in particular (names that escape or are too long, negative sizes and
    /// offsets, versions below 1, malformed checksums and URLs), keyed by <c>Schema.property</c>. Raw JSON.
    /// </summary>
    private static readonly Dictionary<string, string[]> SemanticValues = BuildSemanticValues();

    /// <summary>The <c>Schema.property</c> keys of <see cref="SemanticValues"/>, for the test that they all exist.</summary>
    public static IEnumerable<string> SemanticKeys => SemanticValues.Keys;

    /// <summary>Every <c>Schema.property</c> reachable from <paramref name="schema"/>.</summary>
    public IEnumerable<string> PropertyKeys(JsonElement schema) => Walk(document.Resolve(schema), SchemaName(schema), [], 0).Select(p => p.Key);

    /// <summary>A sample body for <paramref name="schema"/>: every property present with a plausible value.</summary>
    public JsonNode Sample(JsonElement schema, string? propertyName = null, int depth = 0)
    {
        var resolved = document.Resolve(schema);
        if (resolved.TryGetProperty("enum", out var values))
        {
            return JsonValue.Create(values[0].GetString())!;
        }

        var type = resolved.TryGetProperty("type", out var t) ? t.GetString() : "object";
        switch (type)
        {
            case "integer":
                return JsonValue.Create(propertyName switch
                {
                    "ino" => targets.FileIno,
                    "chunkId" => targets.ChunkId,
                    "serverId" => targets.ServerId,
                    "parent" or "newParent" => targets.DirectoryIno,
                    "readQuorum" or "writeQuorum" => 1,
                    "count" => 1,
                    _ => 1L,
                });
            case "number":
                return JsonValue.Create(1.0);
            case "boolean":
                return JsonValue.Create(false);
            case "string":
                return JsonValue.Create(propertyName switch
                {
                    "checksum" => "0123456789abcdef",
                    "url" or "sourceUrl" => "http://127.0.0.1:9",
                    "key" => targets.ChunkKey,
                    "instanceId" => "5f0c6c3e-6a34-4b8f-9d5b-1c1f0e6a7b20",
                    "kind" => "test.hostile",
                    "storedAt" => "2026-01-01T00:00:00Z",
                    "name" or "newName" => "hostile-name",
                    _ => "x",
                })!;
            case "array":
                return depth > 3 ? new JsonArray() : new JsonArray(Sample(resolved.GetProperty("items"), propertyName, depth + 1));
            default:
                var sample = new JsonObject();
                if (depth <= 3 && resolved.TryGetProperty("properties", out var properties))
                {
                    foreach (var property in properties.EnumerateObject())
                    {
                        sample[property.Name] = Sample(property.Value, property.Name, depth + 1);
                    }
                }

                return sample;
        }
    }

    /// <summary>Mutations of the sample of <paramref name="schema"/>, each invalid by construction.</summary>
    public IEnumerable<(string Description, byte[] Body)> Mutations(JsonElement schema, Random random)
    {
        var sample = Sample(schema);
        var text = sample.ToJsonString();
        yield return ("empty body", []);
        foreach (var top in new[] { "null", "[]", "\"x\"", "1", "true", "[" + text + "]" })
        {
            yield return ($"the body is {Short(top)}", Encoding.UTF8.GetBytes(top));
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        yield return ("the last byte is missing", bytes[..^1]);
        for (var i = 0; i < 4; i++)
        {
            var cut = random.Next(1, bytes.Length - 1);
            yield return ($"truncated after {cut} of {bytes.Length} bytes", bytes[..cut]);
        }

        yield return ("trailing garbage after the object", Encoding.UTF8.GetBytes(text + "x"));
        yield return ("two objects", Encoding.UTF8.GetBytes(text + text));
        yield return ("nested 10,000 deep", Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000)));
        for (var i = 0; i < 3; i++)
        {
            var junk = new byte[random.Next(1, 2048)];
            random.NextBytes(junk);
            yield return ($"{junk.Length} random bytes", junk);
        }

        yield return ("a 2 MiB string (over the 1 MiB body limit)", Encoding.UTF8.GetBytes($"{{\"x\": \"{new string('a', 2 * 1024 * 1024)}\"}}"));

        var resolved = document.Resolve(schema);
        if (resolved.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
            {
                var copy = sample.DeepClone().AsObject();
                copy.Remove(name);
                yield return ($"required '{name}' missing", Encoding.UTF8.GetBytes(copy.ToJsonString()));
            }
        }

        foreach (var property in Walk(resolved, SchemaName(schema), [], 0))
        {
            foreach (var value in WrongValues(property))
            {
                yield return ($"{property.Key} = {Short(Encoding.UTF8.GetString(value))}", Replace(sample, property.Path, value));
            }

            if (property.Path.Count == 1 && SemanticValues.TryGetValue(property.Key, out var semantic))
            {
                // A well-typed but wrong value first, the good one after it: a reader that lets the last one win sees a
                // valid request that a proxy or validator reading the first one would have refused. Duplicates are refused.
                var wrongFirst = Encoding.UTF8.GetBytes($"{{\"{property.Path[0]}\": {semantic[0]}, ");
                yield return ($"{property.Key} given twice, first {Short(semantic[0])}", [.. wrongFirst, .. Encoding.UTF8.GetBytes(text[1..])]);
            }

            if (document.Resolve(property.Schema) is var inner && inner.TryGetProperty("type", out var type) && type.GetString() == "array")
            {
                // Far more items than any endpoint takes, but under the 1 MiB body limit.
                var item = Sample(inner.GetProperty("items"), property.Path[^1] as string).ToJsonString();
                var count = Math.Min(200_000, 900_000 / (item.Length + 1));
                yield return ($"{property.Key} with {count} items", Replace(sample, property.Path, Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat(item, count)) + "]")));
            }
        }
    }

    private IEnumerable<byte[]> WrongValues(PropertyInfo property)
    {
        var nullable = property.Schema.TryGetProperty("nullable", out var n) && n.GetBoolean();
        var isReference = property.Schema.TryGetProperty("$ref", out _);
        var schema = document.Resolve(property.Schema);
        var texts = new List<string>();
        if (schema.TryGetProperty("enum", out _))
        {
            texts.AddRange(["\"NotAValue\"", "99", "-1", "\"\"", "1.5", "{}"]);
        }
        else
        {
            var type = schema.TryGetProperty("type", out var t) ? t.GetString() : "object";
            var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
            switch (type)
            {
                case "integer" when format == "int32":
                    texts.AddRange(["\"1\"", "1.5", "1e3", "01", "4294967296", "-4294967297", "1e400", "true", "{}", "[]"]);
                    break;
                case "integer":
                    texts.AddRange(["\"1\"", "1.5", "1e3", "01", "18446744073709551616", "-9223372036854775809", "1e400", "true", "{}", "[]"]);
                    break;
                case "number":
                    texts.AddRange(["\"1\"", "\"NaN\"", "1e400", "true", "{}"]);
                    break;
                case "boolean":
                    texts.AddRange(["\"true\"", "1", "0", "{}", "[]"]);
                    break;
                case "string" when format == "date-time":
                    texts.AddRange(["\"yesterday\"", "\"9999-99-99T99:99:99Z\"", "1", "{}"]);
                    break;
                case "string":
                    texts.AddRange(["1", "true", "{}", "[]", "\"\\ud800\"", "\"\\udc00x\""]);
                    break;
                case "array":
                    texts.AddRange(["\"x\"", "1", "{}", "[null]"]);
                    break;
                default:
                    texts.AddRange(["\"x\"", "1", "[]"]);
                    break;
            }
        }

        if (!nullable && !isReference)
        {
            texts.Add("null");
        }

        if (SemanticValues.TryGetValue(property.Key, out var semantic))
        {
            texts.AddRange(semantic);
        }

        foreach (var text in texts.Distinct(StringComparer.Ordinal))
        {
            yield return Encoding.UTF8.GetBytes(text);
        }

        if (schema.TryGetProperty("type", out var kind) && kind.GetString() == "string" && !schema.TryGetProperty("format", out _))
        {
            // Bytes that are not UTF-8 at all: 0xFF, an overlong '/', a UTF-16 surrogate encoded as UTF-8.
            yield return [(byte)'"', 0xFF, 0xFE, (byte)'"'];
            yield return [(byte)'"', (byte)'.', (byte)'.', 0xC0, 0xAF, (byte)'x', (byte)'"'];
            yield return [(byte)'"', 0xED, 0xA0, 0x80, (byte)'"'];
        }
    }

    /// <summary>Every property below <paramref name="resolved"/>, nested objects and the first item of arrays included (three levels).</summary>
    private IEnumerable<PropertyInfo> Walk(JsonElement resolved, string schemaName, List<object> path, int depth)
    {
        if (depth > 3 || !resolved.TryGetProperty("properties", out var properties))
        {
            yield break;
        }

        foreach (var property in properties.EnumerateObject())
        {
            var propertyPath = new List<object>(path) { property.Name };
            var key = $"{schemaName}.{property.Name}";
            yield return new PropertyInfo(key, propertyPath, property.Value);
            var inner = document.Resolve(property.Value);
            if (inner.TryGetProperty("properties", out _))
            {
                foreach (var nested in Walk(inner, SchemaName(property.Value), propertyPath, depth + 1))
                {
                    yield return nested;
                }
            }
            else if (inner.TryGetProperty("type", out var type) && type.GetString() == "array")
            {
                var items = inner.GetProperty("items");
                var itemSchema = document.Resolve(items);
                if (itemSchema.TryGetProperty("properties", out _))
                {
                    foreach (var nested in Walk(itemSchema, SchemaName(items), [.. propertyPath, 0], depth + 1))
                    {
                        yield return nested;
                    }
                }
            }
        }
    }

    private static string SchemaName(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference) ? reference.GetString()!.Split('/')[^1] : "inline";

    /// <summary>The sample with the value at <paramref name="path"/> replaced by the raw bytes <paramref name="value"/>.</summary>
    private static byte[] Replace(JsonNode sample, IReadOnlyList<object> path, byte[] value)
    {
        var copy = sample.DeepClone();
        JsonNode parent = copy;
        for (var i = 0; i < path.Count - 1; i++)
        {
            parent = path[i] is string name ? parent[name]! : parent[(int)path[i]]!;
        }

        if (path[^1] is string last)
        {
            parent[last] = Marker;
        }
        else
        {
            parent[(int)path[^1]] = Marker;
        }

        var text = Encoding.UTF8.GetBytes(copy.ToJsonString());
        var marker = Encoding.UTF8.GetBytes($"\"{Marker}\"");
        var at = text.AsSpan().IndexOf(marker);
        return [.. text.AsSpan(0, at), .. value, .. text.AsSpan(at + marker.Length)];
    }

    private static string Short(string text) => text.Length > 60 ? text[..60] + $"…({text.Length} chars)" : text;

    private static Dictionary<string, string[]> BuildSemanticValues()
    {
        string[] names =
        [
            "\"\"", "\".\"", "\"..\"", "\"a/b\"", "\"../../CANARY\"", "\"/tmp/CANARY\"", "\"a\\u0000b\"",
            $"\"{new string('n', 256)}\"", $"\"{string.Concat(Enumerable.Repeat("é", 128))}\"",
        ];
        string[] keys =
        [
            "\"\"", "\"..\"", "\"../../CANARY\"", "\"/tmp/CANARY\"", "\"a/b\"", "\"a\\\\b\"", "\"-x\"", "\"_x\"", "\"a.b\"",
            "\"a\\u0000b\"", $"\"{new string('k', 65)}\"", "\"ké\"",
        ];
        string[] checksums = ["\"\"", "\"0123456789ABCDEF\"", "\"0123\"", "\"0123456789abcdef0\"", "\"zzzzzzzzzzzzzzzz\"", "\" 123456789abcdef\""];
        string[] ids = ["-1", "0", "9000000000000"];
        string[] versions = ["0", "-1", "-9223372036854775808"];
        string[] owners = ["4294967295", "-1"];
        var values = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var schema in new[] { "CreateFileRequest", "MakeDirectoryRequest", "CreateSymlinkRequest", "LinkRequest" })
        {
            values[$"{schema}.name"] = names;
        }

        foreach (var schema in new[] { "CreateFileRequest", "MakeDirectoryRequest", "CreateSymlinkRequest", "SetAttributesRequest" })
        {
            values[$"{schema}.uid"] = owners;
            values[$"{schema}.gid"] = owners;
        }

        values["RenameRequest.name"] = names;
        values["RenameRequest.newName"] = names;
        values["RenameRequest.parent"] = ids;
        values["RenameRequest.newParent"] = ids;
        values["RenameRequest.mode"] = ["5", "-1"];
        values["CreateSymlinkRequest.target"] = ["\"\"", "\"a\\u0000b\"", $"\"{new string('t', 4096)}\""];
        values["LinkRequest.ino"] = ids;
        values["SetAttributesRequest.size"] = ["-1", "-9223372036854775808", "1125899906842625", "9223372036854775807"];
        values["Timestamp.nsec"] = ["-1", "1000000000", "2147483647"];
        values["LeaseRequest.indexes"] = ["[-1]", "[]", "[-9223372036854775808]", "[1125899906842624]", "[9223372036854775807]"];
        values["CommitRequest.minSize"] = ["-1", "1125899906842625", "-9223372036854775808"];
        values["ChunkCommit.chunkId"] = ids;
        values["ChunkCommit.version"] = versions;
        values["ChunkCommit.baseVersion"] = ["-1"];
        values["ChunkCommit.length"] = ["-1", "262145", "9223372036854775807"];
        values["ChunkCommit.checksum"] = checksums;
        values["ChunkCommit.acknowledged"] = ["[-1]", "[2147483647]"];
        values["WriteFailureReport.chunkId"] = ids;
        values["WriteFailureReport.version"] = versions;
        values["WriteFailureReport.writeQuorum"] = ["0", "-1", "17"];
        values["ReplicaReport.serverId"] = ["-1", "0", "2147483647"];
        values["ReplicaReport.version"] = ["-1"];
        values["ReplicaReport.state"] = ["99"];
        values["ReplicaReport.reportedBy"] = ["\"\"", $"\"{new string('r', 129)}\"", "\"a\\u0000b\""];
        values["RegisterRequest.url"] = ["\"\"", "\"file:///tmp/CANARY\"", "\"ftp://127.0.0.1:9\"", "\"http://\"", "\"127.0.0.1:9\"", "\"javascript:alert(1)\""];
        values["RegisterRequest.instanceId"] = ["\"\""];
        values["RegisterRequest.name"] = ["\"  \"", "\"a\\nb\"", "\"a\\u0000b\"", $"\"{new string('s', 65)}\""];
        values["HeartbeatRequest.instanceId"] = ["\"\""];
        values["GarbageCandidate.key"] = keys;
        values["GarbageCandidate.version"] = versions;
        values["RegisterClientRequest.readQuorum"] = ["0", "-1", "99"];
        values["RegisterClientRequest.writeQuorum"] = ["0", "-1", "99"];
        values["RegisterClientRequest.name"] = ["\"\""];
        values["RegisterClientRequest.host"] = ["\"\""];
        values["NewEvent.kind"] = ["\"Bad Kind\"", "\"\"", "\"..\"", "\"../../CANARY\"", $"\"{new string('k', 65)}\""];
        values["NewEvent.message"] = ["\"\""];
        values["NewEvent.source"] = ["\"\""];
        values["NewEvent.serverId"] = ["0", "-1"];
        values["NewEvent.ino"] = ["0", "-1"];
        values["NewEvent.chunkId"] = ["0", "-1"];
        values["CorruptRequest.key"] = keys;
        values["CorruptRequest.version"] = versions;
        values["CorruptRequest.offset"] = ["-1", "-9223372036854775808"];
        values["CorruptRequest.count"] = ["0", "-1", "1048577", "2147483647"];
        values["LatencyFault.delayMs"] = ["-1", "600001", "2147483647"];
        values["CutOffFault.mode"] = ["99", "-1", "\"Sideways\""];
        values["RepairRequest.version"] = versions;
        values["RepairRequest.checksum"] = checksums;
        values["RepairRequest.sourceUrl"] =
        [
            "\"\"", "\"file:///etc/passwd\"", "\"/api/chunks\"", "\"gopher://127.0.0.1:9\"", "\"http://u:p@127.0.0.1:9\"",
            "\"http://127.0.0.1:9/?a=1\"", "\"http://127.0.0.1:9/#f\"",
        ];
        return values;
    }

    /// <summary>One property: its <c>Schema.property</c> key, where it sits in the body, and its schema.</summary>
    private sealed record PropertyInfo(string Key, IReadOnlyList<object> Path, JsonElement Schema);

    /// <summary>Turns the CANARY placeholder into the run's canary name.</summary>
    public static byte[] WithCanary(byte[] body, string canary) =>
        body.AsSpan().IndexOf("CANARY"u8) < 0
            ? body
            : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("CANARY", canary, StringComparison.Ordinal));
}
