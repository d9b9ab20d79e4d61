using Microsoft.Extensions.Logging;
using ReplicaFs.Client.Diagnostics;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Client.Sessions;

/// <summary>
/// Keeps this client's session at the metadata server (its name, host, pid and quorums, for cluster health and the
/// dashboard): registers at start, renews every heartbeat timeout (meta expires sessions after three), registers
/// again when meta forgot it, and ends it on dispose. Best effort: a session failure never fails file operations,
/// and a metadata server without session endpoints is left alone.
/// </summary>
internal sealed class ClientSessionKeeper : IAsyncDisposable
{
    private readonly IClusterApi _meta;
    private readonly RegisterClientRequest _request;
    private readonly TimeSpan _renewEvery;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private long _sessionId;

    public ClientSessionKeeper(IClusterApi meta, RegisterClientRequest request, TimeSpan renewEvery, ILogger logger)
    {
        _meta = meta;
        _request = request;
        _renewEvery = renewEvery;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The current session id, once registered.</summary>
    public long? SessionId => Interlocked.Read(ref _sessionId) is var id and > 0 ? id : null;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        if (SessionId is { } id)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _meta.EndClientAsync(id, timeout.Token);
            }
            catch (Exception ex) when (ex is PosixException or OperationCanceledException)
            {
                // It expires on its own.
            }
        }

        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var token = _stopping.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                if (SessionId is not { } id)
                {
                    if (!await RegisterAsync(token))
                    {
                        return;
                    }
                }
                else
                {
                    try
                    {
                        await _meta.RenewClientAsync(id, token);
                    }
                    catch (PosixException ex) when (ex.Errno == Errno.ENOENT)
                    {
                        // Expired (or meta lost its state): register again right away.
                        Interlocked.Exchange(ref _sessionId, 0);
                        continue;
                    }
                    catch (PosixException ex)
                    {
                        ClientLog.SessionRenewFailed(_logger, id, ex.Message);
                    }
                }

                await Task.Delay(_renewEvery, token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    /// <summary>Registers; false when the metadata server has no session endpoints (nothing to keep).</summary>
    private async Task<bool> RegisterAsync(CancellationToken cancellationToken)
    {
        try
        {
            var session = await _meta.RegisterClientAsync(_request, cancellationToken);
            Interlocked.Exchange(ref _sessionId, session.Id);
            ClientLog.SessionRegistered(_logger, session.Id, _request.ReadQuorum, _request.WriteQuorum);
            return true;
        }
        catch (PosixException ex) when (ex.Errno is Errno.ENOENT or Errno.ENOSYS)
        {
            ClientLog.SessionUnsupported(_logger, ex.Message);
            return false;
        }
        catch (PosixException ex)
        {
            ClientLog.SessionRenewFailed(_logger, 0, ex.Message);
            return true;
        }
    }
}
