using System.Text;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;

namespace ReplicaFs.Fuse.ReplicaFs;

/// <summary>Inode operations: lookup, forget, getattr, setattr, readlink, statfs.</summary>
public sealed partial class ReplicaFileSystem
{
    private static readonly SetAttributesRequest Unchanged = new();

    /// <inheritdoc />
    public override async ValueTask<FuseResult<FuseEntry>> LookupAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name)
    {
        Counters.Lookup();
        var errno = ExistingName(name, out var text);
        if (errno == Errno.ENOENT)
        {
            return NotFound();
        }

        if (errno != Errno.None)
        {
            return errno;
        }

        try
        {
            return await _client.FindAsync((long)parent, text) is { } attributes ? CountedEntry(attributes, parent) : NotFound();
        }
        catch (Exception e)
        {
            return Fail(e, "lookup", parent);
        }
    }

    /// <inheritdoc />
    public override void Forget(RequestContext context, ulong nodeId, ulong count)
    {
        if (_nodes.Forget(nodeId, count))
        {
            ScheduleReclaim(nodeId);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<FuseResult<TimedAttributes>> GetAttributesAsync(RequestContext context, ulong nodeId, ulong? handle)
    {
        Counters.GetAttribute();
        try
        {
            return Timed(await _client.GetAttributesAsync((long)nodeId));
        }
        catch (Exception e)
        {
            return Fail(e, "getattr", nodeId);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<FuseResult<TimedAttributes>> SetAttributesAsync(RequestContext context, ulong nodeId, AttributeChanges changes)
    {
        try
        {
            var ino = (long)nodeId;
            var times = changes.Has(SetAttributeFields.Atime) || changes.Has(SetAttributeFields.Mtime);
            var handle = changes.Handle is { } fh && _handles.TryGetValue(fh, out var open) ? open : null;
            if (times && (handle ?? _nodes.AnyHandle(nodeId)) is { } writer)
            {
                // Buffered writes commit with "now" as their modification time: commit them first, or they would
                // overwrite the time set here (cp -p and tar set times right after writing).
                try
                {
                    await writer.File.FlushAsync();
                }
                catch (ObjectDisposedException)
                {
                    // Released meanwhile: its close committed everything.
                }
            }

            InodeAttributes? attributes = null;
            var rest = Request(changes);
            if (changes.Has(SetAttributeFields.Size))
            {
                if (handle is not null)
                {
                    attributes = await handle.File.TruncateAsync(changes.Size);
                }
                else
                {
                    rest = rest with { Size = changes.Size };
                }

                _nodes.Changed(nodeId, write: false);
            }

            if (attributes is null || rest != Unchanged)
            {
                attributes = await _client.SetAttributesAsync(ino, rest);
            }

            return Timed(attributes);
        }
        catch (Exception e)
        {
            return Fail(e, "setattr", nodeId);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<FuseResult<ReadOnlyMemory<byte>>> ReadLinkAsync(RequestContext context, ulong nodeId)
    {
        try
        {
            var target = await _client.ReadLinkAsync((long)nodeId);
            return new ReadOnlyMemory<byte>(Encoding.UTF8.GetBytes(target));
        }
        catch (Exception e)
        {
            return Fail(e, "readlink", nodeId);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<FuseResult<VolumeStats>> StatFsAsync(RequestContext context, ulong nodeId)
    {
        try
        {
            var stats = await _client.StatFsAsync();
            return new VolumeStats
            {
                BlockSize = (ulong)stats.BlockSize,
                FragmentSize = (ulong)stats.BlockSize,
                Blocks = (ulong)Math.Max(0, stats.TotalBlocks),
                FreeBlocks = (ulong)Math.Max(0, stats.FreeBlocks),
                AvailableBlocks = (ulong)Math.Max(0, stats.FreeBlocks),
                Files = (ulong)Math.Max(0, stats.TotalInodes),
                FreeFiles = (ulong)Math.Max(0, stats.FreeInodes),
                MaxNameLength = (ulong)stats.MaxNameLength,
            };
        }
        catch (Exception e)
        {
            return Fail(e, "statfs", nodeId);
        }
    }

    /// <summary>Everything of a setattr except the size, as one metadata request.</summary>
    private static SetAttributesRequest Request(in AttributeChanges changes)
    {
        var atimeNow = changes.Has(SetAttributeFields.AtimeNow);
        var mtimeNow = changes.Has(SetAttributeFields.MtimeNow);
        return new SetAttributesRequest(
            Mode: changes.Has(SetAttributeFields.Mode) ? changes.Mode & PermissionBits : null,
            Uid: changes.Has(SetAttributeFields.Uid) ? changes.Uid : null,
            Gid: changes.Has(SetAttributeFields.Gid) ? changes.Gid : null,
            Atime: changes.Has(SetAttributeFields.Atime) && !atimeNow ? changes.Atime : null,
            Mtime: changes.Has(SetAttributeFields.Mtime) && !mtimeNow ? changes.Mtime : null,
            AtimeNow: atimeNow,
            MtimeNow: mtimeNow);
    }
}
