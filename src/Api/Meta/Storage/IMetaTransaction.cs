namespace ReplicaFs.Api.Meta.Storage;

/// <summary>One transaction over the metadata, split by concern.</summary>
internal interface IMetaTransaction
{
    /// <summary>Inodes, directory entries and extended attributes.</summary>
    INamespaceStore Namespace { get; }

    /// <summary>Chunks, replicas, leases and the garbage list.</summary>
    IChunkStore Chunks { get; }

    /// <summary>Cluster settings, the version counter and data servers.</summary>
    IClusterStore Cluster { get; }

    /// <summary>The append-only event log.</summary>
    IEventStore Events { get; }

    /// <summary>Assignments, garbage checks and re-replication.</summary>
    ISelfHealingStore Healing { get; }

    /// <summary>Aggregates for the health summary.</summary>
    IHealthStore Health { get; }
}
