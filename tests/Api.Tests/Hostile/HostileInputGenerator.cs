using System.Text;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Api.Tests.Hostile;

/// <summary>
/// Turns one operation of a live OpenAPI document into hostile requests: every path and query parameter replaced by
/// values that are wrong for its type and meaning (unknown ids, overflow, negative offsets, path traversal, odd and
/// invalid bytes, seeded junk), bodies that are truncated, random, of the wrong type or content type, too large or
/// wrong in one property, bad bearer tokens, and requests the HTTP layer itself must refuse. Everything else in each
/// request is valid and names real objects (<see cref="HostileTargets"/>), so each request tests one thing.
/// </summary>
internal sealed class HostileInputGenerator(OpenApiDocument document, HostileTargets targets, int seed)
{
    private const string CanaryPlaceholder = "CANARY";

    private static readonly string[] IntegerPathValues =
    [
        "-1", "0", "9000000000000", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "99999999999999999999999", "1.5", "1e3", "0x10", "abc", "%20", "%00", "1%00", "%FF", "1%2F2", "1;DROP%20TABLE%20inodes",
    ];

    private static readonly string[] KeyPathValues =
    [
        "%2E%2E", "%2E%2E%2F%2E%2E%2FCANARY", "..%2F..%2FCANARY", "%2Ftmp%2FCANARY", "a%2Fb", "a%5Cb", "%00", "a%00b",
        "-x", "_x", "a.b", new string('k', 65), new string('k', 2000), "k%C3%A9", "%FF%FE", "%EF%BF%BD", "%25", "a%20b", "~",
    ];

    private static readonly string[] IntegerQueryValues =
    [
        "-1", "0", "9223372036854775808", "-9223372036854775809", "99999999999999999999", "1.5", "1e3", "abc", "%00", "%FF", "0x10",
    ];

    private static readonly string[] NameQueryValues =
    [
        "", ".", "..", "a%2Fb", "..%2F..%2FCANARY", "%2Ftmp%2FCANARY", "%00", "a%00b", new string('n', 256), new string('n', 4096),
        "%FF", "%C0%AF", "%ED%A0%80", "a%FFb",
    ];

    private static readonly string[] AttributeNameQueryValues =
    [
        "", "%00", "user.a%00b", "user." + new string('n', 251), "user.%FF", "user.%C0%AF", "user.%ED%A0%80",
    ];

    private readonly JsonBodies _bodies = new(document, targets);

    /// <summary>Every hostile request for <paramref name="operation"/>, the same ones for the same seed.</summary>
    public IReadOnlyList<HostileCase> For(ApiOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var random = new Random(HashCode.Combine(seed, StableHash(operation.OperationId)));
        var cases = new List<HostileCase>();
        cases.AddRange(PathCases(operation, random));
        cases.AddRange(QueryCases(operation, random));
        if (operation.HasJsonBody)
        {
            cases.AddRange(JsonBodyCases(operation, random));
        }

        if (operation.OperationId == "PutChunk")
        {
            cases.AddRange(ChunkBodyCases(operation, random));
        }
        else if (operation.HasBinaryBody)
        {
            cases.AddRange(OpaqueBodyCases(operation));
        }

        if (operation.NeedsAdminToken)
        {
            cases.AddRange(TokenCases(operation));
        }

        cases.AddRange(ProtocolCases(operation));
        return cases;
    }

    private IEnumerable<HostileCase> PathCases(ApiOperation operation, Random random)
    {
        // An unknown server's heartbeat is answered 200 with reRegister = true: that is the protocol, and it writes nothing.
        var verdict = operation.OperationId == "Heartbeat" ? Verdict.MayRead : Verdict.Refused;
        foreach (var parameter in operation.Parameters.Where(p => p.In == "path"))
        {
            var values = parameter.Type == "integer"
                ? IntegerPathValues.Concat(parameter.Format == "int32" ? ["2147483648"] : [])
                : KeyPathValues;
            foreach (var value in values.Concat(Junk(random, 3)))
            {
                // Kestrel refuses a NUL in the path itself, before any endpoint sees the request.
                var refusal = value.Contains("%00", StringComparison.Ordinal) ? Verdict.RefusedByProtocol : verdict;
                yield return Build(operation, $"path {parameter.Name} = {Show(value)}", refusal, pathOverride: (parameter.Name, value));
            }

            if (parameter.Type == "string")
            {
                // Unescaped dot segments: the server normalises them away, so the request lands elsewhere (and must still write nothing).
                yield return Build(operation, $"path {parameter.Name} = ../../{CanaryPlaceholder} (raw dot segments)", Verdict.Refused, pathOverride: (parameter.Name, "../../" + CanaryPlaceholder));
            }
        }
    }

    private IEnumerable<HostileCase> QueryCases(ApiOperation operation, Random random)
    {
        var verdict = operation.IsSafe ? Verdict.MayRead : Verdict.Refused;
        foreach (var parameter in operation.Parameters.Where(p => p.In == "query"))
        {
            IEnumerable<string> values = parameter switch
            {
                { Type: "integer" } => IntegerQueryValues.Concat(parameter.Format == "int32" ? ["2147483648"] : []),
                { Type: "boolean" } => ["perhaps", "2", "-1", "%00", "yes"],
                { Type: "enum" } => ["Sometimes", "3", "-1", "%00", "Any%00"],
                { Name: "name" } when operation.OperationId.Contains("ExtendedAttribute", StringComparison.Ordinal) => AttributeNameQueryValues,
                { Name: "name" } => NameQueryValues,
                { Name: "path" } => ["", "no/slash", "%00", "/%00", "/" + new string('p', 4096), "/a/" + new string('n', 256), "/%FF", "//..//..//" + CanaryPlaceholder],
                { Name: "kind" } => ["Bad%20Kind", "%00", "%FF", new string('k', 65), "..%2F"],
                _ => ["%00", "..%2F..%2F" + CanaryPlaceholder, "abc.-1", "abc.0", "abc.99999999999999999999", "abc.", ".1", new string('a', 5000), "%FF"],
            };
            foreach (var value in values.Concat(Junk(random, 2)))
            {
                yield return Build(operation, $"query {parameter.Name} = {Show(value)}", verdict, queryOverride: (parameter.Name, value));
            }

            if (parameter.Type is "integer" or "boolean" or "enum")
            {
                var valid = HostileTargets.RequiredQueries.GetValueOrDefault(operation.OperationId)?.GetValueOrDefault(parameter.Name) ?? HostileTargets.QueryValue(parameter);
                yield return Build(operation, $"query {parameter.Name} given twice", verdict, queryOverride: (parameter.Name, $"{valid}&{parameter.Name}={valid}"));
            }
        }
    }

    private IEnumerable<HostileCase> JsonBodyCases(ApiOperation operation, Random random)
    {
        var schema = operation.BodySchema!.Value;
        foreach (var (description, body) in _bodies.Mutations(schema, random))
        {
            yield return Build(operation, "body: " + description, Verdict.Refused, body: JsonBodies.WithCanary(body, targets.Canary), contentType: "application/json");
        }

        var sample = Encoding.UTF8.GetBytes(_bodies.Sample(schema).ToJsonString());
        foreach (var contentType in new string?[]
        {
            null, "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
            "application/json; charset=utf-16", "application", "application/jsonx",
        })
        {
            yield return Build(operation, $"a sample body as {contentType ?? "(no content type)"}", Verdict.Refused, body: sample, contentType: contentType);
        }
    }

    private IEnumerable<HostileCase> ChunkBodyCases(ApiOperation operation, Random random)
    {
        var good = Encoding.ASCII.GetBytes("hello, hostile world");
        var goodChecksum = ChunkChecksum.Format(ChunkChecksum.Compute(good));
        foreach (var size in new[] { 1, 65_537, 300_000 })
        {
            var junk = new byte[size];
            random.NextBytes(junk);
            yield return Build(operation, $"{size} bytes that do not hash to the checksum", Verdict.Refused, body: junk, contentType: ChunkHeaders.OctetStream, headers: [$"{ChunkHeaders.Checksum}: {goodChecksum}"]);
        }

        yield return Build(operation, "no checksum header", Verdict.Refused, body: good, contentType: ChunkHeaders.OctetStream);
        foreach (var checksum in new[] { "", "0123456789ABCDEF", "0123", "0123456789abcdef0", "zzzzzzzzzzzzzzzz", goodChecksum + ", " + goodChecksum, new string('a', 16 * 1024) })
        {
            yield return Build(operation, $"checksum header {Show(checksum)}", Verdict.Refused, body: good, contentType: ChunkHeaders.OctetStream, headers: [$"{ChunkHeaders.Checksum}: {checksum}"]);
        }

        foreach (var contentType in new string?[] { null, "text/plain", "application/json", "application/octet-streamx", "multipart/form-data; boundary=x" })
        {
            yield return Build(operation, $"a good body as {contentType ?? "(no content type)"}", Verdict.Refused, body: good, contentType: contentType, headers: [$"{ChunkHeaders.Checksum}: {goodChecksum}"]);
        }

        yield return Build(operation, "an empty body with the checksum of another", Verdict.Refused, body: [], contentType: ChunkHeaders.OctetStream, headers: [$"{ChunkHeaders.Checksum}: {goodChecksum}"]);
        foreach (var length in new[] { "67108865", "9223372036854775807" })
        {
            yield return Build(operation, $"Content-Length {length} (over 64 MiB) and no body", Verdict.Refused, contentType: ChunkHeaders.OctetStream,
                headers: [$"{ChunkHeaders.Checksum}: {goodChecksum}", $"Content-Length: {length}"]);
        }

        yield return Build(operation, "a chunked body with a malformed chunk size", Verdict.Refused, contentType: ChunkHeaders.OctetStream,
            headers: [$"{ChunkHeaders.Checksum}: {goodChecksum}", "Transfer-Encoding: chunked"], body: Encoding.ASCII.GetBytes("zz\r\nhello\r\n0\r\n\r\n"));
        yield return Build(operation, "a chunked body of 65 MiB (over the 64 MiB limit)", Verdict.Refused, contentType: ChunkHeaders.OctetStream,
            headers: [$"{ChunkHeaders.Checksum}: {goodChecksum}", "Transfer-Encoding: chunked"], body: Chunked(65 * 1024 * 1024));
        foreach (var length in new[] { "-1", "99999999999999999999", "abc" })
        {
            yield return Build(operation, $"Content-Length {length}", Verdict.RefusedByProtocol, contentType: ChunkHeaders.OctetStream,
                headers: [$"{ChunkHeaders.Checksum}: {goodChecksum}", $"Content-Length: {length}"], body: good);
        }

        yield return Build(operation, "both Content-Length and Transfer-Encoding", Verdict.RefusedByProtocol, contentType: ChunkHeaders.OctetStream,
            headers: [$"{ChunkHeaders.Checksum}: {goodChecksum}", "Content-Length: 5", "Transfer-Encoding: chunked"], body: Encoding.ASCII.GetBytes("5\r\nhello\r\n0\r\n\r\n"));
    }

    private IEnumerable<HostileCase> OpaqueBodyCases(ApiOperation operation)
    {
        yield return Build(operation, "a value of 64 KiB + 1 bytes", Verdict.Refused, body: new byte[(64 * 1024) + 1], contentType: ChunkHeaders.OctetStream);
        yield return Build(operation, "Content-Length 9999999999 and no body", Verdict.Refused, contentType: ChunkHeaders.OctetStream, headers: ["Content-Length: 9999999999"]);
        yield return Build(operation, "a chunked value of 70 KiB", Verdict.Refused, contentType: ChunkHeaders.OctetStream, headers: ["Transfer-Encoding: chunked"], body: Chunked(70 * 1024));
    }

    private IEnumerable<HostileCase> TokenCases(ApiOperation operation)
    {
        foreach (var authorization in new string?[]
        {
            null, "Bearer", "Bearer ", "Bearer wrong", $"Bearer {targets.AdminToken}x", $"Bearer {targets.AdminToken.ToUpperInvariant()}",
            "Basic dGVzdDp0ZXN0", $"Bearer {targets.AdminToken[..^1]}", $"Token {targets.AdminToken}",
        })
        {
            yield return Build(operation, $"Authorization {Show(authorization ?? "(none)")}", Verdict.Refused, authorization: authorization ?? string.Empty);
        }
    }

    private IEnumerable<HostileCase> ProtocolCases(ApiOperation operation)
    {
        // No body and (for guarded endpoints) no token: if the HTTP layer let one of these through, nothing could be written.
        const string Unauthorized = "";
        yield return Build(operation, "a 40 KiB header", Verdict.RefusedByProtocol, headers: ["X-Big: " + new string('h', 40 * 1024)], authorization: Unauthorized, emptyBody: true);
        yield return Build(operation, "a 17 KiB request line", Verdict.RefusedByProtocol, queryOverride: ("pad", new string('q', 17 * 1024)), authorization: Unauthorized, emptyBody: true);
        yield return Build(operation, "a header line without a colon", Verdict.RefusedByProtocol, headers: ["X-Broken"], authorization: Unauthorized, emptyBody: true);
        yield return Build(operation, "a space before a header's colon", Verdict.RefusedByProtocol, headers: ["X-Spaced : x"], authorization: Unauthorized, emptyBody: true);
        yield return Build(operation, "a folded header", Verdict.RefusedByProtocol, headers: ["X-Folded: a", " b"], authorization: Unauthorized, emptyBody: true);
        yield return Build(operation, "Content-Length given twice with different values", Verdict.RefusedByProtocol, headers: ["Content-Length: 1", "Content-Length: 2"], authorization: Unauthorized, emptyBody: true);
        yield return Build(operation, "method FOO", Verdict.RefusedByProtocol, method: "FOO", authorization: Unauthorized, emptyBody: true);
    }

    /// <summary>Builds one request: the valid request with at most one part replaced.</summary>
    private HostileCase Build(
        ApiOperation operation,
        string description,
        Verdict verdict,
        (string Name, string Value)? pathOverride = null,
        (string Name, string Value)? queryOverride = null,
        byte[]? body = null,
        string? contentType = null,
        IReadOnlyList<string>? headers = null,
        string? authorization = null,
        string? method = null,
        bool emptyBody = false)
    {
        var path = operation.Path;
        foreach (var parameter in operation.Parameters.Where(p => p.In == "path"))
        {
            var value = pathOverride is { } o && o.Name == parameter.Name ? o.Value : targets.PathValue(operation, parameter.Name);
            path = path.Replace("{" + parameter.Name + "}", value, StringComparison.Ordinal);
        }

        var query = new List<string>();
        var required = HostileTargets.RequiredQueries.GetValueOrDefault(operation.OperationId) ?? new Dictionary<string, string>();
        foreach (var (name, value) in required)
        {
            if (queryOverride?.Name != name)
            {
                query.Add($"{name}={value}");
            }
        }

        if (queryOverride is { } q)
        {
            query.Add($"{q.Name}={q.Value}");
        }

        var target = (query.Count == 0 ? path : path + "?" + string.Join('&', query)).Replace(CanaryPlaceholder, targets.Canary, StringComparison.Ordinal);
        var lines = new List<string>(headers ?? []);
        if (operation.NeedsAdminToken && authorization is null)
        {
            lines.Add($"Authorization: Bearer {targets.AdminToken}");
        }
        else if (!string.IsNullOrEmpty(authorization))
        {
            lines.Add($"Authorization: {authorization}");
        }

        if (!emptyBody && body is null && contentType is null)
        {
            (body, contentType) = DefaultBody(operation);
        }

        if (contentType is not null)
        {
            lines.Add($"Content-Type: {contentType}");
        }

        return new HostileCase(operation, description, method ?? operation.Method, target, lines, body ?? [], verdict);
    }

    /// <summary>A valid body for the cases that vary something else.</summary>
    private (byte[]? Body, string? ContentType) DefaultBody(ApiOperation operation)
    {
        if (operation.HasJsonBody)
        {
            return (Encoding.UTF8.GetBytes(_bodies.Sample(operation.BodySchema!.Value).ToJsonString()), "application/json");
        }

        if (operation.OperationId == "PutChunk")
        {
            // Checksum header is added by the chunk cases; without it the body is refused, which the other cases need anyway.
            return (Encoding.ASCII.GetBytes("hello"), ChunkHeaders.OctetStream);
        }

        return operation.HasBinaryBody ? (Encoding.ASCII.GetBytes("v"), ChunkHeaders.OctetStream) : (null, null);
    }

    /// <summary>
    /// Seeded junk for a path segment or query value: random bytes, percent-encoded, with at least one 0xFF (never
    /// valid UTF-8), so that a short draw such as <c>%15</c> cannot happen to be a legal name that a correct server
    /// must accept.
    /// </summary>
    private static IEnumerable<string> Junk(Random random, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var bytes = new byte[random.Next(1, 40)];
            random.NextBytes(bytes);
            bytes[random.Next(bytes.Length)] = 0xFF;
            yield return string.Concat(bytes.Select(b => $"%{b:X2}"));
        }
    }

    private static byte[] Chunked(int size)
    {
        const int Piece = 1024 * 1024;
        using var body = new MemoryStream(size + 1024);
        var zeros = new byte[Piece];
        for (var written = 0; written < size; written += Piece)
        {
            var count = Math.Min(Piece, size - written);
            body.Write(Encoding.ASCII.GetBytes($"{count:x}\r\n"));
            body.Write(zeros, 0, count);
            body.Write("\r\n"u8);
        }

        body.Write("0\r\n\r\n"u8);
        return body.ToArray();
    }

    private static string Show(string value) => value.Length > 48 ? value[..48] + $"…({value.Length} chars)" : value;

    private static int StableHash(string text) => text.Aggregate(17, (hash, c) => unchecked((hash * 31) + c));
}
