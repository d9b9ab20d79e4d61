using System.Globalization;
using Microsoft.Data.Sqlite;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>The metadata server refuses to start, with a clear message and exit code 2, when its data directory is unusable.</summary>
public sealed class StartupTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "replicafs-tests", "startup-" + Guid.NewGuid().ToString("N"));

    public StartupTests() => Directory.CreateDirectory(_root);

    [Fact]
    public async Task A_second_server_on_the_same_directory_is_refused()
    {
        var dataDir = Path.Combine(_root, "shared");
        await using var first = Meta("first", dataDir);
        first.Start();
        await WaitUntilAsync(() => File.Exists(Path.Combine(dataDir, "meta.db")) && first.ReadLog().Contains("Application started", StringComparison.Ordinal));

        await using var second = Meta("second", dataDir);
        var log = await RunToExitAsync(second);

        Assert.Equal(2, second.ExitCode);
        Assert.Contains($"error: {dataDir} is in use by another metadata server", log, StringComparison.Ordinal);
        Assert.True(first.IsRunning);
    }

    [Fact]
    public async Task A_data_directory_that_is_a_file_is_refused()
    {
        var file = Path.Combine(_root, "not-a-directory");
        await File.WriteAllTextAsync(file, "x", TestContext.Current.CancellationToken);
        await using var meta = Meta("file", file);

        var log = await RunToExitAsync(meta);

        Assert.Equal(2, meta.ExitCode);
        Assert.Contains($"error: Cannot create the data directory {file}", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_from_a_newer_schema_is_refused()
    {
        var dataDir = Path.Combine(_root, "newer");
        Directory.CreateDirectory(dataDir);
        using (var db = new SqliteConnection($"Data Source={Path.Combine(dataDir, "meta.db")};Pooling=False"))
        {
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99;";
            command.ExecuteNonQuery();
        }

        await using var meta = Meta("newer", dataDir);
        var log = await RunToExitAsync(meta);

        Assert.Equal(2, meta.ExitCode);
        Assert.Contains("has schema version 99, but this build only knows versions up to 2", log, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private ServerProcess Meta(string name, string dataDir) =>
        new(name, RepositoryPaths.ApiDll, ["meta", "--port", FreePorts.Next().ToString(CultureInfo.InvariantCulture), "--data-dir", dataDir], Path.Combine(_root, name + ".log"));

    private static async Task<string> RunToExitAsync(ServerProcess process)
    {
        process.Start();
        await WaitUntilAsync(() => !process.IsRunning && process.ReadLog().Contains("exited with", StringComparison.Ordinal));
        return process.ReadLog();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the metadata server process.");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
