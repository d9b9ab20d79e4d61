namespace ReplicaFs.Api.Tests.Healing;

/// <summary>Self-healing tests each run a cluster of real processes and wait on timing; they run one at a time so that they do not starve each other of CPU.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HealingClusters
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Self-healing clusters";
}
