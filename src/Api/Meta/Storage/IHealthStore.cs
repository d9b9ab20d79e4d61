namespace ReplicaFs.Api.Meta.Storage;

/// <summary>Aggregates for the health summary; each is one query, never a round trip per chunk.</summary>
internal interface IHealthStore
{
    /// <summary>Files, directories and the sum of file sizes.</summary>
    InodeTotals CountInodes();

    /// <summary>Committed chunks grouped by their number of valid copies (Ok replicas on live servers), and replica state counts.</summary>
    CopyCounts CountCopies();
}
