using System.Globalization;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Security;

/// <summary>
/// Servers refuse to start on anything but a loopback address without a cluster token, and fault endpoints without an
/// admin token. Nothing here ever binds a non-loopback address: the refusals happen before binding, and the accepted
/// case uses an address from TEST-NET-1 (192.0.2.0/24) that no machine has, so it stops at the bind instead.
/// </summary>
public sealed class ListenAddressTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("meta", "0.0.0.0")]
    [InlineData("meta", "::")]
    [InlineData("meta", "192.0.2.1")]
    [InlineData("data", "0.0.0.0")]
    [InlineData("data", "::")]
    [InlineData("data", "192.0.2.1")]
    public async Task A_non_loopback_address_without_a_cluster_token_is_refused(string role, string address)
    {
        var (code, log) = await RunAsync(role, ["--listen", address]);
        Assert.NotEqual(0, code);
        Assert.Contains($"Refusing to listen on {address} without a cluster token", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("meta")]
    [InlineData("data")]
    public async Task With_a_cluster_token_the_address_is_accepted_and_only_the_bind_fails(string role)
    {
        var (code, log) = await RunAsync(role, ["--listen", "192.0.2.1", "--cluster-token", "a-token"]);
        Assert.Equal(2, code);
        Assert.Contains("error: cannot listen", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Refusing to listen", log, StringComparison.Ordinal);

        (code, log) = await RunAsync(role, ["--listen", "192.0.2.1"], new Dictionary<string, string> { ["REPLICAFS_CLUSTER_TOKEN"] = "from-the-environment" });
        Assert.Equal(2, code);
        Assert.Contains("error: cannot listen", log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("meta")]
    [InlineData("data")]
    public async Task Faults_without_an_admin_token_are_refused(string role)
    {
        var (code, log) = await RunAsync(role, ["--enable-faults"]);
        Assert.NotEqual(0, code);
        Assert.Contains("--enable-faults needs an admin token", log, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Log)> RunAsync(string role, IReadOnlyList<string> extra, IReadOnlyDictionary<string, string>? environment = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "replicafs-tests", $"listen-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            var port = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
            List<string> arguments = role == "meta"
                ? ["meta", "--port", port, "--data-dir", Path.Combine(root, "meta")]
                : ["data", "--port", port, "--meta", "http://127.0.0.1:9", "--data-dir", Path.Combine(root, "data"), "--advertise-url", "http://127.0.0.1:9"];
            arguments.AddRange(extra);
            var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
            {
                // An inherited token or admin token would change what is being tested.
                ["REPLICAFS_ADMIN_TOKEN"] = string.Empty,
            };
            env.TryAdd("REPLICAFS_CLUSTER_TOKEN", string.Empty);
            await using var process = new ServerProcess(role, RepositoryPaths.ApiDll, arguments, Path.Combine(root, "server.log"), env);
            process.Start();
            var deadline = DateTime.UtcNow + ExitTimeout;
            while (process.IsRunning)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{role} {string.Join(' ', extra)} did not exit within {ExitTimeout.TotalSeconds} s:\n{process.ReadLog()}");
                await Task.Delay(50, Ct);
            }

            for (var i = 0; i < 100 && process.ExitCode is null; i++)
            {
                await Task.Delay(20, Ct);
            }

            // The exit line is written after the process object saw the exit.
            await Task.Delay(200, Ct);
            return (process.ExitCode ?? -1, process.ReadLog());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
