using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;

namespace ReplicaFs.Fuse.Diagnostics;

/// <summary>Directory listing: opendir, readdir, readdirplus.</summary>
public sealed partial class MemoryFileSystem
{
    public override ValueTask<FuseResult<OpenedHandle>> OpenDirectoryAsync(RequestContext context, ulong nodeId, OpenOptions flags)
    {
        lock (_gate)
        {
            return new(TryGetDirectory(nodeId, out _, out var errno) ? new OpenedHandle(0) : new FuseResult<OpenedHandle>(errno));
        }
    }

    public override ValueTask<Errno> ReadDirectoryAsync(RequestContext context, ulong nodeId, ulong handle, long offset, DirectoryBuffer buffer)
    {
        lock (_gate)
        {
            return new(List(nodeId, offset, buffer));
        }
    }

    public override ValueTask<Errno> ReadDirectoryPlusAsync(RequestContext context, ulong nodeId, ulong handle, long offset, DirectoryBuffer buffer)
    {
        lock (_gate)
        {
            return new(List(nodeId, offset, buffer));
        }
    }

    /// <summary>Fills <paramref name="buffer"/> with ".", ".." and the names after cookie <paramref name="offset"/>.</summary>
    private Errno List(ulong nodeId, long offset, DirectoryBuffer buffer)
    {
        if (!TryGetDirectory(nodeId, out var directory, out var errno))
        {
            return errno;
        }

        if (offset < MemoryDirectory.DotCookie && !Add(buffer, "."u8, directory, MemoryDirectory.DotCookie))
        {
            return Errno.None;
        }

        if (offset < MemoryDirectory.DotDotCookie && !Add(buffer, ".."u8, directory.Directory!.Parent ?? directory, MemoryDirectory.DotDotCookie))
        {
            return Errno.None;
        }

        foreach (var entry in directory.Directory!.After(offset))
        {
            if (!Add(buffer, entry.Name, _nodes[entry.NodeId], entry.Cookie))
            {
                break;
            }
        }

        return Errno.None;
    }

    private bool Add(DirectoryBuffer buffer, ReadOnlySpan<byte> name, MemoryNode node, long cookie)
    {
        if (!buffer.TryAdd(name, Entry(node), cookie))
        {
            return false;
        }

        // A readdirplus entry is a lookup the kernel will forget later ("." and ".." are not counted).
        if (buffer.IsPlus && !name.SequenceEqual("."u8) && !name.SequenceEqual(".."u8))
        {
            node.LookupCount++;
        }

        return true;
    }
}
