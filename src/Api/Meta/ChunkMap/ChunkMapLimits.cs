namespace ReplicaFs.Api.Meta.ChunkMap;

/// <summary>The documented limits of the chunk map API.</summary>
internal static class ChunkMapLimits
{
    /// <summary>Chunks per page when no count is given.</summary>
    public const int DefaultPageCount = 1024;

    /// <summary>Largest chunk page.</summary>
    public const int MaxPageCount = 8192;

    /// <summary>Most leases (and most commits) in one call.</summary>
    public const int MaxChunksPerCall = 1024;

    /// <summary>Longest failure reason or report reason kept.</summary>
    public const int MaxReasonLength = 1024;

    /// <summary>Longest reporter name.</summary>
    public const int MaxReporterLength = 128;
}
