using System.Globalization;
using ReplicaFs.Api.Meta.Cluster;
using ReplicaFs.Api.Meta.Events;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.Clients;

/// <summary>
/// Live client sessions (mounts and tools) with their quorums. In memory: a session lives as long as its client
/// renews it, and after a restart of meta clients register again (a renewal answers 404). Sessions not renewed for
/// <see cref="MetaServerOptions.ClientSessionTimeout"/> expire. Connecting, ending and expiring are events.
/// </summary>
internal sealed class ClientSessionRegistry(IMetaDatabase database, ActiveClusterSettings cluster, MetaServerOptions options, TimeProvider clock)
{
    /// <summary>Longest client name.</summary>
    public const int MaxNameLength = 256;

    /// <summary>Longest host name.</summary>
    public const int MaxHostLength = 255;

    private readonly Dictionary<long, ClientSession> _sessions = [];
    private readonly Lock _gate = new();

    // Ids start from the clock (microseconds), so a client renewing a session from before a restart of meta never
    // renews someone else's session by accident; they stay below 2^53, exact in JSON.
    private long _lastId = clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000;

    /// <summary>How long a session lives without a renewal.</summary>
    public TimeSpan Timeout => options.ClientSessionTimeout;

    /// <summary>Registers a session; EINVAL for a bad name or host, or quorums outside 1..R.</summary>
    public async Task<ClientSession> RegisterAsync(RegisterClientRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = Printable(request.Name, "name", MaxNameLength);
        var host = Printable(request.Host, "host", MaxHostLength);
        var replicas = cluster.Replicas;
        if (request.Pid < 0)
        {
            throw new PosixException(Errno.EINVAL, "'pid' cannot be negative.");
        }

        if (request.ReadQuorum < 1 || request.ReadQuorum > replicas || request.WriteQuorum < 1 || request.WriteQuorum > replicas)
        {
            throw new PosixException(Errno.EINVAL,
                $"Quorums must be between 1 and the replica count {replicas}: Qr={request.ReadQuorum}, Qw={request.WriteQuorum}.");
        }

        var now = clock.GetUtcNow();
        var session = new ClientSession(Interlocked.Increment(ref _lastId), name, host, request.Pid, request.ReadQuorum, request.WriteQuorum,
            request.ReadQuorum + request.WriteQuorum > replicas, now, now);
        var consistency = session.StronglyConsistent
            ? "strongly consistent"
            : "not strongly consistent: Qr + Qw does not exceed R, so a read may miss the latest write";
        await database.WriteAsync(tx => tx.Events.Append(new NewEventRecord(now, EventKinds.ClientConnected, EventSeverity.Info,
            $"{Describe(session)} connected with Qr={Number(session.ReadQuorum)}, Qw={Number(session.WriteQuorum)} of R={Number(replicas)} ({consistency}).",
            "meta")), cancellationToken);
        lock (_gate)
        {
            _sessions.Add(session.Id, session);
        }

        return session;
    }

    /// <summary>Renews a session; ENOENT when it is unknown or expired (the client registers again).</summary>
    public async Task<ClientSession> RenewAsync(long sessionId, CancellationToken cancellationToken)
    {
        await ExpireAsync(cancellationToken);
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var session))
            {
                throw new PosixException(Errno.ENOENT, $"There is no live client session {sessionId}: it expired or meta restarted. Register again.");
            }

            return _sessions[sessionId] = session with { LastSeen = clock.GetUtcNow() };
        }
    }

    /// <summary>Ends a session; ENOENT when it is unknown or expired.</summary>
    public async Task EndAsync(long sessionId, CancellationToken cancellationToken)
    {
        ClientSession? ended;
        lock (_gate)
        {
            _sessions.Remove(sessionId, out ended);
        }

        if (ended is null)
        {
            throw new PosixException(Errno.ENOENT, $"There is no live client session {sessionId}.");
        }

        await database.WriteAsync(tx => tx.Events.Append(new NewEventRecord(clock.GetUtcNow(), EventKinds.ClientDisconnected, EventSeverity.Info,
            $"{Describe(ended)} disconnected (session ended).", "meta")), cancellationToken);
    }

    /// <summary>The live sessions by id (expired ones are dropped first).</summary>
    public async Task<IReadOnlyList<ClientSession>> ListAsync(CancellationToken cancellationToken)
    {
        await ExpireAsync(cancellationToken);
        lock (_gate)
        {
            return [.. _sessions.Values.OrderBy(s => s.Id)];
        }
    }

    /// <summary>Drops the sessions not renewed within <see cref="Timeout"/>, each with a <c>client.disconnected</c> warning; returns them.</summary>
    public async Task<IReadOnlyList<ClientSession>> ExpireAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        List<ClientSession> expired;
        lock (_gate)
        {
            expired = [.. _sessions.Values.Where(s => now - s.LastSeen > Timeout).OrderBy(s => s.Id)];
            foreach (var session in expired)
            {
                _sessions.Remove(session.Id);
            }
        }

        if (expired.Count > 0)
        {
            await database.WriteAsync(tx =>
            {
                foreach (var session in expired)
                {
                    tx.Events.Append(new NewEventRecord(now, EventKinds.ClientDisconnected, EventSeverity.Warning,
                        $"{Describe(session)} expired: not renewed for {EventText.Duration(now - session.LastSeen)} " +
                        $"(sessions expire after {EventText.Duration(Timeout)}, three heartbeat timeouts).",
                        "meta"));
                }

                return expired.Count;
            }, cancellationToken);
        }

        return expired;
    }

    private static string Describe(ClientSession session) =>
        $"Client '{session.Name}' (host {session.Host}, pid {Number(session.Pid)}, session {Number(session.Id)})";

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Printable(string? value, string field, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > maxLength || trimmed.Any(char.IsControl))
        {
            throw new PosixException(Errno.EINVAL, $"'{field}' must have 1-{maxLength} printable characters.");
        }

        return trimmed;
    }
}
