using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using ReplicaFs.Fuse.FileSystem;

namespace ReplicaFs.Fuse.Mounting;

/// <summary>
/// Serves a mount in the foreground until Ctrl+C, SIGTERM, SIGHUP or SIGQUIT, then unmounts cleanly. libfuse's own
/// signal handlers do not work in .NET (the runtime owns SIGINT/SIGTERM), so the signals are taken with
/// <see cref="PosixSignalRegistration"/>: the handler cancels the default termination and starts a lazy unmount; the
/// process exits 0 once the session has ended. A SIGKILL is covered by <see cref="FuseMountOptions.AutoUnmount"/>.
/// </summary>
public static partial class ForegroundMount
{
    /// <summary>Mounts, prints one line on <paramref name="output"/>, waits for a signal, unmounts.</summary>
    /// <returns>0 after a clean unmount; 1 when mounting failed (the reason is written to <paramref name="error"/>) or the loop failed.</returns>
    public static Task<int> RunAsync(
        string mountPoint,
        FuseFileSystem fileSystem,
        FuseMountOptions options,
        ILoggerFactory loggerFactory,
        TextWriter output,
        TextWriter error,
        CancellationToken cancellationToken = default) =>
        RunAsync(mountPoint, fileSystem, options, loggerFactory, output, error, mounted: null, cancellationToken);

    /// <summary>
    /// Like <see cref="RunAsync(string, FuseFileSystem, FuseMountOptions, ILoggerFactory, TextWriter, TextWriter, CancellationToken)"/>;
    /// <paramref name="mounted"/> runs once the mount is up, before the line is printed (e.g. to hand the mount to the
    /// file system for cache invalidations).
    /// </summary>
    public static async Task<int> RunAsync(
        string mountPoint,
        FuseFileSystem fileSystem,
        FuseMountOptions options,
        ILoggerFactory loggerFactory,
        TextWriter output,
        TextWriter error,
        Action<FuseMount>? mounted,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var logger = loggerFactory.CreateLogger(typeof(ForegroundMount));
        FuseMount? mount = null;
        var stopRequested = 0;

        void Stop(string reason)
        {
            LogStopping(logger, reason);
            Volatile.Write(ref stopRequested, 1);
            Volatile.Read(ref mount)?.RequestUnmount();
        }

        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            Stop(context.Signal.ToString());
        }

        void OnProcessExit(object? sender, EventArgs e) => Volatile.Read(ref mount)?.RequestUnmount();

        // Registered before mounting so that a signal during the mount is not lost; kept alive until the end.
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
        using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);
        using var cancellation = cancellationToken.Register(() => Stop("cancellation"));
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        try
        {
            try
            {
                Volatile.Write(ref mount, await FuseMount.MountAsync(mountPoint, fileSystem, options, loggerFactory, cancellationToken));
            }
            catch (FuseMountException e)
            {
                await error.WriteLineAsync(e.Message);
                return 1;
            }
            catch (OperationCanceledException)
            {
                return 1;
            }

            mounted?.Invoke(mount!);
            await output.WriteLineAsync($"{options.FileSystemName} mounted at {mount!.MountPoint}; Ctrl+C or SIGTERM unmounts.");
            await output.FlushAsync(CancellationToken.None);
            if (Volatile.Read(ref stopRequested) == 1)
            {
                mount.RequestUnmount();
            }

            var status = await mount.Completion;
            await output.WriteLineAsync($"{mount.MountPoint} unmounted.");
            await output.FlushAsync(CancellationToken.None);
            return status == 0 ? 0 : 1;
        }
        finally
        {
            AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Reason}: unmounting")]
    private static partial void LogStopping(ILogger logger, string reason);
}
