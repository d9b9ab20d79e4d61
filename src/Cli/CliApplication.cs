using System.CommandLine;
using ReplicaFs.Cli.Cluster;
using ReplicaFs.Cli.Commands;
using ReplicaFs.Client.Http;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Cli;

/// <summary>
/// The operator CLI (<c>./replicafs status|kill|restore|corrupt|scrub|repair|events|fsck|demo</c>): parses the command
/// line, runs the command and turns failures into a message on stderr and an exit code (<see cref="ExitCodes"/>).
/// </summary>
internal static class CliApplication
{
    /// <summary>
    /// Builds the command tree for <paramref name="context"/>. The root is named <c>replicafs</c> (not after the
    /// assembly, as a RootCommand would be) so that help shows the commands as the launcher runs them.
    /// </summary>
    public static Command Create(CliContext context)
    {
        var global = new GlobalOptions();
        var root = new Command("replicafs", "ReplicaFs operator commands. They talk to the cluster's REST APIs; the cluster is the one of the state directory unless --meta names another.")
        {
            new System.CommandLine.Help.HelpOption(),
        };
        global.AddTo(root);
        root.Subcommands.Add(StatusCommand.Create(global, context));
        root.Subcommands.Add(KillCommand.Create(global, context));
        root.Subcommands.Add(RestoreCommand.Create(global, context));
        root.Subcommands.Add(CorruptCommand.Create(global, context));
        root.Subcommands.Add(ScrubCommand.Create(global, context));
        root.Subcommands.Add(RepairCommand.Create(global, context));
        root.Subcommands.Add(EventsCommand.Create(global, context));
        root.Subcommands.Add(FsckCommand.Create(global, context));
        root.Subcommands.Add(DemoCommand.Create(global, context));
        return root;
    }

    /// <summary>Runs <paramref name="args"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parse = Create(context).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await context.Error.WriteLineAsync($"replicafs: {error.Message}");
            }

            await context.Error.WriteLineAsync("Run './replicafs help' or add --help to the command for usage.");
            return ExitCodes.BadInput;
        }

        var invocation = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,

            // Signals are ProcessSignals' job: they cancel the token given here.
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (CliException ex)
        {
            return await FailAsync(context, ex.Message, ex.ExitCode);
        }
        catch (PosixException ex)
        {
            // The metadata server's answer, already a sentence (ReplicaFs.Client maps errors to errno and text).
            var transient = ex.Errno is Errno.EIO or Errno.EAGAIN or Errno.ETIMEDOUT;
            return await FailAsync(context, ex.Message, transient ? ExitCodes.Failed : ExitCodes.BadInput);
        }
        catch (Refit.ApiException ex)
        {
            // A server's error answer that no command turned into its own message.
            return await FailAsync(context, $"{ex.RequestMessage?.RequestUri} answered HTTP {(int)ex.StatusCode}: {ProblemText.Summarize(ex.Content)}", ExitCodes.Failed);
        }
        catch (HttpRequestException ex)
        {
            return await FailAsync(context, $"a server does not answer: {ex.Message}", ExitCodes.Failed);
        }
        catch (TaskCanceledException ex) when (ex.InnerException is TimeoutException)
        {
            return await FailAsync(context, $"a server did not answer in time: {ex.InnerException.Message}", ExitCodes.Failed);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return await FailAsync(context, "interrupted", ExitCodes.Interrupted);
        }
    }

    private static async Task<int> FailAsync(CliContext context, string message, int exitCode)
    {
        await context.Out.FlushAsync();
        await context.Error.WriteLineAsync($"replicafs: error: {message}");
        return exitCode;
    }
}
