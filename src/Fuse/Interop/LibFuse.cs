using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using ReplicaFs.Fuse.Interop.Structs;

namespace ReplicaFs.Fuse.Interop;

/// <summary>
/// The libfuse 3 entry points the binding uses, resolved once from <c>libfuse3.so.3</c> with
/// <see cref="NativeLibrary.GetExport"/> and called through unmanaged function pointers (nothing the GC could collect).
/// Names are the exact exports: the versioned <c>fuse_session_loop_mt_312</c> rather than the bare name, so a newer
/// libfuse whose default version moves keeps the ABI this binding was written against.
/// </summary>
internal static unsafe class LibFuse
{
    /// <summary>The shared object to load (the runtime package of libfuse 3).</summary>
    public const string LibraryName = "libfuse3.so.3";

    private static readonly Lock Gate = new();
    private static bool _loaded;
    private static string? _loadError;

    private static delegate* unmanaged[Cdecl]<byte*> _pkgVersion;
    private static delegate* unmanaged[Cdecl]<FuseArgs*, FuseLowLevelOps*, nuint, void*, nint> _sessionNew;
    private static delegate* unmanaged[Cdecl]<nint, byte*, int> _sessionMount;
    private static delegate* unmanaged[Cdecl]<nint, void> _sessionUnmount;
    private static delegate* unmanaged[Cdecl]<nint, void> _sessionDestroy;
    private static delegate* unmanaged[Cdecl]<nint, void> _sessionExit;
    private static delegate* unmanaged[Cdecl]<nint, int> _sessionFd;
    private static delegate* unmanaged[Cdecl]<nint, FuseCustomIo*, int, int> _sessionCustomIo;
    private static delegate* unmanaged[Cdecl]<nint, nint, int> _sessionLoopMt312;
    private static delegate* unmanaged[Cdecl]<nint> _loopCfgCreate;
    private static delegate* unmanaged[Cdecl]<nint, void> _loopCfgDestroy;
    private static delegate* unmanaged[Cdecl]<nint, uint, void> _loopCfgSetMaxThreads;
    private static delegate* unmanaged[Cdecl]<nint, uint, void> _loopCfgSetCloneFd;
    private static delegate* unmanaged[Cdecl]<nint, FuseCtx*> _reqCtx;
    private static delegate* unmanaged[Cdecl]<nint, void*> _reqUserdata;
    private static delegate* unmanaged[Cdecl]<nint, int, int> _replyErr;
    private static delegate* unmanaged[Cdecl]<nint, void> _replyNone;
    private static delegate* unmanaged[Cdecl]<nint, FuseEntryParam*, int> _replyEntry;
    private static delegate* unmanaged[Cdecl]<nint, FuseEntryParam*, FuseFileInfo*, int> _replyCreate;
    private static delegate* unmanaged[Cdecl]<nint, Stat*, double, int> _replyAttr;
    private static delegate* unmanaged[Cdecl]<nint, byte*, int> _replyReadlink;
    private static delegate* unmanaged[Cdecl]<nint, FuseFileInfo*, int> _replyOpen;
    private static delegate* unmanaged[Cdecl]<nint, nuint, int> _replyWrite;
    private static delegate* unmanaged[Cdecl]<nint, byte*, nuint, int> _replyBuf;
    private static delegate* unmanaged[Cdecl]<nint, StatVfs*, int> _replyStatfs;
    private static delegate* unmanaged[Cdecl]<nint, nuint, int> _replyXattr;
    private static delegate* unmanaged[Cdecl]<nint, byte*, nuint, byte*, Stat*, long, nuint> _addDirentry;
    private static delegate* unmanaged[Cdecl]<nint, byte*, nuint, byte*, FuseEntryParam*, long, nuint> _addDirentryPlus;
    private static delegate* unmanaged[Cdecl]<nint, ulong, long, long, int> _notifyInvalInode;
    private static delegate* unmanaged[Cdecl]<nint, ulong, byte*, nuint, int> _notifyInvalEntry;
    private static delegate* unmanaged[Cdecl]<FuseArgs*, byte*, int> _optAddArg;
    private static delegate* unmanaged[Cdecl]<FuseArgs*, void> _optFreeArgs;

    /// <summary>Loads libfuse and resolves every entry point, once per process.</summary>
    /// <param name="error">Why it failed: the library is missing or lacks an entry point.</param>
    public static bool TryLoad([NotNullWhen(false)] out string? error)
    {
        lock (Gate)
        {
            if (!_loaded && _loadError is null)
            {
                _loadError = Load();
                _loaded = _loadError is null;
            }

            error = _loadError;
            return _loaded;
        }
    }

    /// <summary>The installed libfuse version, e.g. "3.14.0".</summary>
    public static string PackageVersion => Marshal.PtrToStringUTF8((nint)_pkgVersion()) ?? "unknown";

    public static nint SessionNew(FuseArgs* args, FuseLowLevelOps* ops, nuint opSize, void* userdata) =>
        _sessionNew(args, ops, opSize, userdata);

    public static int SessionMount(nint session, byte* mountPoint) => _sessionMount(session, mountPoint);

    public static void SessionUnmount(nint session) => _sessionUnmount(session);

    public static void SessionDestroy(nint session) => _sessionDestroy(session);

    public static void SessionExit(nint session) => _sessionExit(session);

    public static int SessionFd(nint session) => _sessionFd(session);

    public static int SessionCustomIo(nint session, FuseCustomIo* io, int fd) => _sessionCustomIo(session, io, fd);

    public static int SessionLoopMt312(nint session, nint config) => _sessionLoopMt312(session, config);

    public static nint LoopCfgCreate() => _loopCfgCreate();

    public static void LoopCfgDestroy(nint config) => _loopCfgDestroy(config);

    public static void LoopCfgSetMaxThreads(nint config, uint value) => _loopCfgSetMaxThreads(config, value);

    public static void LoopCfgSetCloneFd(nint config, uint value) => _loopCfgSetCloneFd(config, value);

    public static FuseCtx* ReqCtx(nint req) => _reqCtx(req);

    public static void* ReqUserdata(nint req) => _reqUserdata(req);

    /// <summary><c>fuse_reply_err</c>: <paramref name="errno"/> is positive (0 = success).</summary>
    public static int ReplyErr(nint req, int errno) => _replyErr(req, errno);

    public static void ReplyNone(nint req) => _replyNone(req);

    public static int ReplyEntry(nint req, FuseEntryParam* entry) => _replyEntry(req, entry);

    public static int ReplyCreate(nint req, FuseEntryParam* entry, FuseFileInfo* fi) => _replyCreate(req, entry, fi);

    public static int ReplyAttr(nint req, Stat* attr, double timeout) => _replyAttr(req, attr, timeout);

    public static int ReplyReadlink(nint req, byte* target) => _replyReadlink(req, target);

    public static int ReplyOpen(nint req, FuseFileInfo* fi) => _replyOpen(req, fi);

    public static int ReplyWrite(nint req, nuint count) => _replyWrite(req, count);

    public static int ReplyBuf(nint req, byte* buffer, nuint size) => _replyBuf(req, buffer, size);

    public static int ReplyStatfs(nint req, StatVfs* stats) => _replyStatfs(req, stats);

    public static int ReplyXattr(nint req, nuint size) => _replyXattr(req, size);

    public static nuint AddDirentry(nint req, byte* buffer, nuint room, byte* name, Stat* attr, long nextOffset) =>
        _addDirentry(req, buffer, room, name, attr, nextOffset);

    public static nuint AddDirentryPlus(nint req, byte* buffer, nuint room, byte* name, FuseEntryParam* entry, long nextOffset) =>
        _addDirentryPlus(req, buffer, room, name, entry, nextOffset);

    public static int NotifyInvalInode(nint session, ulong ino, long offset, long length) =>
        _notifyInvalInode(session, ino, offset, length);

    public static int NotifyInvalEntry(nint session, ulong parent, byte* name, nuint nameLength) =>
        _notifyInvalEntry(session, parent, name, nameLength);

    public static int OptAddArg(FuseArgs* args, byte* arg) => _optAddArg(args, arg);

    public static void OptFreeArgs(FuseArgs* args) => _optFreeArgs(args);

    private static string? Load()
    {
        if (!NativeLibrary.TryLoad(LibraryName, out var library))
        {
            return $"{LibraryName} could not be loaded";
        }

        string? missing = null;
        nint Export(string name)
        {
            if (NativeLibrary.TryGetExport(library, name, out var address))
            {
                return address;
            }

            missing ??= name;
            return 0;
        }

        _pkgVersion = (delegate* unmanaged[Cdecl]<byte*>)Export("fuse_pkgversion");
        _sessionNew = (delegate* unmanaged[Cdecl]<FuseArgs*, FuseLowLevelOps*, nuint, void*, nint>)Export("fuse_session_new");
        _sessionMount = (delegate* unmanaged[Cdecl]<nint, byte*, int>)Export("fuse_session_mount");
        _sessionUnmount = (delegate* unmanaged[Cdecl]<nint, void>)Export("fuse_session_unmount");
        _sessionDestroy = (delegate* unmanaged[Cdecl]<nint, void>)Export("fuse_session_destroy");
        _sessionExit = (delegate* unmanaged[Cdecl]<nint, void>)Export("fuse_session_exit");
        _sessionFd = (delegate* unmanaged[Cdecl]<nint, int>)Export("fuse_session_fd");
        _sessionCustomIo = (delegate* unmanaged[Cdecl]<nint, FuseCustomIo*, int, int>)Export("fuse_session_custom_io");
        _sessionLoopMt312 = (delegate* unmanaged[Cdecl]<nint, nint, int>)Export("fuse_session_loop_mt_312");
        _loopCfgCreate = (delegate* unmanaged[Cdecl]<nint>)Export("fuse_loop_cfg_create");
        _loopCfgDestroy = (delegate* unmanaged[Cdecl]<nint, void>)Export("fuse_loop_cfg_destroy");
        _loopCfgSetMaxThreads = (delegate* unmanaged[Cdecl]<nint, uint, void>)Export("fuse_loop_cfg_set_max_threads");
        _loopCfgSetCloneFd = (delegate* unmanaged[Cdecl]<nint, uint, void>)Export("fuse_loop_cfg_set_clone_fd");
        _reqCtx = (delegate* unmanaged[Cdecl]<nint, FuseCtx*>)Export("fuse_req_ctx");
        _reqUserdata = (delegate* unmanaged[Cdecl]<nint, void*>)Export("fuse_req_userdata");
        _replyErr = (delegate* unmanaged[Cdecl]<nint, int, int>)Export("fuse_reply_err");
        _replyNone = (delegate* unmanaged[Cdecl]<nint, void>)Export("fuse_reply_none");
        _replyEntry = (delegate* unmanaged[Cdecl]<nint, FuseEntryParam*, int>)Export("fuse_reply_entry");
        _replyCreate = (delegate* unmanaged[Cdecl]<nint, FuseEntryParam*, FuseFileInfo*, int>)Export("fuse_reply_create");
        _replyAttr = (delegate* unmanaged[Cdecl]<nint, Stat*, double, int>)Export("fuse_reply_attr");
        _replyReadlink = (delegate* unmanaged[Cdecl]<nint, byte*, int>)Export("fuse_reply_readlink");
        _replyOpen = (delegate* unmanaged[Cdecl]<nint, FuseFileInfo*, int>)Export("fuse_reply_open");
        _replyWrite = (delegate* unmanaged[Cdecl]<nint, nuint, int>)Export("fuse_reply_write");
        _replyBuf = (delegate* unmanaged[Cdecl]<nint, byte*, nuint, int>)Export("fuse_reply_buf");
        _replyStatfs = (delegate* unmanaged[Cdecl]<nint, StatVfs*, int>)Export("fuse_reply_statfs");
        _replyXattr = (delegate* unmanaged[Cdecl]<nint, nuint, int>)Export("fuse_reply_xattr");
        _addDirentry = (delegate* unmanaged[Cdecl]<nint, byte*, nuint, byte*, Stat*, long, nuint>)Export("fuse_add_direntry");
        _addDirentryPlus = (delegate* unmanaged[Cdecl]<nint, byte*, nuint, byte*, FuseEntryParam*, long, nuint>)Export("fuse_add_direntry_plus");
        _notifyInvalInode = (delegate* unmanaged[Cdecl]<nint, ulong, long, long, int>)Export("fuse_lowlevel_notify_inval_inode");
        _notifyInvalEntry = (delegate* unmanaged[Cdecl]<nint, ulong, byte*, nuint, int>)Export("fuse_lowlevel_notify_inval_entry");
        _optAddArg = (delegate* unmanaged[Cdecl]<FuseArgs*, byte*, int>)Export("fuse_opt_add_arg");
        _optFreeArgs = (delegate* unmanaged[Cdecl]<FuseArgs*, void>)Export("fuse_opt_free_args");

        return missing is null
            ? null
            : $"{LibraryName} lacks the entry point {missing} (libfuse 3.12 or newer is required)";
    }
}
