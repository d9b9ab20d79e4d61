using System.CommandLine;
using ReplicaFs.Cli.Cluster;
using ReplicaFs.Cli.Output;
using ReplicaFs.Cli.Servers;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Cli.Commands;

/// <summary>
/// <c>kill &lt;server&gt; [--crash] [--no-wait]</c>: a local cluster's supervisor SIGKILLs the data server; any other
/// cluster (or with --crash) gets the crash fault (the server drops every chunk and answers 503 until restored).
/// </summary>
internal static class KillCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var server = new Argument<string>("server") { Description = "The data server: its name (data-3) or URL." };
        var crash = new Option<bool>("--crash") { Description = "Use the crash fault endpoint even when a local supervisor could SIGKILL the process." };
        var noWait = new Option<bool>("--no-wait") { Description = "Return at once instead of waiting until the metadata server sees the server down or crashed." };
        var timeout = WaitTimeoutOption.Create(60);
        var command = new Command(
            "kill",
            "Take a data server away: SIGKILL through the supervisor of a local cluster started by './replicafs up', else the crash fault (the server drops every chunk and answers 503 until restored). Then wait until the metadata server sees it.")
        {
            server,
            crash,
            noWait,
            timeout,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = await global.LocateAsync(parse, context, cancellationToken);
            await using var connection = ClusterConnection.Open(target);
            var servers = await connection.Meta.GetServersAsync(cancellationToken);
            var victim = ServerResolver.Resolve(servers, parse.GetRequiredValue(server));
            var who = Display.Server(victim);
            var killed = target.Supervisor is { } supervisor && !parse.GetValue(crash);
            if (killed)
            {
                var result = await ServerCalls.RunAsync(
                    $"the supervisor at {Display.Url(target.Supervisor!)}",
                    $"kill {victim.Name}",
                    () => connection.Supervisor(target.Supervisor!, "kill").KillAsync(victim.Name, cancellationToken));
                await context.Out.WriteLineAsync(result.Message);
            }
            else
            {
                if (victim.State is ServerState.Crashed or ServerState.Down)
                {
                    throw CliException.BadInput(
                        $"{who} is already {victim.State} at the metadata server: there is nothing to kill. Bring it back with: ./replicafs restore {victim.Name}");
                }

                target.RequireAdminToken("kill");
                await ServerCalls.RunAsync(
                    who,
                    "crash",
                    () => connection.Faults(victim.Url, "kill").CrashAsync(cancellationToken),
                    notFound: $"{who} has no fault endpoints: it runs without --enable-faults, so it cannot be crashed from here.");
                await context.Out.WriteLineAsync(
                    $"Crashed {who} (fault injection): it dropped its {Units.Count(victim.Stats.ChunkCount)} chunk versions ({Units.Bytes(victim.Stats.BytesStored)}) and answers 503 until restored.");
            }

            if (parse.GetValue(noWait))
            {
                return ExitCodes.Ok;
            }

            var expected = killed ? ServerState.Down : ServerState.Crashed;
            using var progress = new ProgressLine(context);
            var seen = await ServerStateWaiter.WaitAsync(
                connection.Meta,
                victim.Id,
                s => (s.State is ServerState.Down or ServerState.Crashed,
                    s.State is ServerState.Down or ServerState.Crashed
                        ? $"The metadata server lists {s.Name} as {s.State}."
                        : $"Waiting for the metadata server to notice: {s.Name} is {s.State}, last heartbeat {Units.Duration(DateTimeOffset.UtcNow - s.LastHeartbeat)} ago."),
                TimeSpan.FromSeconds(parse.GetValue(timeout)),
                $"the metadata server to list {victim.Name} as {expected}",
                progress,
                cancellationToken);
            await context.Out.WriteLineAsync(
                $"{seen.Name} is {seen.State} at the metadata server: reads and writes vote around it. Bring it back empty with: ./replicafs restore {seen.Name}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
