using ReplicaFs.Web.Supervision;

namespace ReplicaFs.Web.Tests.Supervision;

/// <summary>Reading the launcher's cluster.conf.</summary>
public sealed class ClusterPlanTests
{
    private const string Conf = """
        # ReplicaFs local cluster, written by ./replicafs up.
        version=1
        created=2026-11-24T07:11:42Z
        replicas=3
        chunk_size=262144
        meta_port=51234
        data_ports=51235 51236 51237 51238
        web_port=51280
        mount_dir=
        read_quorum=
        write_quorum=
        """;

    [Fact]
    public void It_reads_the_ports_replicas_and_chunk_size()
    {
        var plan = ClusterPlan.Parse(Conf, "cluster.conf");

        Assert.Equal(3, plan.Replicas);
        Assert.Equal(262144, plan.ChunkSize);
        Assert.Equal(51234, plan.MetaPort);
        Assert.Equal([51235, 51236, 51237, 51238], plan.DataPorts);
        Assert.Equal(51280, plan.WebPort);
        Assert.Null(plan.Mount);
    }

    [Fact]
    public void An_empty_chunk_size_means_the_metadata_servers_default_and_a_mount_needs_its_quorums()
    {
        var plan = ClusterPlan.Parse(Conf.Replace("chunk_size=262144", "chunk_size=", StringComparison.Ordinal)
            .Replace("mount_dir=", "mount_dir=/mnt/replica fs", StringComparison.Ordinal)
            .Replace("read_quorum=", "read_quorum=2", StringComparison.Ordinal)
            .Replace("write_quorum=", "write_quorum=2", StringComparison.Ordinal), "cluster.conf");

        Assert.Null(plan.ChunkSize);
        Assert.Equal(new MountPlan("/mnt/replica fs", 2, 2), plan.Mount);
    }

    [Theory]
    [InlineData("meta_port=51234", "", "'meta_port' is missing")]
    [InlineData("replicas=3", "replicas=0", "replicas must be a number from 1 to 16, not '0'")]
    [InlineData("data_ports=51235 51236 51237 51238", "data_ports=51235 x", "data_ports must be a number from 1 to 65535, not 'x'")]
    [InlineData("web_port=51280", "web_port=51234", "must all differ")]
    [InlineData("mount_dir=", "mount_dir=relative/dir", "mount_dir must be an absolute path")]
    [InlineData("version=1", "garbage line", "'garbage line' is not a key=value line")]
    public void A_damaged_file_is_refused_with_the_key_that_is_wrong(string original, string replacement, string message)
    {
        var error = Assert.Throws<FormatException>(() => ClusterPlan.Parse(Conf.Replace(original, replacement, StringComparison.Ordinal), "/state/cluster.conf"));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("/state/cluster.conf: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_quorum_above_the_replica_count_is_refused()
    {
        var text = Conf.Replace("mount_dir=", "mount_dir=/mnt/x", StringComparison.Ordinal)
            .Replace("read_quorum=", "read_quorum=4", StringComparison.Ordinal)
            .Replace("write_quorum=", "write_quorum=2", StringComparison.Ordinal);

        var error = Assert.Throws<FormatException>(() => ClusterPlan.Parse(text, "cluster.conf"));
        Assert.Contains("read_quorum must be a number from 1 to 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_says_how_to_create_it()
    {
        var directory = Path.Combine(Path.GetTempPath(), "replicafs-plan-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<FormatException>(() => ClusterPlan.Load(directory));

        Assert.Contains("./replicafs up", error.Message, StringComparison.Ordinal);
    }
}
