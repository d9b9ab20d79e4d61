using System.Globalization;
using ReplicaFs.Cli.Cluster;
using ReplicaFs.Contracts.Api;

namespace ReplicaFs.Cli.Checking;

/// <summary>
/// The read quorum Qr that <c>fsck</c> and <c>repair</c> judge a file by: a file is readable when every chunk has at
/// least Qr good replicas. Taken from <c>--qr</c>; else the largest of the live client sessions' read quorums and the
/// mount's quorum recorded in the state directory; else a majority of R, the clients' default.
/// </summary>
/// <param name="Value">Qr.</param>
/// <param name="Source">Where it came from, for the report ("the mount's read quorum recorded in …").</param>
internal sealed record ReadQuorum(int Value, string Source)
{
    /// <summary>Chooses Qr for a cluster of <paramref name="replicas"/> replicas.</summary>
    public static async Task<ReadQuorum> ChooseAsync(int? requested, int replicas, ClusterTarget target, IClusterApi meta, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(meta);
        if (requested is { } qr)
        {
            return qr >= 1 && qr <= replicas
                ? new ReadQuorum(qr, "--qr")
                : throw CliException.BadInput(string.Create(CultureInfo.InvariantCulture, $"--qr must be between 1 and the replica count R={replicas}, not {qr}."));
        }

        var candidates = new List<ReadQuorum>();
        var clients = await meta.GetClientsAsync(cancellationToken);
        if (clients.Count > 0)
        {
            var largest = clients.MaxBy(c => c.ReadQuorum)!;
            candidates.Add(new ReadQuorum(largest.ReadQuorum, $"the largest read quorum of the {clients.Count} live client session(s) ({largest.Name})"));
        }

        if (int.TryParse(target.State?.Setting("read_quorum"), NumberStyles.None, CultureInfo.InvariantCulture, out var recorded) && recorded >= 1 && recorded <= replicas)
        {
            candidates.Add(new ReadQuorum(recorded, $"the mount's read quorum in {Path.Combine(target.State!.Path, "cluster.conf")}"));
        }

        return candidates.Count > 0
            ? candidates.MaxBy(c => c.Value)!
            : new ReadQuorum(Majority(replicas), string.Create(CultureInfo.InvariantCulture, $"a majority of R={replicas}, the clients' default"));
    }

    /// <summary>The clients' default quorum for <paramref name="replicas"/> replicas.</summary>
    public static int Majority(int replicas) => (replicas / 2) + 1;
}
