namespace ReplicaFs.Contracts.Api;

/// <summary>Everything the metadata server offers, as one Refit client.</summary>
public interface IMetadataApi : INamespaceApi, IChunkMapApi, IClusterApi
{
}
