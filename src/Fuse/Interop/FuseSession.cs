using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using ReplicaFs.Fuse.FileSystem;
using ReplicaFs.Fuse.Interop.Structs;
using ReplicaFs.Fuse.Mounting;

namespace ReplicaFs.Fuse.Interop;

/// <summary>
/// One libfuse low-level session (<c>struct fuse_session</c>) and everything its callbacks need. libfuse gets a
/// GCHandle to this object as userdata; every callback finds it again through <c>fuse_req_userdata</c>, so nothing
/// per mount is static. Lifetime: <see cref="Create"/> → <see cref="Mount"/> → (optional)
/// <see cref="InstallCustomIo"/> → <see cref="RunLoop"/> on a dedicated thread →
/// <see cref="WaitForOutstandingReplies"/> → <see cref="Destroy"/>.
/// </summary>
internal sealed unsafe partial class FuseSession
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly uint _maxBackground;
    private readonly bool _readDirectoryPlus;
    private GCHandle<FuseSession> _self;
    private nint _session;
    private FuseCustomIo* _customIo;
    private bool _initReplyHooked;
    private bool _patchParallelDirOps;
    private int _initReplyPending;

    // The loop itself holds one reference; each request being answered holds another.
    private int _inFlight = 1;

    private FuseSession(FuseFileSystem fileSystem, uint maxBackground, bool readDirectoryPlus, ILogger logger)
    {
        FileSystem = fileSystem;
        Logger = logger;
        _maxBackground = maxBackground;
        _readDirectoryPlus = readDirectoryPlus;
        Dispatcher = new RequestDispatcher(this);
        _self = new GCHandle<FuseSession>(this);
    }

    public FuseFileSystem FileSystem { get; }

    public RequestDispatcher Dispatcher { get; }

    public ILogger Logger { get; }

    /// <summary>Completes when the kernel has the INIT reply (or fails when INIT failed).</summary>
    public Task Ready => _ready.Task;

    /// <summary>The native <c>struct fuse_session*</c>; 0 once destroyed.</summary>
    public nint Handle => _session;

    /// <summary>Requests being answered right now (excluding the loop's own reference).</summary>
    public int OutstandingRequests => Math.Max(0, Volatile.Read(ref _inFlight) - 1);

    /// <summary>The session behind a callback's userdata.</summary>
    public static FuseSession FromUserData(void* userdata) =>
        GCHandle<FuseSession>.FromIntPtr((nint)userdata).Target;

    /// <summary>The session a request belongs to.</summary>
    public static FuseSession FromRequest(nint req) => FromUserData(LibFuse.ReqUserdata(req));

    /// <summary><c>fuse_session_new</c> with the given argv (argv[0] first) and the binding's operation table.</summary>
    public static FuseSession Create(FuseFileSystem fileSystem, IReadOnlyList<string> arguments, uint maxBackground, ILogger logger)
    {
        var readDirectoryPlus = OverridesReadDirectoryPlus(fileSystem);
        var session = new FuseSession(fileSystem, maxBackground, readDirectoryPlus, logger);
        var args = default(FuseArgs);
        try
        {
            foreach (var argument in arguments)
            {
                var bytes = Encoding.UTF8.GetBytes(argument + "\0");
                fixed (byte* pointer = bytes)
                {
                    if (LibFuse.OptAddArg(&args, pointer) != 0)
                    {
                        throw new InvalidOperationException("fuse_opt_add_arg failed (out of memory).");
                    }
                }
            }

            var ops = LowLevelCallbacks.CreateTable(readDirectoryPlus);
            session._session = LibFuse.SessionNew(&args, &ops, (nuint)sizeof(FuseLowLevelOps), (void*)GCHandle<FuseSession>.ToIntPtr(session._self));
        }
        finally
        {
            // libfuse copied what it keeps; freeing twice (after a rejection it already freed them) is harmless.
            LibFuse.OptFreeArgs(&args);
        }

        if (session._session == 0)
        {
            session._self.Dispose();
            throw new FuseMountException($"libfuse rejected the arguments \"{string.Join(' ', arguments)}\" (its reason is on stderr).");
        }

        return session;
    }

    /// <summary><c>fuse_session_mount</c>.</summary>
    public void Mount(string mountPoint)
    {
        var bytes = Encoding.UTF8.GetBytes(mountPoint + "\0");
        fixed (byte* pointer = bytes)
        {
            if (LibFuse.SessionMount(_session, pointer) != 0)
            {
                throw new FuseMountException($"Mounting {mountPoint} failed (libfuse's reason is on stderr).");
            }
        }
    }

    /// <summary>
    /// Installs the session's I/O functions (<see cref="SessionIo"/>) on a duplicate of its /dev/fuse descriptor that
    /// is numbered above every descriptor open now. Call after <see cref="Mount"/>, before the loop.
    /// <para>
    /// Why the renumbering: auto_unmount's fusermount3 watchdog unmounts only if, once this process's end of its
    /// socket is closed, opening the mount point fails with ENOTCONN. When a process dies the kernel releases its
    /// files in reverse order of their descriptors, and libfuse's socket is numbered above the /dev/fuse descriptor,
    /// so the watchdog can probe while the connection is still being torn down, get ECONNABORTED, and leave a dead
    /// mount (seen in 4 of 25 SIGKILLs under load). With /dev/fuse numbered highest, the connection is gone first.
    /// </para>
    /// </summary>
    /// <param name="patchInitReply">Add FUSE_PARALLEL_DIROPS to the INIT reply (libfuse 3.14 forgets it).</param>
    public void InstallCustomIo(bool patchInitReply)
    {
        var original = LibFuse.SessionFd(_session);
        var moved = MoveAboveOpenDescriptors(original);
        _customIo = (FuseCustomIo*)NativeMemory.AllocZeroed((nuint)sizeof(FuseCustomIo));
        *_customIo = SessionIo.CreateTable(patchInitReply);
        _initReplyPending = patchInitReply ? 1 : 0;
        _initReplyHooked = patchInitReply;
        var result = LibFuse.SessionCustomIo(_session, _customIo, moved);
        if (result != 0)
        {
            _initReplyPending = 0;
            _initReplyHooked = false;
            LogCustomIoFailed(Logger, result);
            if (moved != original)
            {
                LibC.Close(moved);
            }

            return;
        }

        // libfuse now reads, writes and finally closes the moved descriptor; the original is ours to close.
        if (moved != original)
        {
            LibC.Close(original);
        }
    }

    /// <summary>A close-on-exec duplicate of <paramref name="fd"/> above every open descriptor, or <paramref name="fd"/> itself.</summary>
    private int MoveAboveOpenDescriptors(int fd)
    {
        var highest = fd;
        foreach (var entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            if (int.TryParse(Path.GetFileName(entry), out var open))
            {
                highest = Math.Max(highest, open);
            }
        }

        var moved = LibC.Fcntl(fd, LibC.FDupFdCloExec, highest + 1);
        if (moved < 0)
        {
            LogDescriptorNotMoved(Logger, Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
            return fd;
        }

        return moved;
    }

    /// <summary>Runs the multi-threaded loop until the kernel connection ends; returns 0 or -errno.</summary>
    public int RunLoop(uint maxThreads)
    {
        var config = LibFuse.LoopCfgCreate();
        if (config == 0)
        {
            return -12;
        }

        try
        {
            LibFuse.LoopCfgSetMaxThreads(config, maxThreads);
            LibFuse.LoopCfgSetCloneFd(config, 0);
            return LibFuse.SessionLoopMt312(_session, config);
        }
        finally
        {
            LibFuse.LoopCfgDestroy(config);
        }
    }

    /// <summary>After the loop returned: drops its reference and blocks until every started request has been answered.</summary>
    public void WaitForOutstandingReplies()
    {
        ExitRequest();
        if (!_drained.Task.Wait(TimeSpan.FromSeconds(5)))
        {
            LogDraining(Logger, OutstandingRequests);
            _drained.Task.Wait();
        }
    }

    /// <summary><c>fuse_session_unmount</c> + <c>fuse_session_destroy</c> (which runs the destroy callback), then frees the handle.</summary>
    public void Destroy()
    {
        if (_session != 0)
        {
            LibFuse.SessionUnmount(_session);
            LibFuse.SessionDestroy(_session);
            _session = 0;
        }

        if (_customIo != null)
        {
            NativeMemory.Free(_customIo);
            _customIo = null;
        }

        if (_self.IsAllocated)
        {
            _self.Dispose();
        }

        _ready.TrySetException(new FuseMountException("The FUSE session ended before INIT completed."));
    }

    public void EnterRequest() => Interlocked.Increment(ref _inFlight);

    /// <summary>Joins the in-flight count unless the session is already being destroyed (for calls from outside the loop).</summary>
    public bool TryEnterRequest()
    {
        var current = Volatile.Read(ref _inFlight);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _inFlight, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    public void ExitRequest()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>The init callback: applies the mount's defaults, lets the file system adjust, writes the result back.</summary>
    public void OnInit(FuseConnInfo* conn)
    {
        var capable = (FuseCapabilities)conn->capable;
        var settings = new ConnectionSettings
        {
            ProtocolMajor = conn->proto_major,
            ProtocolMinor = conn->proto_minor,
            Capable = capable,
            Want = (FuseCapabilities)conn->want,
            MaxWrite = conn->max_write,
            MaxReadahead = conn->max_readahead,
            MaxBackground = Math.Max(conn->max_background, _maxBackground),
            CongestionThreshold = conn->congestion_threshold,
            TimeGranularity = conn->time_gran,
        };
        settings.Want |= FuseCapabilities.AsyncRead | FuseCapabilities.AtomicOTrunc;
        settings.Want &= ~FuseCapabilities.WritebackCache;
        if (_readDirectoryPlus)
        {
            settings.Want |= FuseCapabilities.ReaddirPlus;
        }

        try
        {
            FileSystem.Init(settings);
        }
        catch (Exception e)
        {
            LogInitFailed(Logger, e);
            _ready.TrySetException(new FuseMountException($"The file system failed to initialise: {e.Message}", e));
        }

        var dropped = settings.Want & ~capable;
        if (dropped != FuseCapabilities.None)
        {
            LogCapabilitiesDropped(Logger, dropped);
        }

        var want = settings.Want & capable;
        conn->want = (uint)want;
        conn->max_write = settings.MaxWrite;
        conn->max_readahead = settings.MaxReadahead;
        conn->max_background = settings.MaxBackground;
        conn->congestion_threshold = settings.CongestionThreshold;
        conn->time_gran = settings.TimeGranularity;
        _patchParallelDirOps = _initReplyHooked && (want & FuseCapabilities.ParallelDirOps) != 0;
        LogInit(Logger, conn->proto_major, conn->proto_minor, (uint)capable, (uint)want, conn->max_write, conn->max_background, _patchParallelDirOps);
        if (!_initReplyHooked)
        {
            _ready.TrySetResult();
        }
    }

    /// <summary>The destroy callback.</summary>
    public void OnDestroy()
    {
        try
        {
            FileSystem.Destroy();
        }
        catch (Exception e)
        {
            LogDestroyFailed(Logger, e);
        }
    }

    /// <summary>True exactly once: for the first reply written, which is INIT's.</summary>
    public bool TakeInitReply() => Interlocked.Exchange(ref _initReplyPending, 0) == 1;

    /// <summary>Whether the INIT reply should carry FUSE_PARALLEL_DIROPS.</summary>
    public bool PatchParallelDirOps => _patchParallelDirOps;

    /// <summary>The INIT reply went out (or failed): the mount is ready (or broken).</summary>
    public void OnInitReplySent(int replyError, int writeErrno)
    {
        if (replyError == 0 && writeErrno == 0)
        {
            _ready.TrySetResult();
            return;
        }

        var reason = replyError != 0 ? Marshal.GetPInvokeErrorMessage(-replyError) : Marshal.GetPInvokeErrorMessage(writeErrno);
        _ready.TrySetException(new FuseMountException($"INIT failed: {reason}."));
    }

    private static bool OverridesReadDirectoryPlus(FuseFileSystem fileSystem) =>
        fileSystem.GetType().GetMethod(nameof(FuseFileSystem.ReadDirectoryPlusAsync))?.DeclaringType != typeof(FuseFileSystem);

    [LoggerMessage(Level = LogLevel.Information, Message = "FUSE INIT: protocol {Major}.{Minor}, capable 0x{Capable:x}, want 0x{Want:x}, max_write {MaxWrite}, max_background {MaxBackground}, parallel dirops patch {Patch}")]
    private static partial void LogInit(ILogger logger, uint major, uint minor, uint capable, uint want, uint maxWrite, uint maxBackground, bool patch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The kernel does not offer {Dropped}; not requested")]
    private static partial void LogCapabilitiesDropped(ILogger logger, FuseCapabilities dropped);

    [LoggerMessage(Level = LogLevel.Error, Message = "The file system's Init failed")]
    private static partial void LogInitFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The file system's Destroy failed")]
    private static partial void LogDestroyFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "fuse_session_custom_io failed ({Result}); directory operations stay serialised per directory")]
    private static partial void LogCustomIoFailed(ILogger logger, int result);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The /dev/fuse descriptor could not be renumbered ({Reason}); auto_unmount may miss a killed process")]
    private static partial void LogDescriptorNotMoved(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The loop ended; waiting for {Count} requests still being answered before the session is destroyed")]
    private static partial void LogDraining(ILogger logger, int count);
}
