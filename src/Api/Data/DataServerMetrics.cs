using Prometheus;
using ReplicaFs.Api.Data.Storage;

namespace ReplicaFs.Api.Data;

/// <summary>The data server's Prometheus metrics (in the default registry), served at <c>/metrics</c> beside the HTTP metrics.</summary>
internal sealed class DataServerMetrics
{
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

    private readonly Gauge _chunks = Metrics.CreateGauge("replicafs_data_chunks", "Chunk versions stored.");
    private readonly Gauge _bytes = Metrics.CreateGauge("replicafs_data_bytes", "Chunk bytes stored.");
    private readonly Gauge _quarantined = Metrics.CreateGauge("replicafs_data_quarantined_files", "Files moved to quarantine/ at the last start.");

    /// <summary>Keeps the storage gauges in step with <paramref name="store"/> at every scrape.</summary>
    public DataServerMetrics(ChunkStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            if (store.IsOpen)
            {
                _chunks.Set(store.ChunkCount);
                _bytes.Set(store.BytesStored);
                _quarantined.Set(store.QuarantinedAtStart);
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
        }
    }

    /// <summary>Counts an upload refused before it was read (size, content type, malformed body).</summary>
    public void WriteRejected() => _writes.WithLabels("rejected").Inc();

    /// <summary>Counts bytes sent to a reader.</summary>
    public void Read(long bytes) => _bytesRead.Inc(bytes);

    /// <summary>Counts a repair.</summary>
    public void Repair(bool succeeded, long length)
    {
        _repairs.WithLabels(succeeded ? "repaired" : "failed").Inc();
        if (succeeded)
        {
            _bytesWritten.Inc(length);
        }
    }

    /// <summary>Counts a digest.</summary>
    public void Digest(bool intact) => _digests.WithLabels(intact ? "true" : "false").Inc();
}
