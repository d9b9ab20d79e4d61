using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;
using ReplicaFs.Fuse.Interop;

namespace ReplicaFs.Fuse.Diagnostics;

/// <summary>
/// A complete in-memory POSIX file system: regular files (sparse, paged), directories, symlinks, device/FIFO/socket
/// nodes, hard links, extended attributes, rename with RENAME_NOREPLACE/RENAME_EXCHANGE, setattr (mode, owner,
/// truncate, times), statfs with a capacity, lookup counting with deferred removal of unlinked inodes. It answers from
/// memory (synchronously) and exists to prove the FUSE binding end to end (<c>ReplicaFs.Fuse memfs</c>).
/// Permission checks are left to the kernel (default_permissions). One lock guards everything.
/// </summary>
public sealed partial class MemoryFileSystem : FuseFileSystem
{
    private const ulong RootId = 1;
    private const ulong Generation = 1;
    private const int MaxNameBytes = 255;
    private const uint PermissionAndSpecialBits = 0xFFF;

    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, MemoryNode> _nodes = [];
    private readonly MemoryFileSystemOptions _options;
    private readonly TimeProvider _clock;
    private readonly long _capacityPages;
    private ulong _nextNodeId = RootId + 1;
    private ulong _nextHandle = 1;
    private long _usedPages;

    /// <summary>An empty file system: a root directory only.</summary>
    public MemoryFileSystem(MemoryFileSystemOptions? options = null, TimeProvider? clock = null)
    {
        _options = options ?? new MemoryFileSystemOptions();
        _clock = clock ?? TimeProvider.System;
        _capacityPages = _options.CapacityBytes / PagedContent.PageSize;
        var root = new MemoryNode(
            RootId,
            PosixMode.Directory | (_options.RootMode & PermissionAndSpecialBits),
            _options.RootUid ?? LibC.GetEffectiveUserId(),
            _options.RootGid ?? LibC.GetEffectiveGroupId(),
            Now())
        {
            Directory = new MemoryDirectory(null),
            Nlink = 2,
        };
        _nodes.Add(RootId, root);
    }

    /// <summary>Inodes currently held (including unlinked ones the kernel still references).</summary>
    public int NodeCount
    {
        get
        {
            lock (_gate)
            {
                return _nodes.Count;
            }
        }
    }

    /// <summary>The kernel's current lookup count of a node (0 when unknown), for tests of the lookup contract.</summary>
    public ulong LookupCountOf(ulong nodeId)
    {
        lock (_gate)
        {
            return _nodes.TryGetValue(nodeId, out var node) ? node.LookupCount : 0;
        }
    }

    public override ValueTask<FuseResult<FuseEntry>> LookupAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name)
    {
        lock (_gate)
        {
            return new(Lookup(parent, name.Span));
        }
    }

    public override void Forget(RequestContext context, ulong nodeId, ulong count)
    {
        lock (_gate)
        {
            if (_nodes.TryGetValue(nodeId, out var node))
            {
                node.LookupCount -= Math.Min(count, node.LookupCount);
                RemoveIfUnused(node);
            }
        }
    }

    public override ValueTask<FuseResult<TimedAttributes>> GetAttributesAsync(RequestContext context, ulong nodeId, ulong? handle)
    {
        lock (_gate)
        {
            return new(_nodes.TryGetValue(nodeId, out var node)
                ? new TimedAttributes(AttributesOf(node), _options.AttributeTimeout)
                : new FuseResult<TimedAttributes>(Errno.ENOENT));
        }
    }

    public override ValueTask<FuseResult<TimedAttributes>> SetAttributesAsync(RequestContext context, ulong nodeId, AttributeChanges changes)
    {
        lock (_gate)
        {
            return new(SetAttributes(nodeId, changes));
        }
    }

    public override ValueTask<FuseResult<ReadOnlyMemory<byte>>> ReadLinkAsync(RequestContext context, ulong nodeId)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(nodeId, out var node))
            {
                return new(new FuseResult<ReadOnlyMemory<byte>>(Errno.ENOENT));
            }

            return new(node.Target is { } target ? new ReadOnlyMemory<byte>(target) : new FuseResult<ReadOnlyMemory<byte>>(Errno.EINVAL));
        }
    }

    public override ValueTask<FuseResult<VolumeStats>> StatFsAsync(RequestContext context, ulong nodeId)
    {
        lock (_gate)
        {
            var freePages = (ulong)Math.Max(0, _capacityPages - _usedPages);
            return new(new VolumeStats
            {
                BlockSize = PagedContent.PageSize,
                FragmentSize = PagedContent.PageSize,
                Blocks = (ulong)_capacityPages,
                FreeBlocks = freePages,
                AvailableBlocks = freePages,
                Files = (ulong)_options.MaxNodes,
                FreeFiles = (ulong)Math.Max(0, _options.MaxNodes - _nodes.Count),
                MaxNameLength = MaxNameBytes,
            });
        }
    }

    private FuseResult<FuseEntry> Lookup(ulong parentId, ReadOnlySpan<byte> name)
    {
        if (!TryGetDirectory(parentId, out var parent, out var errno))
        {
            return errno;
        }

        if (name.Length > MaxNameBytes)
        {
            return Errno.ENAMETOOLONG;
        }

        if (name.SequenceEqual("."u8))
        {
            return Reference(parent);
        }

        if (name.SequenceEqual(".."u8))
        {
            return Reference(parent.Directory!.Parent ?? parent);
        }

        if (parent.Directory!.TryGet(name, out var entry))
        {
            return Reference(_nodes[entry.NodeId]);
        }

        return _options.NegativeTimeout > TimeSpan.Zero ? FuseEntry.Negative(_options.NegativeTimeout) : Errno.ENOENT;
    }

    private FuseResult<TimedAttributes> SetAttributes(ulong nodeId, AttributeChanges changes)
    {
        if (!_nodes.TryGetValue(nodeId, out var node))
        {
            return Errno.ENOENT;
        }

        // Validate everything first so that a refused change leaves the node untouched.
        if (changes.Has(SetAttributeFields.Size))
        {
            if (node.IsDirectory)
            {
                return Errno.EISDIR;
            }

            if (node.Content is null || changes.Size < 0)
            {
                return Errno.EINVAL;
            }
        }

        var now = Now();
        if (changes.Has(SetAttributeFields.Mode))
        {
            node.Mode = (node.Mode & PosixMode.TypeMask) | (changes.Mode & PermissionAndSpecialBits);
        }

        if (changes.Has(SetAttributeFields.Uid))
        {
            node.Uid = changes.Uid;
        }

        if (changes.Has(SetAttributeFields.Gid))
        {
            node.Gid = changes.Gid;
        }

        if (changes.Has(SetAttributeFields.Size))
        {
            _usedPages -= node.Content!.Truncate(changes.Size);
            node.Mtime = now;
        }

        if (changes.Has(SetAttributeFields.Atime))
        {
            node.Atime = changes.Has(SetAttributeFields.AtimeNow) ? now : changes.Atime;
        }

        if (changes.Has(SetAttributeFields.Mtime))
        {
            node.Mtime = changes.Has(SetAttributeFields.MtimeNow) ? now : changes.Mtime;
        }

        node.Ctime = changes.Has(SetAttributeFields.Ctime) ? changes.Ctime : now;
        return new TimedAttributes(AttributesOf(node), _options.AttributeTimeout);
    }

    private Timestamp Now() => Timestamp.Now(_clock);

    private static NodeAttributes AttributesOf(MemoryNode node) => new()
    {
        Ino = node.Id,
        Mode = node.Mode,
        Nlink = node.Nlink,
        Uid = node.Uid,
        Gid = node.Gid,
        Rdev = node.Rdev,
        Size = node.Size,
        Blocks = (node.Content?.PageCount ?? 0) * (PagedContent.PageSize / 512L),
        BlockSize = PagedContent.PageSize,
        Atime = node.Atime,
        Mtime = node.Mtime,
        Ctime = node.Ctime,
    };

    /// <summary>An entry for <paramref name="node"/>, counted as one lookup (the kernel will forget it later).</summary>
    private FuseEntry Reference(MemoryNode node)
    {
        node.LookupCount++;
        return Entry(node);
    }

    private FuseEntry Entry(MemoryNode node) =>
        new(node.Id, Generation, AttributesOf(node), _options.AttributeTimeout, _options.EntryTimeout);

    private bool TryGetDirectory(ulong nodeId, out MemoryNode directory, out Errno errno)
    {
        if (!_nodes.TryGetValue(nodeId, out directory!))
        {
            errno = Errno.ENOENT;
            return false;
        }

        errno = directory.IsDirectory ? Errno.None : Errno.ENOTDIR;
        return errno == Errno.None;
    }

    /// <summary>Frees a node that no name, no kernel reference and no open handle holds any more.</summary>
    private void RemoveIfUnused(MemoryNode node)
    {
        if (node.Id != RootId && node.Nlink == 0 && node.LookupCount == 0 && node.OpenCount == 0 && _nodes.Remove(node.Id))
        {
            _usedPages -= node.Content?.PageCount ?? 0;
        }
    }
}
