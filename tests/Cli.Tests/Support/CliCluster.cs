using System.Text;
using ReplicaFs.Client;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Testing;

namespace ReplicaFs.Cli.Tests.Support;

/// <summary>
/// Runs operator commands against a <see cref="TestCluster"/> (with <c>--meta</c> and the admin token in the
/// environment, as an operator of a remote cluster would), writes files through ReplicaFs.Client, and waits on
/// the metadata server's view.
/// </summary>
internal sealed class CliCluster(TestCluster cluster)
{
    /// <summary>Longest wait for healing or a state change to show.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>The cluster.</summary>
    public TestCluster Cluster { get; } = cluster;

    /// <summary>A state directory that does not exist, so that no local cluster of the machine is picked up.</summary>
    public string NoStateDirectory { get; } = Path.Combine(cluster.RootDirectory, "no-state");

    /// <summary>Runs a command on this cluster with the admin token.</summary>
    public Task<CliResult> RunAsync(params string[] arguments) => RunAsync(arguments, withAdminToken: true);

    /// <summary>Runs a command on this cluster, with or without the admin token.</summary>
    public Task<CliResult> RunAsync(IReadOnlyList<string> arguments, bool withAdminToken, CancellationToken? cancellationToken = null)
    {
        var environment = new Dictionary<string, string> { ["REPLICAFS_STATE_DIR"] = NoStateDirectory };
        if (withAdminToken)
        {
            environment["REPLICAFS_ADMIN_TOKEN"] = Cluster.Options.AdminToken;
        }

        return CliRunner.RunAsync(
            [.. arguments, "--meta", Cluster.MetaUrl.ToString()],
            environment,
            Cluster.RootDirectory,
            cancellationToken ?? TestContext.Current.CancellationToken);
    }

    /// <summary>A quorum client of the cluster (Qr and Qw a majority).</summary>
    public Task<ReplicaFsClient> ConnectAsync(string name = "cli tests") =>
        ReplicaFsClient.ConnectAsync(
            new ReplicaFsClientOptions { MetaUrl = Cluster.MetaUrl, SessionName = name },
            cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>Creates (or replaces the content of) the file at <paramref name="path"/>, creating its directories.</summary>
    public static async Task<long> WriteFileAsync(ReplicaFsClient client, string path, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(client);
        var ct = TestContext.Current.CancellationToken;
        var directory = "/";
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries)[..^1])
        {
            directory = directory == "/" ? "/" + part : directory + "/" + part;
            try
            {
                await client.MakeDirectoryAsync(directory, cancellationToken: ct);
            }
            catch (Contracts.Posix.PosixException ex) when (ex.Errno == Contracts.Posix.Errno.EEXIST)
            {
                // Made by an earlier file.
            }
        }

        var attributes = await client.CreateFileAsync(path, exclusive: false, cancellationToken: ct);
        if (attributes.Size > 0)
        {
            await client.TruncateAsync(attributes.Ino, 0, ct);
        }

        if (content.Length > 0)
        {
            await client.WriteAsync(attributes.Ino, 0, content, ct);
        }

        return attributes.Ino;
    }

    /// <summary>The whole content of file <paramref name="ino"/> through quorum reads.</summary>
    public static async Task<byte[]> ReadFileAsync(ReplicaFsClient client, long ino)
    {
        ArgumentNullException.ThrowIfNull(client);
        var ct = TestContext.Current.CancellationToken;
        var size = (await client.GetAttributesAsync(ino, ct)).Size;
        var buffer = new byte[size];
        var done = 0;
        while (done < size)
        {
            var read = await client.ReadAsync(ino, done, buffer.AsMemory(done), ct);
            if (read == 0)
            {
                break;
            }

            done += read;
        }

        return buffer[..done];
    }

    /// <summary>Seeded bytes.</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Text bytes.</summary>
    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Waits until meta lists the data server named <paramref name="name"/> in <paramref name="state"/>.</summary>
    public Task WaitForServerAsync(string name, ServerState state) =>
        Cluster.WaitUntilAsync(
            async () => (await Cluster.MetaApi.GetServersAsync(TestContext.Current.CancellationToken)).Single(s => s.Name == name).State == state,
            Timeout,
            $"{name} to be {state} at meta",
            TestContext.Current.CancellationToken);

    /// <summary>Waits until the cluster's health is <paramref name="status"/>.</summary>
    public Task WaitForHealthAsync(HealthStatus status) =>
        Cluster.WaitUntilAsync(
            async () => (await Cluster.MetaApi.GetHealthAsync(TestContext.Current.CancellationToken)).Status == status,
            Timeout,
            $"the cluster to be {status}",
            TestContext.Current.CancellationToken);

    /// <summary>Runs fsck until it reports every replica good (repairs settle in the background), and returns that run.</summary>
    public async Task<CliResult> WaitForCleanFsckAsync()
    {
        CliResult? last = null;
        await Cluster.WaitUntilAsync(
            async () =>
            {
                last = await RunAsync("fsck");
                return last.ExitCode == 0;
            },
            Timeout,
            "fsck to report every replica good",
            TestContext.Current.CancellationToken);
        return last!;
    }
}
