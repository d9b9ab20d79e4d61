namespace ReplicaFs.Contracts.CommandLine;

/// <summary>
/// The environment variables every ReplicaFs executable reads a token from when it is not given on the command line
/// (where <c>ps</c> would show it).
/// </summary>
public static class TokenVariables
{
    /// <summary>The admin bearer token: admin and fault-injection endpoints, the supervisor's actions.</summary>
    public const string Admin = "REPLICAFS_ADMIN_TOKEN";

    /// <summary>The cluster token every server requires on <c>/api</c> calls and sends to the others.</summary>
    public const string Cluster = "REPLICAFS_CLUSTER_TOKEN";
}
