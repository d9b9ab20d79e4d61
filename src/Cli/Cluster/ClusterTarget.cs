namespace ReplicaFs.Cli.Cluster;

/// <summary>The cluster a command works on, and how it was found.</summary>
/// <param name="MetaUrl">The metadata server.</param>
/// <param name="AdminToken">The admin token for fault and admin endpoints, when known.</param>
/// <param name="ClusterToken">The cluster token every call carries, when the cluster has one.</param>
/// <param name="State">The local state directory the cluster was found in (or that matches it), if any.</param>
/// <param name="Supervisor">The dashboard's supervisor of a local cluster started by <c>./replicafs up</c>, while it runs.</param>
internal sealed record ClusterTarget(Uri MetaUrl, string? AdminToken, string? ClusterToken, StateDirectory? State, Uri? Supervisor)
{
    /// <summary>The admin token, or a <see cref="CliException"/> saying how to give one.</summary>
    public string RequireAdminToken(string command) =>
        AdminToken ?? throw CliException.BadInput(
            $"{command} needs the cluster's admin token: use the state directory of a local cluster (--state-dir DIR, where " +
            "'./replicafs up' keeps it), or set REPLICAFS_ADMIN_TOKEN (or --admin-token, which other users can see in ps).");
}
