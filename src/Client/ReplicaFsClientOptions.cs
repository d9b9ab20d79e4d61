namespace ReplicaFs.Client;

/// <summary>How a <see cref="ReplicaFsClient"/> talks to the cluster. Every limit is bounded; defaults suit a LAN.</summary>
public sealed record ReplicaFsClientOptions
{
    /// <summary>Base URL of the metadata server.</summary>
    public required Uri MetaUrl { get; init; }

    /// <summary>Read quorum Qr; null: a majority of the cluster's replica count.</summary>
    public int? ReadQuorum { get; init; }

    /// <summary>Write quorum Qw; null: a majority of the cluster's replica count.</summary>
    public int? WriteQuorum { get; init; }

    /// <summary>Cluster token sent with every call when the cluster requires one.</summary>
    public string? ClusterToken { get; init; }

    /// <summary>How this client names itself in events and replica reports; default "client:{host}/{pid}".</summary>
    public string? ClientName { get; init; }

    /// <summary>What this client is, as its session at the metadata server shows it (e.g. "mount /mnt/replicafs").</summary>
    public string SessionName { get; init; } = "ReplicaFs client";

    /// <summary>Time to open a TCP connection to any server.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Time for one metadata call, answer included.</summary>
    public TimeSpan MetaTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Time for one replica to report its digest.</summary>
    public TimeSpan DigestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Time for one chunk transfer (a PUT, or a GET with its whole body).</summary>
    public TimeSpan TransferTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a read lets its byte source run before moving to another replica, when Qr others already agree and
    /// the source has not even reported its digest (a slow or hung server).
    /// </summary>
    public TimeSpan ByteSourceHedgeDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Time for one replica to repair itself from a good one.</summary>
    public TimeSpan RepairTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Once Qw replicas acknowledged, how long the others may still make it into the commit.</summary>
    public TimeSpan CommitGrace { get; init; } = TimeSpan.FromMilliseconds(25);

    /// <summary>After the commit, how long replicas that had not answered may still finish; their success is then reported.</summary>
    public TimeSpan LateAckWindow { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Commit attempts when other writers keep committing the same chunks (ESTALE).</summary>
    public int MaxCommitAttempts { get; init; } = 8;

    /// <summary>Bytes all chunk buffers of this client may hold together (dirty chunks, read-ahead, merges).</summary>
    public long BufferBudgetBytes { get; init; } = 320L * 1024 * 1024;

    /// <summary>Chunks one direct read or write transfers at the same time.</summary>
    public int MaxChunksInFlight { get; init; } = 8;

    /// <summary>Most chunks leased and committed in one metadata call.</summary>
    public int MaxBatchChunks { get; init; } = 16;

    /// <summary>Background flush batches per open file at the same time.</summary>
    public int MaxFlushesInFlight { get; init; } = 4;

    /// <summary>
    /// Bytes of partly written chunks one open file may hold before it flushes the least recently written ones without
    /// being asked (full chunks flush at once). Large enough to absorb random writes over a file of this size until fsync.
    /// </summary>
    public long MaxDirtyBytesPerFile { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// Bytes of sealed chunks (full, or asked to flush) one open file may have waiting for or in a flush; a writer that
    /// needs a new chunk buffer waits while the file is at this limit. Bounds the memory of streaming writes.
    /// </summary>
    public long MaxFlushingBytesPerFile { get; init; } = 64L * 1024 * 1024;

    /// <summary>How far ahead sequential reads through a handle prefetch (0 disables read-ahead).</summary>
    public long ReadAheadBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>
    /// Bytes of verified blocks of committed chunks one open file keeps for random reads (from the buffer budget, only
    /// when it has room; 0 disables). Rounded down to whole chunks.
    /// </summary>
    public long RandomReadCacheBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Pooled connections per data server.</summary>
    public int MaxConnectionsPerServer { get; init; } = 32;

    /// <summary>Read repairs that may wait in the queue; more are dropped (scrub and rebuild catch them later).</summary>
    public int RepairQueueCapacity { get; init; } = 1024;

    /// <summary>Read repairs running at the same time.</summary>
    public int RepairConcurrency { get; init; } = 2;

    /// <summary>How long disposing the client waits for queued repairs and late acknowledgements.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Checks every value; the message names the option and the allowed range.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        if (MetaUrl is null || !MetaUrl.IsAbsoluteUri || (MetaUrl.Scheme != Uri.UriSchemeHttp && MetaUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"{nameof(MetaUrl)} must be an absolute http:// or https:// URL (got '{MetaUrl}').", nameof(MetaUrl));
        }

        Positive(ConnectTimeout, nameof(ConnectTimeout));
        Positive(MetaTimeout, nameof(MetaTimeout));
        Positive(DigestTimeout, nameof(DigestTimeout));
        Positive(TransferTimeout, nameof(TransferTimeout));
        Positive(RepairTimeout, nameof(RepairTimeout));
        Positive(DrainTimeout, nameof(DrainTimeout));
        Positive(ByteSourceHedgeDelay, nameof(ByteSourceHedgeDelay));
        if (CommitGrace < TimeSpan.Zero || LateAckWindow < TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(CommitGrace)} and {nameof(LateAckWindow)} must not be negative.");
        }

        AtLeast(MaxCommitAttempts, 1, nameof(MaxCommitAttempts));
        AtLeast(MaxChunksInFlight, 1, nameof(MaxChunksInFlight));
        AtLeast(MaxBatchChunks, 1, nameof(MaxBatchChunks));
        AtLeast(MaxFlushesInFlight, 1, nameof(MaxFlushesInFlight));
        AtLeast(MaxConnectionsPerServer, 1, nameof(MaxConnectionsPerServer));
        AtLeast(RepairQueueCapacity, 1, nameof(RepairQueueCapacity));
        AtLeast(RepairConcurrency, 1, nameof(RepairConcurrency));
        if (BufferBudgetBytes < 1024 * 1024)
        {
            throw new ArgumentException($"{nameof(BufferBudgetBytes)} must be at least 1 MiB (got {BufferBudgetBytes}).", nameof(BufferBudgetBytes));
        }

        if (MaxDirtyBytesPerFile < 1 || MaxFlushingBytesPerFile < 1 || ReadAheadBytes < 0 || RandomReadCacheBytes < 0)
        {
            throw new ArgumentException(
                $"{nameof(MaxDirtyBytesPerFile)} and {nameof(MaxFlushingBytesPerFile)} must be positive, {nameof(ReadAheadBytes)} and {nameof(RandomReadCacheBytes)} not negative.");
        }
    }

    /// <summary>Checks the options that depend on the cluster's chunk size.</summary>
    public void ValidateFor(int chunkSize)
    {
        if (BufferBudgetBytes < 4L * chunkSize)
        {
            throw new ArgumentException(
                $"{nameof(BufferBudgetBytes)} ({BufferBudgetBytes}) must hold at least 4 chunks of this cluster ({4L * chunkSize} bytes for {chunkSize}-byte chunks).",
                nameof(chunkSize));
        }
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{name} must be positive (got {value}).", name);
        }
    }

    private static void AtLeast(int value, int minimum, string name)
    {
        if (value < minimum)
        {
            throw new ArgumentException($"{name} must be at least {minimum} (got {value}).", name);
        }
    }
}
