using System.Globalization;

namespace ReplicaFs.Api.Tests.Hostile;

/// <summary>
/// Real objects of the cluster under attack, so that a hostile request differs from a valid one in exactly one place:
/// every other parameter names something that exists.
/// </summary>
/// <param name="DirectoryIno">A directory (with one file in it).</param>
/// <param name="FileIno">A regular file with one committed chunk.</param>
/// <param name="ChunkId">That chunk's id.</param>
/// <param name="ChunkKey">That chunk's key on the data servers.</param>
/// <param name="ServerId">A data server's id at meta.</param>
/// <param name="SessionId">A live client session.</param>
/// <param name="AdminToken">The admin token of the data servers.</param>
/// <param name="Canary">A file name that path traversal attempts aim at; it must never appear anywhere.</param>
internal sealed record HostileTargets(
    long DirectoryIno,
    long FileIno,
    long ChunkId,
    string ChunkKey,
    int ServerId,
    long SessionId,
    string AdminToken,
    string Canary)
{
    /// <summary>The valid value of a path parameter.</summary>
    public string PathValue(ApiOperation operation, string name) => name switch
    {
        "parent" => Text(DirectoryIno),
        "ino" when operation.OperationId is "ReadDirectory" or "ListExtendedAttributes" or "GetExtendedAttribute" or "SetExtendedAttribute"
            or "RemoveExtendedAttribute" or "SetAttributes" or "GetAttributes" or "Reclaim" => Text(DirectoryIno),
        "ino" => Text(FileIno),
        "chunkId" => Text(ChunkId),
        "serverId" => Text(ServerId),
        "sessionId" => Text(SessionId),
        "key" => ChunkKey,
        _ => throw new InvalidOperationException($"{operation}: no valid value known for path parameter '{name}'. Add one to {nameof(HostileTargets)}."),
    };

    /// <summary>
    /// Query parameters an operation needs to do anything (the servers check them themselves, so the OpenAPI document
    /// does not mark them required), with valid values.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> RequiredQueries { get; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["PutChunk"] = new Dictionary<string, string> { ["version"] = "7" },
            ["Lookup"] = new Dictionary<string, string> { ["name"] = "absent" },
            ["Unlink"] = new Dictionary<string, string> { ["name"] = "absent" },
            ["RemoveDirectory"] = new Dictionary<string, string> { ["name"] = "absent" },
            ["GetExtendedAttribute"] = new Dictionary<string, string> { ["name"] = "user.hostile" },
            ["SetExtendedAttribute"] = new Dictionary<string, string> { ["name"] = "user.hostile" },
            ["RemoveExtendedAttribute"] = new Dictionary<string, string> { ["name"] = "user.absent" },
            ["Resolve"] = new Dictionary<string, string> { ["path"] = "/" },
        };

    /// <summary>A valid value of a query parameter when it is the one being varied's neighbour.</summary>
    public static string QueryValue(ApiParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return parameter.Type switch
        {
            "integer" => "1",
            "boolean" => "false",
            _ => "x",
        };
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
