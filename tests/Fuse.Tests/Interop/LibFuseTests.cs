using ReplicaFs.Fuse.Interop;

namespace ReplicaFs.Fuse.Tests.Interop;

public sealed class LibFuseTests
{
    [Fact]
    public void Every_entry_point_resolves_in_the_installed_libfuse()
    {
        Assert.True(LibFuse.TryLoad(out var error), error);
        Assert.StartsWith("3.", LibFuse.PackageVersion, StringComparison.Ordinal);
    }
}
