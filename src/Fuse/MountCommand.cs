using System.CommandLine;
using Microsoft.Extensions.Logging;
using ReplicaFs.Fuse.Diagnostics;
using ReplicaFs.Fuse.Mounting;
using ReplicaFs.Fuse.ReplicaFs;

namespace ReplicaFs.Fuse;

/// <summary>The command line of the FUSE client.</summary>
public static class MountCommand
{
    /// <summary>Builds the root command.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("ReplicaFs FUSE client: mounts the file system with quorum reads and writes.");
        root.Subcommands.Add(CreateMountCommand());
        root.Subcommands.Add(CreateMemfsCommand());
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. System.CommandLine's own Ctrl+C/SIGTERM handling is switched off:
    /// it would end the process after 2 s, while a mount must stay until its clean unmount is done.
    /// </summary>
    public static Task<int> RunAsync(string[] args) =>
        Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

    /// <summary>
    /// <c>mount &lt;mountpoint&gt; [--qr Q] [--qw Q] [--meta URL] [--attr-timeout S] [--entry-timeout S]
    /// [--negative-timeout S] [--debug]</c>, or the seed's <c>mount &lt;mountpoint&gt; &lt;Qr&gt; &lt;Qw&gt;
    /// &lt;meta-port&gt; [&lt;data-port&gt;...]</c>.
    /// </summary>
    private static Command CreateMountCommand()
    {
        var mountPoint = new Argument<string>("mountpoint") { Description = "An existing directory to mount on." };
        var positional = new Argument<string[]>("Qr Qw meta-port data-ports")
        {
            Description = "The seed's form: read quorum, write quorum, the metadata server's port on 127.0.0.1, and data server ports (only checked against what the metadata server knows).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var readQuorum = new Option<int?>("--qr") { Description = "Read quorum Qr: replicas that must agree for a read (default: a majority of the cluster's replica count, 3 of 4)." };
        var writeQuorum = new Option<int?>("--qw") { Description = "Write quorum Qw: replicas that must store a write before it commits (default: a majority, 3 of 4)." };
        var meta = new Option<string?>("--meta") { Description = $"The metadata server's URL (default {MountSettings.DefaultMetaUrl.ToString().TrimEnd('/')}; a bare port means 127.0.0.1)." };
        var attributeTimeout = new Option<double>("--attr-timeout") { Description = "Seconds the kernel caches attributes (default 1).", DefaultValueFactory = _ => 1 };
        var entryTimeout = new Option<double>("--entry-timeout") { Description = "Seconds the kernel caches names (default 1).", DefaultValueFactory = _ => 1 };
        var negativeTimeout = new Option<double>("--negative-timeout") { Description = "Seconds the kernel remembers a missing name (default 1; 0: ask every time).", DefaultValueFactory = _ => 1 };
        var debug = new Option<bool>("--debug") { Description = "Log every FUSE request and reply on stderr (libfuse -d) and debug messages." };
        var command = new Command("mount", "Mount ReplicaFs in the foreground: quorum reads and writes over the cluster's replicas; Ctrl+C or SIGTERM unmounts.");
        command.Arguments.Add(mountPoint);
        command.Arguments.Add(positional);
        command.Options.Add(readQuorum);
        command.Options.Add(writeQuorum);
        command.Options.Add(meta);
        command.Options.Add(attributeTimeout);
        command.Options.Add(entryTimeout);
        command.Options.Add(negativeTimeout);
        command.Options.Add(debug);
        command.SetAction(async (parse, cancellationToken) =>
        {
            MountSettings settings;
            try
            {
                settings = MountSettings.Create(
                    parse.GetRequiredValue(mountPoint),
                    parse.GetValue(positional) ?? [],
                    parse.GetValue(readQuorum),
                    parse.GetValue(writeQuorum),
                    parse.GetValue(meta),
                    parse.GetValue(attributeTimeout),
                    parse.GetValue(entryTimeout),
                    parse.GetValue(negativeTimeout),
                    parse.GetValue(debug));
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return ReplicaFsMount.UsageError;
            }

            using var loggerFactory = CreateLoggerFactory(settings.Debug);
            return await ReplicaFsMount.RunAsync(settings, loggerFactory, Console.Out, Console.Error, cancellationToken);
        });
        return command;
    }

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
            using var loggerFactory = CreateLoggerFactory(isDebug);
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

    /// <summary>Single-line logs on stderr (stdout carries the mount's own messages).</summary>
    private static ILoggerFactory CreateLoggerFactory(bool debug) =>
        LoggerFactory.Create(logging => logging
            .SetMinimumLevel(debug ? LogLevel.Debug : LogLevel.Information)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(format =>
            {
                format.SingleLine = true;
                format.TimestampFormat = "HH:mm:ss.fff ";
            }));
}
