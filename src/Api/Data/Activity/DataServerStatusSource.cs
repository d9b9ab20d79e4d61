using ReplicaFs.Api.Data.Faults;
using ReplicaFs.Api.Data.Registration;
using ReplicaFs.Api.Data.Storage;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Data.Activity;

/// <summary>The <see cref="DataServerStatus"/> of this server now: identity, crashed or not, storage figures and activity.</summary>
internal sealed class DataServerStatusSource(ChunkStore store, ServerIdentity identity, ServerCrashState crash, DataServerActivity activity)
{
    /// <summary>The status now.</summary>
    public DataServerStatus Current() =>
        new(store.InstanceId, identity.ServerId, identity.Url, crash.Crashed, store.Stats(), activity.Snapshot());
}
