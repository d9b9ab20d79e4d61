using System.Text.RegularExpressions;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.Events;

/// <summary>Reading the event log, and appending events reported by clients and data servers.</summary>
internal sealed partial class EventLog(IMetaDatabase database, TimeProvider clock)
{
    /// <summary>Page size when none is asked for.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Largest page.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Longest message.</summary>
    public const int MaxMessageLength = 4096;

    /// <summary>Longest source.</summary>
    public const int MaxSourceLength = 128;

    /// <summary>The rule of <see cref="KindPattern"/> in words.</summary>
    public const string KindRule = "a lower-case letter, then up to 63 lower-case letters, digits, '.' or '-'.";

    /// <summary>Events after <paramref name="after"/>, oldest first, optionally only kinds starting with <paramref name="kind"/>.</summary>
    public Task<EventPage> ReadAsync(long after, int? limit, string? kind, CancellationToken cancellationToken)
    {
        if (after < 0)
        {
            throw new PosixException(Errno.EINVAL, "'after' cannot be negative.");
        }

        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit)
        {
            throw new PosixException(Errno.EINVAL, $"'limit' must be between 1 and {MaxLimit}.");
        }

        var prefix = string.IsNullOrEmpty(kind) ? null : kind;
        if (prefix is not null && !KindPattern().IsMatch(prefix))
        {
            throw new PosixException(Errno.EINVAL, $"'kind' is a prefix of an event kind such as 'replica.': {KindRule}");
        }

        return database.ReadAsync(tx => new EventPage(tx.Events.List(after, take, prefix), tx.Events.LastId()), cancellationToken);
    }

    /// <summary>Validates and appends an event. When it names a chunk but no file, the chunk's file is filled in; the file's path is added.</summary>
    public Task<ClusterEvent> AddAsync(NewEvent newEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(newEvent);
        if (newEvent.Kind is null || !KindPattern().IsMatch(newEvent.Kind))
        {
            throw new PosixException(Errno.EINVAL, $"'kind' is required, e.g. 'replica.corrupt': {KindRule}");
        }

        if (!Enum.IsDefined(newEvent.Severity))
        {
            throw new PosixException(Errno.EINVAL, "'severity' must be Info, Warning or Error.");
        }

        if (string.IsNullOrWhiteSpace(newEvent.Message) || newEvent.Message.Length > MaxMessageLength)
        {
            throw new PosixException(Errno.EINVAL, $"'message' must have 1-{MaxMessageLength} characters.");
        }

        if (string.IsNullOrWhiteSpace(newEvent.Source) || newEvent.Source.Length > MaxSourceLength || newEvent.Source.Any(char.IsControl))
        {
            throw new PosixException(Errno.EINVAL, $"'source' must have 1-{MaxSourceLength} printable characters.");
        }

        if (newEvent.ServerId <= 0 || newEvent.Ino <= 0 || newEvent.ChunkId <= 0)
        {
            throw new PosixException(Errno.EINVAL, "'serverId', 'ino' and 'chunkId' are positive when given.");
        }

        return database.WriteAsync(tx =>
        {
            var ino = newEvent.Ino ?? (newEvent.ChunkId is { } chunkId ? tx.Chunks.GetChunk(chunkId)?.Ino : null);
            var path = ino is { } known ? tx.Namespace.PathOf(known) : null;
            return tx.Events.Append(new NewEventRecord(
                clock.GetUtcNow(), newEvent.Kind, newEvent.Severity, newEvent.Message, newEvent.Source,
                newEvent.ServerId, ino, newEvent.ChunkId, path));
        }, cancellationToken);
    }

    /// <summary>What an event kind looks like: lower-case dotted words, 1-64 characters.</summary>
    [GeneratedRegex("^[a-z][a-z0-9.-]{0,63}\\z", RegexOptions.CultureInvariant)]
    public static partial Regex KindPattern();
}
