using ReplicaFs.Contracts.Posix;
using ReplicaFs.Testing;

namespace ReplicaFs.Client.Tests.Integration;

/// <summary>Lookups on a real metadata server: a missing name is an answer (null), other failures keep their errno.</summary>
[Collection(IntegrationGroup.Name)]
public sealed class LookupTests(SeedClusterFixture fixture) : IClassFixture<SeedClusterFixture>
{
    private const long Root = 1;

    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Find_answers_a_name_with_its_attributes_a_missing_name_with_null_and_keeps_every_other_errno()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = await ClusterClient.ConnectAsync(Cluster);
        var name = $"lookup-{Guid.NewGuid():N}";
        var file = await client.CreateFileAsync(Root, name, cancellationToken: ct);

        Assert.Equal(file, await client.FindAsync(Root, name, ct));
        Assert.Null(await client.FindAsync(Root, name + "-missing", ct));

        // A parent that does not exist has no such name either; a parent that is a file is ENOTDIR; a bad name EINVAL.
        Assert.Null(await client.FindAsync(long.MaxValue, "x", ct));
        Assert.Equal(Errno.ENOTDIR, (await Assert.ThrowsAsync<PosixException>(() => client.FindAsync(file.Ino, "x", ct))).Errno);
        Assert.Equal(Errno.EINVAL, (await Assert.ThrowsAsync<PosixException>(() => client.FindAsync(Root, "a/b", ct))).Errno);

        // The throwing lookup still throws ENOENT for the same miss, with the server's message.
        var miss = await Assert.ThrowsAsync<PosixException>(() => client.LookupAsync(Root, name + "-missing", ct));
        Assert.Equal(Errno.ENOENT, miss.Errno);
        Assert.Contains("does not exist", miss.Message, StringComparison.Ordinal);
    }
}
