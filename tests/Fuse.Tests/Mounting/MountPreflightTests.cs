using ReplicaFs.Fuse.Diagnostics;
using ReplicaFs.Fuse.Mounting;
using ReplicaFs.Fuse.Tests.Support;

namespace ReplicaFs.Fuse.Tests.Mounting;

/// <summary>Mount failures that are the operator's to fix come back as plain messages.</summary>
public sealed class MountPreflightTests
{
    [Fact(Timeout = 30_000)]
    public async Task A_missing_mount_point_is_reported_plainly()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"replicafs-fuse-missing-{Guid.NewGuid():N}");

        var error = await Assert.ThrowsAsync<FuseMountException>(() =>
            FuseMount.MountAsync(missing, new MemoryFileSystem(), TestMount.DefaultOptions, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal($"The mount point {missing} does not exist: create it first (`mkdir -p {missing}`).", error.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_file_as_mount_point_is_reported_plainly()
    {
        var directory = TempDirectory.Create("file");
        try
        {
            var file = Path.Combine(directory, "plain-file");
            await File.WriteAllTextAsync(file, "x", TestContext.Current.CancellationToken);

            var error = await Assert.ThrowsAsync<FuseMountException>(() =>
                FuseMount.MountAsync(file, new MemoryFileSystem(), TestMount.DefaultOptions, cancellationToken: TestContext.Current.CancellationToken));

            Assert.Equal($"The mount point {file} is not a directory.", error.Message);
        }
        finally
        {
            TempDirectory.Remove(directory);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Options_libfuse_would_reject_are_refused_before_mounting()
    {
        var directory = TempDirectory.Create("opts");
        try
        {
            var error = await Assert.ThrowsAsync<FuseMountException>(() =>
                FuseMount.MountAsync(directory, new MemoryFileSystem(), TestMount.DefaultOptions with { Subtype = "bad,subtype" }, cancellationToken: TestContext.Current.CancellationToken));

            Assert.Contains("subtype", error.Message, StringComparison.Ordinal);
            Assert.Null(MountTable.Find(directory));
        }
        finally
        {
            TempDirectory.Remove(directory);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task A_file_system_name_with_commas_is_escaped()
    {
        await using var mount = await TestMount.StartAsync(new MemoryFileSystem(), TestMount.DefaultOptions with { FileSystemName = "a,b" });

        Assert.Equal("a,b", MountTable.Find(mount.Root)?.Source);
        await File.WriteAllTextAsync(mount.PathOf("works"), "yes", TestContext.Current.CancellationToken);
    }
}
