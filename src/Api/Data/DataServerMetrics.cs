using Prometheus;
using ReplicaFs.Api.Data.Activity;
using ReplicaFs.Api.Data.Storage;

namespace ReplicaFs.Api.Data;

/// <summary>
/// The data server's Prometheus metrics (in the default registry), served at <c>/metrics</c> beside the HTTP metrics.
/// Byte and repair counts also feed <see cref="DataServerActivity"/> (heartbeats and <c>/api/stats</c>).
/// </summary>
internal sealed class DataServerMetrics
{
    private readonly DataServerActivity _activity;

    private readonly Counter _writes = Metrics.CreateCounter(
        "replicafs_data_chunk_writes_total", "Chunk uploads by outcome (created, already_stored, conflict, checksum_mismatch, rejected).", "outcome");

    private readonly Counter _bytesWritten = Metrics.CreateCounter(
        "replicafs_data_bytes_written_total", "Chunk bytes made durable by uploads and repairs.");

    private readonly Counter _bytesRead = Metrics.CreateCounter(
        "replicafs_data_bytes_read_total", "Chunk bytes sent to readers.");

    private readonly Counter _repairs = Metrics.CreateCounter(
        "replicafs_data_repairs_total", "Repairs from peers by outcome (repaired, failed).", "outcome");

    private readonly Counter _digests = Metrics.CreateCounter(
        "replicafs_data_digests_total", "Digests recomputed from disk, by whether the copy was intact.", "intact");

    private readonly Counter _scrubbed = Metrics.CreateCounter(
        "replicafs_data_scrubbed_total", "Chunk versions re-verified by the scrubber, by whether they were intact.", "intact");

    private readonly Counter _scrubbedBytes = Metrics.CreateCounter("replicafs_data_scrubbed_bytes_total", "Bytes re-verified by the scrubber.");

    private readonly Counter _rebuilt = Metrics.CreateCounter(
        "replicafs_data_rebuild_replicas_total", "Replicas handled by rebuild and catch-up passes, by outcome (copied, already_held, failed).", "outcome");

    private readonly Counter _badSources = Metrics.CreateCounter(
        "replicafs_data_rebuild_bad_sources_total", "Rebuild sources whose bytes did not verify against the committed checksum.");

    private readonly Counter _collected = Metrics.CreateCounter("replicafs_data_gc_deleted_total", "Chunk versions deleted by the garbage collector.");
    private readonly Counter _collectedBytes = Metrics.CreateCounter("replicafs_data_gc_deleted_bytes_total", "Bytes deleted by the garbage collector.");
    private readonly Gauge _crashed = Metrics.CreateGauge("replicafs_data_crashed", "1 while the server is in the injected crashed state.");
    private readonly Gauge _diskFull = Metrics.CreateGauge("replicafs_data_disk_full", "1 while writes are refused with ENOSPC (the data directory is full, or the disk-full fault is injected).");
    private readonly Gauge _noSpace = Metrics.CreateGauge("replicafs_data_no_space_refusals", "Writes refused with ENOSPC since the server started.");

    private readonly Gauge _chunks = Metrics.CreateGauge("replicafs_data_chunks", "Chunk versions stored.");
    private readonly Gauge _bytes = Metrics.CreateGauge("replicafs_data_bytes", "Chunk bytes stored.");
    private readonly Gauge _quarantined = Metrics.CreateGauge("replicafs_data_quarantined_files", "Files moved to quarantine/ at the last start.");

    /// <summary>Keeps the storage gauges in step with <paramref name="store"/> at every scrape.</summary>
    public DataServerMetrics(ChunkStore store, DataServerActivity activity)
    {
        ArgumentNullException.ThrowIfNull(store);
        _activity = activity;
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            if (store.IsOpen)
            {
                _chunks.Set(store.ChunkCount);
                _bytes.Set(store.BytesStored);
                _quarantined.Set(store.QuarantinedAtStart);
                _crashed.Set(store.IsWiped ? 1 : 0);
                _diskFull.Set(store.DiskSpace.FullSince is null ? 0 : 1);
                _noSpace.Set(store.DiskSpace.Refusals);
            }
        });
    }

    /// <summary>Counts an upload.</summary>
    public void Write(PutStatus status, long length)
    {
        _writes.WithLabels(status switch
        {
            PutStatus.Created => "created",
            PutStatus.AlreadyStored => "already_stored",
            PutStatus.Conflict => "conflict",
            _ => "checksum_mismatch",
        }).Inc();
        if (status == PutStatus.Created)
        {
            _bytesWritten.Inc(length);
            _activity.BytesWritten(length);
        }
    }

    /// <summary>Counts an upload refused before it was read (size, content type, malformed body).</summary>
    public void WriteRejected() => _writes.WithLabels("rejected").Inc();

    /// <summary>Counts bytes sent to a reader.</summary>
    public void Read(long bytes)
    {
        _bytesRead.Inc(bytes);
        _activity.BytesRead(bytes);
    }

    /// <summary>Counts a repair.</summary>
    public void Repair(bool succeeded, long length)
    {
        _repairs.WithLabels(succeeded ? "repaired" : "failed").Inc();
        if (succeeded)
        {
            _bytesWritten.Inc(length);
            _activity.BytesWritten(length);
            _activity.RepairDone();
        }
    }

    /// <summary>Counts a digest.</summary>
    public void Digest(bool intact) => _digests.WithLabels(intact ? "true" : "false").Inc();

    /// <summary>Counts a chunk version re-verified by the scrubber.</summary>
    public void Scrubbed(long bytes, bool intact)
    {
        _scrubbed.WithLabels(intact ? "true" : "false").Inc();
        _scrubbedBytes.Inc(bytes);
    }

    /// <summary>Counts a replica handled by a rebuild pass: <c>copied</c>, <c>already_held</c> or <c>failed</c>.</summary>
    public void Rebuilt(string outcome) => _rebuilt.WithLabels(outcome).Inc();

    /// <summary>Counts a rebuild source whose bytes did not verify.</summary>
    public void BadSource() => _badSources.Inc();

    /// <summary>Counts versions deleted by the garbage collector.</summary>
    public void Collected(long versions, long bytes)
    {
        _collected.Inc(versions);
        _collectedBytes.Inc(bytes);
    }
}
