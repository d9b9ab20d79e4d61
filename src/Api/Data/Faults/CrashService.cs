using ReplicaFs.Api.Data.Registration;
using ReplicaFs.Api.Data.Storage;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Data.Faults;

/// <summary>
/// The crash and restore faults. Crash: stop background work, drop every chunk (disk and index, see
/// <see cref="ChunkStore.WipeAsync"/>), answer 503 to everything but health, stats and restore, and tell the metadata
/// server at once (a heartbeat with <c>crashed: true</c>). Restore: come back empty with a new instance id and
/// register again, so the metadata server sees a server that came back empty and the server rebuilds from its peers.
/// </summary>
internal sealed partial class CrashService(
    ChunkStore store, ServerCrashState state, MetaRegistrationService registration, ILogger<CrashService> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Crashes the server (nothing happens when it is crashed already).</summary>
    public async Task CrashAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (state.Crashed)
            {
                return;
            }

            state.EnterCrashed();
            var (versions, bytes) = await store.WipeAsync(CancellationToken.None);
            LogCrashed(logger, versions, bytes);
            registration.HeartbeatNow();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Restores a crashed server; EBUSY (409) when it is not crashed.</summary>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!state.Crashed)
            {
                throw new PosixException(Errno.EBUSY, "The server is not crashed: it serves its data, and restoring it would throw that data away. Restore is only for a crashed server.");
            }

            await store.RenewAsync(CancellationToken.None);
            state.LeaveCrashed();
            LogRestored(logger, store.InstanceId);
            registration.RegisterNow();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Crashed (fault injection): dropped {Versions} chunk versions ({Bytes} bytes); answering 503 until restored")]
    private static partial void LogCrashed(ILogger logger, long versions, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restored (fault injection): empty, new instance {InstanceId}; registering again to rebuild from peers")]
    private static partial void LogRestored(ILogger logger, string instanceId);
}
