using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;
using ReplicaFs.Fuse.Interop.Structs;

namespace ReplicaFs.Fuse.Interop;

/// <summary>
/// The native half of the trampoline: static <see cref="UnmanagedCallersOnlyAttribute"/> methods whose addresses fill
/// <see cref="FuseLowLevelOps"/>. Each one finds its session through <c>fuse_req_userdata</c>, copies what dies with
/// the callback (names, write data, <c>fi</c> fields, the caller context) and hands the request to
/// <see cref="RequestDispatcher"/>, which owns the reply from then on. If anything fails before the hand-over, the
/// callback answers EIO itself. No exception ever leaves these methods; forget and forget_multi always answer
/// <c>fuse_reply_none</c>.
/// </summary>
internal static unsafe partial class LowLevelCallbacks
{
    /// <summary>The operation table; <c>readdirplus</c> only when the file system implements it (libfuse then asks for READDIRPLUS).</summary>
    public static FuseLowLevelOps CreateTable(bool readDirectoryPlus)
    {
        var ops = new FuseLowLevelOps
        {
            init = &Init,
            destroy = &Destroy,
            lookup = &Lookup,
            forget = &Forget,
            getattr = &GetAttributes,
            setattr = &SetAttributes,
            readlink = &ReadLink,
            mknod = &MakeNode,
            mkdir = &MakeDirectory,
            unlink = &Unlink,
            rmdir = &RemoveDirectory,
            symlink = &Symlink,
            rename = &Rename,
            link = &Link,
            open = &Open,
            read = &Read,
            write = &Write,
            flush = &Flush,
            release = &Release,
            fsync = &Fsync,
            opendir = &OpenDirectory,
            readdir = &ReadDirectory,
            releasedir = &ReleaseDirectory,
            fsyncdir = &FsyncDirectory,
            statfs = &StatFs,
            setxattr = &SetXattr,
            getxattr = &GetXattr,
            listxattr = &ListXattr,
            removexattr = &RemoveXattr,
            access = &Access,
            create = &Create,
            forget_multi = &ForgetMulti,
            fallocate = &Fallocate,
        };
        if (readDirectoryPlus)
        {
            ops.readdirplus = &ReadDirectoryPlus;
        }

        return ops;
    }

    private static RequestDispatcher Dispatcher(nint req) => FuseSession.FromRequest(req).Dispatcher;

    /// <summary>Something failed before the request was handed over: log it and answer EIO.</summary>
    private static void Refuse(nint req, string operation, Exception exception)
    {
        try
        {
            LogRefused(FuseSession.FromRequest(req).Logger, operation, exception);
        }
        catch (Exception)
        {
            // The session itself is unreachable; stderr is all that is left.
            Console.Error.WriteLine($"FUSE {operation}: {exception}");
        }

        Replies.Error(req, Errno.EIO);
    }

    private static ulong? Handle(FuseFileInfo* fi) => fi == null ? null : fi->fh;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Init(void* userdata, FuseConnInfo* conn)
    {
        try
        {
            FuseSession.FromUserData(userdata).OnInit(conn);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"FUSE init: {e}");
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Destroy(void* userdata)
    {
        try
        {
            FuseSession.FromUserData(userdata).OnDestroy();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"FUSE destroy: {e}");
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Lookup(nint req, ulong parent, byte* name)
    {
        try
        {
            _ = Dispatcher(req).LookupAsync(req, Replies.Context(req), parent, RentedBytes.FromString(name));
        }
        catch (Exception e)
        {
            Refuse(req, "lookup", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Forget(nint req, ulong ino, ulong nlookup)
    {
        try
        {
            Dispatcher(req).Forget(Replies.Context(req), ino, nlookup);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"FUSE forget: {e}");
        }
        finally
        {
            Replies.None(req);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void ForgetMulti(nint req, nuint count, FuseForgetData* forgets)
    {
        try
        {
            var dispatcher = Dispatcher(req);
            var context = Replies.Context(req);
            for (nuint i = 0; i < count; i++)
            {
                dispatcher.Forget(context, forgets[i].ino, forgets[i].nlookup);
            }
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"FUSE forget_multi: {e}");
        }
        finally
        {
            Replies.None(req);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void GetAttributes(nint req, ulong ino, FuseFileInfo* fi)
    {
        try
        {
            _ = Dispatcher(req).GetAttributesAsync(req, Replies.Context(req), ino, Handle(fi));
        }
        catch (Exception e)
        {
            Refuse(req, "getattr", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void SetAttributes(nint req, ulong ino, Stat* attr, int toSet, FuseFileInfo* fi)
    {
        try
        {
            var changes = NativeConversions.ToChanges(*attr, toSet, Handle(fi));
            _ = Dispatcher(req).SetAttributesAsync(req, Replies.Context(req), ino, changes);
        }
        catch (Exception e)
        {
            Refuse(req, "setattr", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void ReadLink(nint req, ulong ino)
    {
        try
        {
            _ = Dispatcher(req).ReadLinkAsync(req, Replies.Context(req), ino);
        }
        catch (Exception e)
        {
            Refuse(req, "readlink", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void MakeNode(nint req, ulong parent, byte* name, uint mode, ulong rdev)
    {
        try
        {
            _ = Dispatcher(req).MakeNodeAsync(req, Replies.Context(req), parent, RentedBytes.FromString(name), mode, rdev);
        }
        catch (Exception e)
        {
            Refuse(req, "mknod", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void MakeDirectory(nint req, ulong parent, byte* name, uint mode)
    {
        try
        {
            _ = Dispatcher(req).MakeDirectoryAsync(req, Replies.Context(req), parent, RentedBytes.FromString(name), mode);
        }
        catch (Exception e)
        {
            Refuse(req, "mkdir", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Unlink(nint req, ulong parent, byte* name)
    {
        try
        {
            _ = Dispatcher(req).UnlinkAsync(req, Replies.Context(req), parent, RentedBytes.FromString(name));
        }
        catch (Exception e)
        {
            Refuse(req, "unlink", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void RemoveDirectory(nint req, ulong parent, byte* name)
    {
        try
        {
            _ = Dispatcher(req).RemoveDirectoryAsync(req, Replies.Context(req), parent, RentedBytes.FromString(name));
        }
        catch (Exception e)
        {
            Refuse(req, "rmdir", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Symlink(nint req, byte* link, ulong parent, byte* name)
    {
        try
        {
            _ = Dispatcher(req).SymlinkAsync(req, Replies.Context(req), RentedBytes.FromString(link), parent, RentedBytes.FromString(name));
        }
        catch (Exception e)
        {
            Refuse(req, "symlink", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Rename(nint req, ulong parent, byte* name, ulong newParent, byte* newName, uint flags)
    {
        try
        {
            _ = Dispatcher(req).RenameAsync(req, Replies.Context(req), parent, RentedBytes.FromString(name), newParent, RentedBytes.FromString(newName), (RenameOptions)flags);
        }
        catch (Exception e)
        {
            Refuse(req, "rename", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Link(nint req, ulong ino, ulong newParent, byte* newName)
    {
        try
        {
            _ = Dispatcher(req).LinkAsync(req, Replies.Context(req), ino, newParent, RentedBytes.FromString(newName));
        }
        catch (Exception e)
        {
            Refuse(req, "link", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Open(nint req, ulong ino, FuseFileInfo* fi)
    {
        try
        {
            _ = Dispatcher(req).OpenAsync(req, Replies.Context(req), ino, (OpenOptions)fi->flags);
        }
        catch (Exception e)
        {
            Refuse(req, "open", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Read(nint req, ulong ino, nuint size, long offset, FuseFileInfo* fi)
    {
        try
        {
            if (size > int.MaxValue)
            {
                Replies.Error(req, Errno.EINVAL);
                return;
            }

            _ = Dispatcher(req).ReadAsync(req, Replies.Context(req), ino, fi->fh, offset, (int)size);
        }
        catch (Exception e)
        {
            Refuse(req, "read", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Write(nint req, ulong ino, byte* buffer, nuint size, long offset, FuseFileInfo* fi)
    {
        try
        {
            _ = Dispatcher(req).WriteAsync(req, Replies.Context(req), ino, fi->fh, offset, RentedBytes.FromBuffer(buffer, size));
        }
        catch (Exception e)
        {
            Refuse(req, "write", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Flush(nint req, ulong ino, FuseFileInfo* fi)
    {
        try
        {
            _ = Dispatcher(req).FlushAsync(req, Replies.Context(req), ino, fi->fh);
        }
        catch (Exception e)
        {
            Refuse(req, "flush", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Release(nint req, ulong ino, FuseFileInfo* fi)
    {
        try
        {
            _ = Dispatcher(req).ReleaseAsync(req, Replies.Context(req), ino, fi->fh, (OpenOptions)fi->flags);
        }
        catch (Exception e)
        {
            Refuse(req, "release", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Fsync(nint req, ulong ino, int dataSync, FuseFileInfo* fi)
    {
        try
        {
            _ = Dispatcher(req).FsyncAsync(req, Replies.Context(req), ino, fi->fh, dataSync != 0);
        }
        catch (Exception e)
        {
            Refuse(req, "fsync", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OpenDirectory(nint req, ulong ino, FuseFileInfo* fi)
    {
        try
        {
            _ = Dispatcher(req).OpenDirectoryAsync(req, Replies.Context(req), ino, (OpenOptions)fi->flags);
        }
        catch (Exception e)
        {
            Refuse(req, "opendir", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void ReadDirectory(nint req, ulong ino, nuint size, long offset, FuseFileInfo* fi) =>
        StartListing(req, ino, size, offset, fi, plus: false);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void ReadDirectoryPlus(nint req, ulong ino, nuint size, long offset, FuseFileInfo* fi) =>
        StartListing(req, ino, size, offset, fi, plus: true);

    private static void StartListing(nint req, ulong ino, nuint size, long offset, FuseFileInfo* fi, bool plus)
    {
        try
        {
            if (size > int.MaxValue)
            {
                Replies.Error(req, Errno.EINVAL);
                return;
            }

            var buffer = new DirectoryBuffer(req, (int)size, plus);
            _ = Dispatcher(req).ReadDirectoryAsync(req, Replies.Context(req), ino, fi->fh, offset, buffer);
        }
        catch (Exception e)
        {
            Refuse(req, plus ? "readdirplus" : "readdir", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void ReleaseDirectory(nint req, ulong ino, FuseFileInfo* fi)
    {
        try
        {
            _ = Dispatcher(req).ReleaseDirectoryAsync(req, Replies.Context(req), ino, fi->fh);
        }
        catch (Exception e)
        {
            Refuse(req, "releasedir", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void FsyncDirectory(nint req, ulong ino, int dataSync, FuseFileInfo* fi)
    {
        try
        {
            _ = Dispatcher(req).FsyncDirectoryAsync(req, Replies.Context(req), ino, fi->fh, dataSync != 0);
        }
        catch (Exception e)
        {
            Refuse(req, "fsyncdir", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void StatFs(nint req, ulong ino)
    {
        try
        {
            _ = Dispatcher(req).StatFsAsync(req, Replies.Context(req), ino);
        }
        catch (Exception e)
        {
            Refuse(req, "statfs", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void SetXattr(nint req, ulong ino, byte* name, byte* value, nuint size, int flags)
    {
        try
        {
            _ = Dispatcher(req).SetXattrAsync(req, Replies.Context(req), ino, RentedBytes.FromString(name), RentedBytes.FromBuffer(value, size), (XattrOptions)flags);
        }
        catch (Exception e)
        {
            Refuse(req, "setxattr", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void GetXattr(nint req, ulong ino, byte* name, nuint size)
    {
        try
        {
            if (size > int.MaxValue)
            {
                Replies.Error(req, Errno.EINVAL);
                return;
            }

            _ = Dispatcher(req).GetXattrAsync(req, Replies.Context(req), ino, RentedBytes.FromString(name), (int)size);
        }
        catch (Exception e)
        {
            Refuse(req, "getxattr", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void ListXattr(nint req, ulong ino, nuint size)
    {
        try
        {
            if (size > int.MaxValue)
            {
                Replies.Error(req, Errno.EINVAL);
                return;
            }

            _ = Dispatcher(req).ListXattrAsync(req, Replies.Context(req), ino, (int)size);
        }
        catch (Exception e)
        {
            Refuse(req, "listxattr", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void RemoveXattr(nint req, ulong ino, byte* name)
    {
        try
        {
            _ = Dispatcher(req).RemoveXattrAsync(req, Replies.Context(req), ino, RentedBytes.FromString(name));
        }
        catch (Exception e)
        {
            Refuse(req, "removexattr", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Access(nint req, ulong ino, int mask)
    {
        try
        {
            _ = Dispatcher(req).AccessAsync(req, Replies.Context(req), ino, mask);
        }
        catch (Exception e)
        {
            Refuse(req, "access", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Create(nint req, ulong parent, byte* name, uint mode, FuseFileInfo* fi)
    {
        try
        {
            _ = Dispatcher(req).CreateAsync(req, Replies.Context(req), parent, RentedBytes.FromString(name), mode, (OpenOptions)fi->flags);
        }
        catch (Exception e)
        {
            Refuse(req, "create", e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Fallocate(nint req, ulong ino, int mode, long offset, long length, FuseFileInfo* fi)
    {
        try
        {
            _ = Dispatcher(req).FallocateAsync(req, Replies.Context(req), ino, fi->fh, mode, offset, length);
        }
        catch (Exception e)
        {
            Refuse(req, "fallocate", e);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "FUSE {Operation} could not be started; answering EIO")]
    private static partial void LogRefused(ILogger logger, string operation, Exception exception);
}
