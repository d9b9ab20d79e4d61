using ReplicaFs.Testing;
using ReplicaFs.Testing.HttpFiles;

namespace ReplicaFs.SystemTests.HttpFiles;

/// <summary>
/// Every <c>http/*.http</c> file of the repository, sent request by request to a fresh cluster (meta + 2 data servers,
/// faults enabled), so that the files people copy requests from never rot.
/// </summary>
public sealed class RepositoryHttpFilesTests(ITestOutputHelper output)
{
    /// <summary>The files, relative to the repository root; none while <c>http/</c> is empty or missing.</summary>
    public static TheoryData<string> Files()
    {
        var files = new TheoryData<string>();
        if (Directory.Exists(RepositoryPaths.HttpFolder))
        {
            foreach (var path in Directory.EnumerateFiles(RepositoryPaths.HttpFolder, "*.http").Order(StringComparer.Ordinal))
            {
                files.Add(Path.GetRelativePath(RepositoryPaths.Root, path));
            }
        }

        return files;
    }

    [Fact]
    public void Every_http_file_parses_and_has_requests()
    {
        foreach (var file in Files())
        {
            var parsed = HttpFileParser.Load(Path.Combine(RepositoryPaths.Root, file.Data));
            Assert.True(parsed.Requests.Count > 0, $"{file.Data} has no requests");
            output.WriteLine($"{file.Data}: {parsed.Requests.Count} requests");
        }
    }

    [Theory(Timeout = 300_000, SkipTestWithoutData = true)]
    [MemberData(nameof(Files))]
    public async Task Every_request_of_the_file_gets_its_expected_status_from_a_fresh_cluster(string file)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var parsed = HttpFileParser.Load(Path.Combine(RepositoryPaths.Root, file));
        await using var cluster = await TestCluster.StartAsync(new ClusterOptions { DataServers = 2, Replicas = 2, EnableFaults = true }, cancellationToken);
        try
        {
            var exchanges = await new HttpFileRunner(cluster.Http).RunAsync(parsed, HttpFileVariables.For(cluster), cancellationToken);
            foreach (var exchange in exchanges)
            {
                output.WriteLine(exchange.ToString());
            }

            Assert.Equal(parsed.Requests.Count, exchanges.Count);
        }
        catch (HttpFileRunException)
        {
            output.WriteLine(cluster.DumpLogs());
            throw;
        }
    }
}
