using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.Tests.Support;

namespace ReplicaFs.Fuse.Tests.FileSystems;

/// <summary>Exceptions inside file-system methods become EIO; the mount keeps serving.</summary>
public sealed class TrampolineTests
{
    [Fact(Timeout = 60_000)]
    public async Task An_exception_becomes_eio_and_the_mount_keeps_working()
    {
        await using var mount = await TestMount.StartAsync(new ScriptedFileSystem());

        Assert.Equal(Errno.EIO, Posix.Stat(mount.PathOf("boom"), out _));
        Assert.Equal(Errno.EIO, Posix.Stat(mount.PathOf("late-boom"), out _));
        var ls = await Commands.RunAsync("ls", mount.Root);
        Assert.NotEqual(0, ls.ExitCode);
        Assert.Contains("Input/output error", ls.Error, StringComparison.Ordinal);

        Assert.Equal(Errno.ENOENT, Posix.Stat(mount.PathOf("missing"), out _));
        Assert.Equal(Errno.None, Posix.Stat(mount.PathOf("ok"), out var ok));
        Assert.Equal(2, ok.st_size);
        Assert.Equal("ok", await Commands.RunCheckedAsync("cat", mount.PathOf("ok")));
        Assert.Equal("ok", await File.ReadAllTextAsync(mount.PathOf("ok"), TestContext.Current.CancellationToken));
        Assert.True(mount.Mount.IsMounted);

        // Many failures in a row do not wear anything out.
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(Errno.EIO, Posix.Stat(mount.PathOf($"boom{i}"), out _));
            Assert.Equal(Errno.EIO, Posix.Stat(mount.PathOf($"late-boom{i}"), out _));
        }

        Assert.Equal(Errno.None, Posix.Stat(mount.PathOf("ok2"), out _));

        // The count drops right after each reply is sent, so it may trail the last stat by a moment.
        await Eventually.TrueAsync(() => mount.Mount.OutstandingRequests == 0, "no request to be left in flight");
    }
}
