using System.Text.Json;

namespace ReplicaFs.Api.Tests.Hostile;

/// <summary>A parameter of an operation, as the OpenAPI document describes it.</summary>
/// <param name="Name">Its name.</param>
/// <param name="In"><c>path</c> or <c>query</c>.</param>
/// <param name="Type">The JSON schema type (<c>integer</c>, <c>string</c>, <c>boolean</c>), or <c>enum</c> for a reference to an enum.</param>
/// <param name="Format"><c>int32</c>, <c>int64</c> or null.</param>
internal sealed record ApiParameter(string Name, string In, string Type, string? Format);

/// <summary>One operation of a server's REST API, read from its live OpenAPI document.</summary>
/// <param name="Method">HTTP method, upper case.</param>
/// <param name="Path">The path template, e.g. <c>/api/fs/inodes/{ino}</c>.</param>
/// <param name="OperationId">The endpoint name.</param>
/// <param name="Parameters">Path and query parameters.</param>
/// <param name="BodyMediaTypes">Media types of the request body (empty without a body).</param>
/// <param name="BodySchema">The body's schema when it is JSON (a reference to a component schema).</param>
/// <param name="NeedsAdminToken">Whether the operation declares a 401 answer (the admin bearer token guards it).</param>
internal sealed record ApiOperation(
    string Method,
    string Path,
    string OperationId,
    IReadOnlyList<ApiParameter> Parameters,
    IReadOnlyList<string> BodyMediaTypes,
    JsonElement? BodySchema,
    bool NeedsAdminToken)
{
    /// <summary>Whether the body is JSON.</summary>
    public bool HasJsonBody => BodyMediaTypes.Contains("application/json");

    /// <summary>Whether the body is raw bytes.</summary>
    public bool HasBinaryBody => BodyMediaTypes.Contains("application/octet-stream");

    /// <summary>Whether the method never changes anything.</summary>
    public bool IsSafe => Method is "GET" or "HEAD";

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Path} ({OperationId})";
}

/// <summary>A server's live OpenAPI document (<c>/swagger/v1/swagger.json</c>), turned into the list of its operations.</summary>
internal sealed class OpenApiDocument
{
    /// <summary>Where both server roles publish their document.</summary>
    public const string DocumentPath = "/swagger/v1/swagger.json";

    private readonly JsonElement _root;

    private OpenApiDocument(JsonElement root)
    {
        _root = root;
        Operations = [.. ReadOperations()];
    }

    /// <summary>Every operation, in document order.</summary>
    public IReadOnlyList<ApiOperation> Operations { get; }

    /// <summary>Fetches and reads the document of the server at <paramref name="server"/>.</summary>
    public static async Task<OpenApiDocument> FetchAsync(HttpClient http, Uri server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var response = await http.GetAsync(new Uri(server, DocumentPath), cancellationToken);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return new OpenApiDocument(document.RootElement.Clone());
    }

    /// <summary>Follows a <c>$ref</c> to a component schema; any other schema is returned as it is.</summary>
    public JsonElement Resolve(JsonElement schema)
    {
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            schema = _root.GetProperty("components").GetProperty("schemas").GetProperty(name);
        }

        return schema;
    }

    private IEnumerable<ApiOperation> ReadOperations()
    {
        foreach (var path in _root.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var parameters = new List<ApiParameter>();
                if (operation.Value.TryGetProperty("parameters", out var list))
                {
                    foreach (var parameter in list.EnumerateArray())
                    {
                        var schema = Resolve(parameter.GetProperty("schema"));
                        var type = schema.TryGetProperty("enum", out _) ? "enum" : schema.TryGetProperty("type", out var t) ? t.GetString()! : "string";
                        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
                        parameters.Add(new ApiParameter(parameter.GetProperty("name").GetString()!, parameter.GetProperty("in").GetString()!, type, format));
                    }
                }

                var mediaTypes = new List<string>();
                JsonElement? bodySchema = null;
                if (operation.Value.TryGetProperty("requestBody", out var body))
                {
                    foreach (var content in body.GetProperty("content").EnumerateObject())
                    {
                        mediaTypes.Add(content.Name);
                        if (content.Name == "application/json")
                        {
                            bodySchema = content.Value.GetProperty("schema");
                        }
                    }
                }

                var guarded = operation.Value.TryGetProperty("responses", out var responses) && responses.TryGetProperty("401", out _);
                yield return new ApiOperation(
                    operation.Name.ToUpperInvariant(),
                    path.Name,
                    operation.Value.GetProperty("operationId").GetString()!,
                    parameters,
                    mediaTypes,
                    bodySchema,
                    guarded);
            }
        }
    }
}
