using System.CommandLine;
using Microsoft.Extensions.Logging;
using ReplicaFs.Fuse.Diagnostics;
using ReplicaFs.Fuse.Mounting;

namespace ReplicaFs.Fuse;

/// <summary>The command line of the FUSE client.</summary>
public static class MountCommand
{
    /// <summary>Builds the root command.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("ReplicaFs FUSE client: mounts the file system with quorum reads and writes.");
        root.Subcommands.Add(CreateMemfsCommand());
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. System.CommandLine's own Ctrl+C/SIGTERM handling is switched off:
    /// it would end the process after 2 s, while a mount must stay until its clean unmount is done.
    /// </summary>
    public static Task<int> RunAsync(string[] args) =>
        Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

    /// <summary><c>memfs &lt;mountpoint&gt; [--debug]</c>: a hidden diagnostic that serves an in-memory file system.</summary>
    private static Command CreateMemfsCommand()
    {
        var mountPoint = new Argument<string>("mountpoint") { Description = "An existing directory to mount on." };
        var debug = new Option<bool>("--debug") { Description = "Log every FUSE request and reply on stderr (libfuse -d)." };
        var noAutoUnmount = new Option<bool>("--no-auto-unmount")
        {
            Description = "Mount without the fusermount3 watchdog, so that a killed process leaves a dead mount (for tests of stale-mount recovery).",
            Hidden = true,
        };
        var command = new Command("memfs", "Mount an in-memory file system to test the FUSE binding; Ctrl+C or SIGTERM unmounts.")
        {
            Hidden = true,
        };
        command.Arguments.Add(mountPoint);
        command.Options.Add(debug);
        command.Options.Add(noAutoUnmount);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var isDebug = parse.GetValue(debug);
            using var loggerFactory = LoggerFactory.Create(logging => logging
                .SetMinimumLevel(isDebug ? LogLevel.Debug : LogLevel.Information)
                .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
                .AddSimpleConsole(format =>
                {
                    format.SingleLine = true;
                    format.TimestampFormat = "HH:mm:ss.fff ";
                }));
            var options = new FuseMountOptions
            {
                FileSystemName = "memfs",
                Subtype = "memfs",
                Debug = isDebug,
                AutoUnmount = !parse.GetValue(noAutoUnmount),
            };
            return await ForegroundMount.RunAsync(
                parse.GetRequiredValue(mountPoint),
                new MemoryFileSystem(),
                options,
                loggerFactory,
                Console.Out,
                Console.Error,
                cancellationToken);
        });
        return command;
    }
}
