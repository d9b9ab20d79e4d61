using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ReplicaFs.Testing.HttpFiles;

/// <summary>
/// Expands <c>{{…}}</c> in request templates: file variables (whose values may use other variables),
/// <c>{{$guid}}</c>, <c>{{$randomInt min max}}</c> (min inclusive, max exclusive, as in REST Client),
/// <c>{{$timestamp}}</c>, and references to earlier named requests:
/// <c>{{name.response.body.$.path}}</c>, <c>{{name.response.body.*}}</c> and <c>{{name.response.headers.Header-Name}}</c>.
/// Random values come from a seeded generator, so a run is reproducible.
/// </summary>
public sealed partial class HttpVariableResolver
{
    private const int MaxDepth = 16;
    private readonly IReadOnlyDictionary<string, string> _variables;
    private readonly Dictionary<string, HttpFileResponse> _responses = new(StringComparer.Ordinal);
    private readonly Random _random;

    /// <summary>Creates a resolver over <paramref name="variables"/> with random values seeded by <paramref name="seed"/>.</summary>
    public HttpVariableResolver(IReadOnlyDictionary<string, string> variables, int seed)
    {
        _variables = variables;
        _random = new Random(seed);
    }

    /// <summary>Makes <paramref name="response"/> available as <c>{{<paramref name="name"/>.response.…}}</c>.</summary>
    public void AddResponse(string name, HttpFileResponse response) => _responses[name] = response;

    /// <summary>Expands every <c>{{…}}</c> in <paramref name="template"/>.</summary>
    /// <exception cref="KeyNotFoundException">A variable, request or JSON property does not exist.</exception>
    /// <exception cref="FormatException">A reference is malformed or unsupported.</exception>
    public string Expand(string template) => Expand(template, 0);

    private string Expand(string template, int depth)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (depth > MaxDepth)
        {
            throw new FormatException($"file variables refer to each other more than {MaxDepth} levels deep (a cycle?)");
        }

        return Placeholder().Replace(template, match => Resolve(match.Groups["expr"].Value.Trim(), depth));
    }

    private string Resolve(string expression, int depth)
    {
        if (expression.StartsWith('$'))
        {
            return SystemVariable(expression);
        }

        if (_variables.TryGetValue(expression, out var value))
        {
            return Expand(value, depth + 1);
        }

        var reference = ResponseReference().Match(expression);
        if (reference.Success)
        {
            return ResolveReference(reference);
        }

        throw new KeyNotFoundException($"unknown variable '{{{{{expression}}}}}' (define it with '@{expression} = …')");
    }

    private string SystemVariable(string expression)
    {
        var parts = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (parts[0])
        {
            case "$guid" when parts.Length == 1:
                return NextGuid().ToString("D");
            case "$randomInt" when parts.Length == 3
                && int.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var min)
                && int.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var max):
                return min < max
                    ? _random.Next(min, max).ToString(CultureInfo.InvariantCulture)
                    : throw new FormatException($"'{{{{{expression}}}}}': min must be below max (max is exclusive)");
            case "$randomInt":
                throw new FormatException($"'{{{{{expression}}}}}': write {{{{$randomInt min max}}}} with two integers");
            case "$timestamp" when parts.Length == 1:
                return DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            default:
                throw new FormatException($"unsupported system variable '{{{{{expression}}}}}' (supported: $guid, $randomInt min max, $timestamp)");
        }
    }

    private Guid NextGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 (little-endian field layout of System.Guid)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }

    private string ResolveReference(Match reference)
    {
        var name = reference.Groups["name"].Value;
        var part = reference.Groups["part"].Value;
        var rest = reference.Groups["rest"].Value;
        if (reference.Groups["kind"].Value != "response")
        {
            throw new FormatException($"'{name}.{reference.Groups["kind"].Value}…': only response references are supported");
        }

        if (!_responses.TryGetValue(name, out var response))
        {
            throw new KeyNotFoundException($"no response named '{name}' yet: name an earlier request with '# @name {name}'");
        }

        if (part == "headers")
        {
            return response.Headers.TryGetValue(rest, out var header)
                ? header
                : throw new KeyNotFoundException($"the response of '{name}' has no header '{rest}' (headers: {string.Join(", ", response.Headers.Keys)})");
        }

        if (rest == "*")
        {
            return response.Body;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(response.Body);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"the response body of '{name}' is not JSON ({ex.Message}); use {{{{{name}.response.body.*}}}} for the raw body", ex);
        }

        using (document)
        {
            return JsonPath.ToText(JsonPath.Select(document.RootElement, rest));
        }
    }

    [GeneratedRegex(@"\{\{(?<expr>[^{}]+)\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^(?<name>[A-Za-z_][A-Za-z0-9_-]*)\.(?<kind>response|request)\.(?<part>body|headers)\.(?<rest>.+)$")]
    private static partial Regex ResponseReference();
}
