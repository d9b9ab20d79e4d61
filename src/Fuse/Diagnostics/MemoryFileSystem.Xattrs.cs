using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;

namespace ReplicaFs.Fuse.Diagnostics;

/// <summary>Extended attributes, stored per node as raw name and value bytes.</summary>
public sealed partial class MemoryFileSystem
{
    private const int MaxXattrNameBytes = 255;
    private const int MaxXattrValueBytes = 65536;

    public override ValueTask<Errno> SetXattrAsync(RequestContext context, ulong nodeId, ReadOnlyMemory<byte> name, ReadOnlyMemory<byte> value, XattrOptions flags)
    {
        if (name.IsEmpty || name.Length > MaxXattrNameBytes)
        {
            return new(Errno.ERANGE);
        }

        if (value.Length > MaxXattrValueBytes)
        {
            return new(Errno.ERANGE);
        }

        lock (_gate)
        {
            if (!_nodes.TryGetValue(nodeId, out var node))
            {
                return new(Errno.ENOENT);
            }

            var xattrs = node.Xattrs ??= new Dictionary<byte[], byte[]>(ByteNameComparer.Instance);
            var lookup = xattrs.GetAlternateLookup<ReadOnlySpan<byte>>();
            var exists = lookup.ContainsKey(name.Span);
            if (exists && (flags & XattrOptions.Create) != 0)
            {
                return new(Errno.EEXIST);
            }

            if (!exists && (flags & XattrOptions.Replace) != 0)
            {
                return new(Errno.ENODATA);
            }

            lookup[name.Span] = value.ToArray();
            node.Ctime = Now();
            return new(Errno.None);
        }
    }

    public override ValueTask<FuseResult<int>> GetXattrAsync(RequestContext context, ulong nodeId, ReadOnlyMemory<byte> name, Memory<byte> buffer)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(nodeId, out var node))
            {
                return new(new FuseResult<int>(Errno.ENOENT));
            }

            if (node.Xattrs is null || !node.Xattrs.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(name.Span, out var value))
            {
                return new(new FuseResult<int>(Errno.ENODATA));
            }

            if (value.Length <= buffer.Length)
            {
                value.CopyTo(buffer);
            }

            return new(value.Length);
        }
    }

    public override ValueTask<FuseResult<int>> ListXattrAsync(RequestContext context, ulong nodeId, Memory<byte> buffer)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(nodeId, out var node))
            {
                return new(new FuseResult<int>(Errno.ENOENT));
            }

            var names = node.Xattrs?.Keys ?? (IEnumerable<byte[]>)[];
            var total = names.Sum(n => n.Length + 1);
            if (total <= buffer.Length)
            {
                var span = buffer.Span;
                foreach (var name in names)
                {
                    name.CopyTo(span);
                    span[name.Length] = 0;
                    span = span[(name.Length + 1)..];
                }
            }

            return new(total);
        }
    }

    public override ValueTask<Errno> RemoveXattrAsync(RequestContext context, ulong nodeId, ReadOnlyMemory<byte> name)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(nodeId, out var node))
            {
                return new(Errno.ENOENT);
            }

            if (node.Xattrs is null || !node.Xattrs.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(name.Span))
            {
                return new(Errno.ENODATA);
            }

            node.Ctime = Now();
            return new(Errno.None);
        }
    }
}
