using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;
using ReplicaFs.Fuse.Interop.Structs;

namespace ReplicaFs.Fuse.Interop;

/// <summary>
/// Sends replies. Each call frees the request inside libfuse, even when it fails, so exactly one of these runs per
/// request. The results are 0 or -errno; -ENOENT means the kernel stopped waiting (the request was interrupted).
/// </summary>
internal static unsafe class Replies
{
    /// <summary>-ENOENT as a reply function returns it.</summary>
    public const int Interrupted = -(int)Errno.ENOENT;

    public static RequestContext Context(nint req)
    {
        var ctx = LibFuse.ReqCtx(req);
        return new RequestContext(ctx->uid, ctx->gid, ctx->pid, ctx->umask);
    }

    public static int Error(nint req, Errno errno) => LibFuse.ReplyErr(req, (int)errno);

    public static void None(nint req) => LibFuse.ReplyNone(req);

    public static int Entry(nint req, in FuseEntry entry)
    {
        var param = NativeConversions.ToEntryParam(entry);
        return LibFuse.ReplyEntry(req, &param);
    }

    public static int Create(nint req, in FuseEntry entry, in OpenedHandle handle)
    {
        var param = NativeConversions.ToEntryParam(entry);

        // libfuse's own fuse_file_info died with the callback; the reply gets a zeroed one of ours.
        var info = FileInfo(handle);
        return LibFuse.ReplyCreate(req, &param, &info);
    }

    public static int Open(nint req, in OpenedHandle handle)
    {
        var info = FileInfo(handle);
        return LibFuse.ReplyOpen(req, &info);
    }

    public static int Attributes(nint req, in TimedAttributes attributes)
    {
        var stat = NativeConversions.ToStat(attributes.Attributes);
        return LibFuse.ReplyAttr(req, &stat, NativeConversions.Seconds(attributes.Timeout));
    }

    public static int Written(nint req, int count) => LibFuse.ReplyWrite(req, (nuint)count);

    public static int Buffer(nint req, ReadOnlySpan<byte> data)
    {
        fixed (byte* pointer = data)
        {
            return LibFuse.ReplyBuf(req, pointer, (nuint)data.Length);
        }
    }

    public static int ReadLink(nint req, ReadOnlySpan<byte> target)
    {
        var terminated = new byte[target.Length + 1];
        target.CopyTo(terminated);
        fixed (byte* pointer = terminated)
        {
            return LibFuse.ReplyReadlink(req, pointer);
        }
    }

    public static int StatFs(nint req, in VolumeStats stats)
    {
        var native = NativeConversions.ToStatVfs(stats);
        return LibFuse.ReplyStatfs(req, &native);
    }

    public static int XattrSize(nint req, int size) => LibFuse.ReplyXattr(req, (nuint)size);

    private static FuseFileInfo FileInfo(in OpenedHandle handle) => new()
    {
        fh = handle.Handle,
        bits = (uint)handle.Options & FuseFileInfo.ReplyBits,
    };
}
