using System.Globalization;
using ReplicaFs.Api.Meta.Storage;

namespace ReplicaFs.Api.Meta.Events;

/// <summary>How event messages name files, chunks and servers, so every message reads the same way.</summary>
internal static class EventText
{
    /// <summary>The file's path, or a description of an unlinked inode.</summary>
    public static string File(string? path, long ino) =>
        path ?? $"unlinked inode {ino.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>"chunk 00000000000000a1 (index 3)".</summary>
    public static string Chunk(ChunkRecord chunk) =>
        $"chunk {chunk.Key} (index {chunk.Index.ToString(CultureInfo.InvariantCulture)})";

    /// <summary>"data-2, data-3", or "none".</summary>
    public static string Servers(IEnumerable<int> ids)
    {
        var names = ids.Select(ServerRecord.NameOf).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    /// <summary>A reason as given, or a placeholder when there is none.</summary>
    public static string Reason(string? reason) => string.IsNullOrWhiteSpace(reason) ? "no reason given" : reason.Trim();
}
