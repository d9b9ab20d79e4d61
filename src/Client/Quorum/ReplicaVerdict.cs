namespace ReplicaFs.Client.Quorum;

/// <summary>What one replica said during a quorum read or write.</summary>
public enum ReplicaVerdict
{
    /// <summary>No answer yet.</summary>
    Pending = 0,

    /// <summary>Read: holds the committed version with the committed checksum (and, as byte source, served bytes that verified). Write: durably stored the new version.</summary>
    Ok = 1,

    /// <summary>Holds another version than the committed one.</summary>
    Stale = 2,

    /// <summary>Holds the committed version, but its bytes do not hash to the committed checksum (or it served bytes that failed verification).</summary>
    Corrupt = 3,

    /// <summary>Does not have the chunk version at all (404).</summary>
    Missing = 4,

    /// <summary>Could not be reached, answered 503, or did not answer in time. Never repaired by the client.</summary>
    Unreachable = 5,

    /// <summary>Answered with an error or something that makes no sense (for a write: refused the bytes).</summary>
    Failed = 6,
}

/// <summary>One replica's answer, as reported in a <see cref="QuorumException"/> and in events.</summary>
/// <param name="ServerId">The data server.</param>
/// <param name="Url">Its base URL.</param>
/// <param name="Verdict">What it said.</param>
/// <param name="Detail">The details (versions, checksums, status codes, exception messages).</param>
public sealed record ReplicaOutcome(int ServerId, string Url, ReplicaVerdict Verdict, string Detail)
{
    /// <summary>"server 3 (http://…): corrupt: …".</summary>
    public override string ToString() =>
        $"server {ServerId} ({Url}): {Verdict.ToString().ToLowerInvariant()}{(string.IsNullOrEmpty(Detail) ? string.Empty : ": " + Detail)}";
}
