namespace ReplicaFs.Client.Quorum;

/// <summary>One replica's answer to one call: a verdict and its details.</summary>
internal readonly record struct ReplicaReply(ReplicaVerdict Verdict, string Detail)
{
    /// <summary>A successful answer.</summary>
    public static ReplicaReply Ok { get; } = new(ReplicaVerdict.Ok, "ok");
}
