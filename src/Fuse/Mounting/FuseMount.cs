using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;
using ReplicaFs.Fuse.Interop;

namespace ReplicaFs.Fuse.Mounting;

/// <summary>
/// A mounted <see cref="FuseFileSystem"/>: the libfuse session, its multi-threaded loop on a dedicated thread, and
/// the way back out. <see cref="MountAsync"/> returns once the kernel has the INIT reply. Unmounting is always lazy
/// (<c>umount2(MNT_DETACH)</c>): the name disappears at once, the loop returns when the last open file on the mount is
/// closed, then outstanding replies are drained and the session is unmounted and destroyed on the loop thread.
/// The same happens when someone else unmounts the path.
/// </summary>
public sealed partial class FuseMount : IAsyncDisposable
{
    private const int ConnectionAborted = 103;
    private static readonly TimeSpan DisposeTimeout = TimeSpan.FromSeconds(10);

    private readonly FuseSession _session;
    private readonly ILogger _logger;
    private readonly uint _maxThreads;
    private readonly TaskCompletionSource<int> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private MountEntry? _mountEntry;
    private int _unmountRequested;

    private FuseMount(string mountPoint, FuseSession session, uint maxThreads, ILogger logger)
    {
        MountPoint = mountPoint;
        _session = session;
        _maxThreads = maxThreads;
        _logger = logger;
    }

    /// <summary>The absolute mount point.</summary>
    public string MountPoint { get; }

    /// <summary>
    /// Completes once the session has been destroyed, with 0 after an unmount, -ECONNABORTED (-103) when the
    /// connection was aborted under a live mount (umount -f, fusectl abort; the dead mount is then removed), or
    /// another -errno when the loop failed.
    /// </summary>
    public Task<int> Completion => _completion.Task;

    /// <summary>Whether the mount is still attached at <see cref="MountPoint"/>.</summary>
    public bool IsMounted => !Completion.IsCompleted && (_mountEntry is not { } entry || MountTable.Contains(entry));

    /// <summary>Requests whose replies are still outstanding.</summary>
    public int OutstandingRequests => _session.OutstandingRequests;

    /// <summary>
    /// Mounts <paramref name="fileSystem"/> on <paramref name="mountPoint"/> and waits for the kernel's INIT.
    /// </summary>
    /// <exception cref="FuseMountException">
    /// libfuse3 is missing, /dev/fuse is unusable, the mount point is missing or not a directory, libfuse refused,
    /// or INIT failed or timed out. The message says what to do.
    /// </exception>
    public static async Task<FuseMount> MountAsync(
        string mountPoint,
        FuseFileSystem fileSystem,
        FuseMountOptions? options = null,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        options ??= new FuseMountOptions();
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger<FuseMount>();
        var arguments = MountArguments.Build(options);
        var path = MountPreflight.Check(mountPoint, options, logger);
        var session = FuseSession.Create(fileSystem, arguments, options.MaxBackground, loggerFactory.CreateLogger<FuseSession>());
        try
        {
            session.Mount(path);
        }
        catch
        {
            session.Destroy();
            throw;
        }

        session.InstallCustomIo(patchInitReply: options.ParallelDirectoryOperations);

        var mount = new FuseMount(path, session, (uint)options.MaxThreads, logger);
        mount.StartLoop();
        await mount.WaitUntilReadyAsync(options, cancellationToken);
        return mount;
    }

    /// <summary>
    /// Starts a lazy unmount and returns at once (safe from a signal handler). The session then ends by itself
    /// when the last open file on the mount is closed. Never call it from inside a file-system method.
    /// </summary>
    public void RequestUnmount()
    {
        if (Completion.IsCompleted)
        {
            return;
        }

        if (Interlocked.Exchange(ref _unmountRequested, 1) == 0)
        {
            LogUnmounting(_logger, MountPoint);
        }

        if (_mountEntry is { } entry && !MountTable.Contains(entry))
        {
            return;
        }

        if (LibC.Umount2(MountPoint, LibC.MntDetach) == 0)
        {
            return;
        }

        var errno = (Errno)Marshal.GetLastPInvokeError();
        switch (errno)
        {
            case Errno.EINVAL:
                // Not a mount point any more: someone else unmounted it.
                break;
            case Errno.EPERM:
                UnmountWithFusermount();
                break;
            default:
                LogUnmountFailed(_logger, MountPoint, Marshal.GetPInvokeErrorMessage((int)errno));
                break;
        }
    }

    /// <summary>
    /// Lazily unmounts and waits up to <paramref name="timeout"/> for the session to end.
    /// </summary>
    /// <returns>
    /// True when the session has ended and everything is freed. False when files on the mount are still open: the
    /// mount point is already detached (new opens fail), the open files keep working, and the session ends when the
    /// last of them is closed (<see cref="Completion"/>).
    /// </returns>
    public async Task<bool> UnmountAsync(TimeSpan timeout)
    {
        RequestUnmount();
        try
        {
            await Completion.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            LogStillServing(_logger, MountPoint, timeout);
            return false;
        }
    }

    /// <summary>Unmounts with a 10-second wait (see <see cref="UnmountAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await UnmountAsync(DisposeTimeout);

    /// <summary>
    /// <c>fuse_lowlevel_notify_inval_inode</c>: drops the kernel's cached attributes of <paramref name="nodeId"/>, and
    /// its cached data from <paramref name="offset"/> for <paramref name="length"/> bytes (0 = to the end; a negative
    /// offset keeps the data). Call it from the thread that learns of remote changes, never inside a request for a
    /// related node (that can deadlock).
    /// </summary>
    /// <returns>None; ENOENT when the kernel does not hold the node; ENOTCONN once the session has ended.</returns>
    public Errno InvalidateNode(ulong nodeId, long offset = 0, long length = 0)
    {
        if (!_session.TryEnterRequest())
        {
            return Errno.ENOTCONN;
        }

        try
        {
            return ToErrno(LibFuse.NotifyInvalInode(_session.Handle, nodeId, offset, length));
        }
        finally
        {
            _session.ExitRequest();
        }
    }

    /// <summary>
    /// <c>fuse_lowlevel_notify_inval_entry</c>: drops the kernel's cached name <paramref name="name"/> in directory
    /// <paramref name="parent"/> (and the directory's attributes). Same calling rules as <see cref="InvalidateNode"/>.
    /// </summary>
    /// <returns>None; ENOENT when the kernel does not hold the name; ENOTCONN once the session has ended.</returns>
    public unsafe Errno InvalidateEntry(ulong parent, ReadOnlySpan<byte> name)
    {
        if (!_session.TryEnterRequest())
        {
            return Errno.ENOTCONN;
        }

        try
        {
            // libfuse sends namelen + 1 bytes: the name must be NUL-terminated.
            var terminated = name.Length < 1024 ? stackalloc byte[name.Length + 1] : new byte[name.Length + 1];
            name.CopyTo(terminated);
            terminated[name.Length] = 0;
            fixed (byte* pointer = terminated)
            {
                return ToErrno(LibFuse.NotifyInvalEntry(_session.Handle, parent, pointer, (nuint)name.Length));
            }
        }
        finally
        {
            _session.ExitRequest();
        }
    }

    private static Errno ToErrno(int result) => result < 0 ? (Errno)(-result) : Errno.None;

    private void StartLoop()
    {
        var thread = new Thread(RunLoop)
        {
            Name = "fuse-loop",
            IsBackground = true,
        };
        thread.Start();
    }

    private void RunLoop()
    {
        var status = -(int)Errno.EIO;
        try
        {
            status = _session.RunLoop(_maxThreads);
        }
        catch (Exception e)
        {
            LogLoopFailed(_logger, e);
        }

        try
        {
            _session.WaitForOutstandingReplies();
            _session.Destroy();
        }
        catch (Exception e)
        {
            LogLoopFailed(_logger, e);
        }

        if (_mountEntry is { } entry && MountTable.Contains(entry))
        {
            // The connection was aborted (umount -f, fusectl abort) and fuse_session_unmount saw POLLERR and left
            // the dead mount in place: every access would fail with ENOTCONN until someone unmounts it.
            LogDeadMount(_logger, MountPoint, status);
            LibC.Umount2(MountPoint, LibC.MntDetach);
            status = status == 0 ? -ConnectionAborted : status;
        }
        else if (status == -ConnectionAborted)
        {
            // A worker that had just taken a request (often a FORGET or RELEASE sent while the last file closed)
            // finds the connection gone as the file system is unmounted; the kernel reports that as ECONNABORTED.
            LogAbortRace(_logger, MountPoint);
            status = 0;
        }

        LogEnded(_logger, MountPoint, status);
        _completion.TrySetResult(status);
    }

    private async Task WaitUntilReadyAsync(FuseMountOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await _session.Ready.WaitAsync(options.InitTimeout, cancellationToken);
        }
        catch (Exception e)
        {
            RequestUnmount();
            try
            {
                await Completion.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            }
            catch (TimeoutException)
            {
                LogStillServing(_logger, MountPoint, TimeSpan.FromSeconds(10));
            }

            if (e is OperationCanceledException or FuseMountException)
            {
                throw;
            }

            throw new FuseMountException($"The kernel did not complete INIT on {MountPoint} within {options.InitTimeout.TotalSeconds:0} s.", e);
        }

        var entry = MountTable.Find(MountPoint);
        if (entry is not null && entry.FileSystemType.StartsWith("fuse", StringComparison.Ordinal))
        {
            _mountEntry = entry;
        }

        LogMounted(_logger, MountPoint, LibFuse.PackageVersion, _maxThreads);
    }

    private void UnmountWithFusermount()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("fusermount3", ["-u", "-z", "--", MountPoint]) { UseShellExecute = false });
            if (process is not null && !process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                LogUnmountFailed(_logger, MountPoint, "fusermount3 did not finish within 10 s");
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            LogUnmountFailed(_logger, MountPoint, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mounted {MountPoint} (libfuse {Version}, up to {MaxThreads} loop threads)")]
    private static partial void LogMounted(ILogger logger, string mountPoint, string version, uint maxThreads);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unmounting {MountPoint} (lazy: the session ends when the last open file is closed)")]
    private static partial void LogUnmounting(ILogger logger, string mountPoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unmounting {MountPoint} failed: {Reason}")]
    private static partial void LogUnmountFailed(ILogger logger, string mountPoint, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{MountPoint} is detached but still serves open files after {Timeout}; the session ends when they are closed")]
    private static partial void LogStillServing(ILogger logger, string mountPoint, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "The FUSE session on {MountPoint} ended (loop status {Status})")]
    private static partial void LogEnded(ILogger logger, string mountPoint, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The FUSE connection of {MountPoint} was aborted (loop status {Status}); unmounting the dead mount")]
    private static partial void LogDeadMount(ILogger logger, string mountPoint, int status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The loop of {MountPoint} saw ECONNABORTED while the unmounted file system was torn down; that is a clean end")]
    private static partial void LogAbortRace(ILogger logger, string mountPoint);

    [LoggerMessage(Level = LogLevel.Error, Message = "The FUSE loop failed")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
