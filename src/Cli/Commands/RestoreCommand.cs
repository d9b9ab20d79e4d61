using System.CommandLine;
using System.Globalization;
using ReplicaFs.Cli.Cluster;
using ReplicaFs.Cli.Output;
using ReplicaFs.Cli.Servers;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Cli.Commands;

/// <summary>
/// <c>restore &lt;server&gt; [--no-wait] [--timeout S]</c>: bring a killed or crashed data server back empty and show
/// its rebuild until the metadata server lists it Up again.
/// </summary>
internal static class RestoreCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var server = new Argument<string>("server") { Description = "The data server: its name (data-3) or URL." };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the server is restarted instead of showing its rebuild until it is Up." };
        var timeout = WaitTimeoutOption.Create(3600);
        var command = new Command(
            "restore",
            "Bring a data server back empty: a killed process of a local cluster is started again by its supervisor (with an empty data directory), a crashed server is restored through its fault endpoint. It rebuilds its replicas from its peers; the rebuild is shown until the server is Up.")
        {
            server,
            noWait,
            timeout,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = await global.LocateAsync(parse, context, cancellationToken);
            await using var connection = ClusterConnection.Open(target);
            var servers = await connection.Meta.GetServersAsync(cancellationToken);
            var chosen = ServerResolver.Resolve(servers, parse.GetRequiredValue(server));
            var who = Display.Server(chosen);
            var started = DateTimeOffset.UtcNow;

            if (target.Supervisor is { } supervisorUrl && await SupervisedAndNotRunningAsync(connection, supervisorUrl, chosen, cancellationToken))
            {
                var result = await ServerCalls.RunAsync(
                    $"the supervisor at {Display.Url(supervisorUrl)}",
                    $"restore {chosen.Name}",
                    () => connection.Supervisor(supervisorUrl, "restore").RestoreAsync(chosen.Name, cancellationToken));
                await context.Out.WriteLineAsync(result.Message);
            }
            else
            {
                if (chosen.State == ServerState.Down)
                {
                    throw CliException.BadInput(
                        $"{who} is Down: its process does not answer, so its fault endpoint cannot restore it, and no supervisor of a local cluster runs it. " +
                        "Start the server again (with an empty --data-dir it rebuilds everything from its peers).");
                }

                await ServerCalls.RunAsync(
                    who,
                    "restore",
                    () => connection.Faults(chosen.Url, "restore").RestoreAsync(cancellationToken),
                    notFound: $"{who} has no fault endpoints: it runs without --enable-faults, so it cannot be restored from here.");
                await context.Out.WriteLineAsync($"Restored {who}: it came back empty with a new identity and rebuilds its replicas from its peers.");
            }

            if (parse.GetValue(noWait))
            {
                return ExitCodes.Ok;
            }

            using var progress = new ProgressLine(context);
            var up = await ServerStateWaiter.WaitAsync(
                connection.Meta,
                chosen.Id,
                s => Step(s, chosen.InstanceId, started),
                TimeSpan.FromSeconds(parse.GetValue(timeout)),
                $"{chosen.Name} to be Up again",
                progress,
                cancellationToken);
            var rebuild = await FinishedRebuildAsync(connection, up, cancellationToken);
            await context.Out.WriteLineAsync(Summary(up.Name, rebuild, started));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Whether the supervisor runs this server and it is not running now (killed or exited); a running one can only have crashed.</summary>
    private static async Task<bool> SupervisedAndNotRunningAsync(ClusterConnection connection, Uri supervisorUrl, DataServerInfo server, CancellationToken cancellationToken)
    {
        var processes = await ServerCalls.RunAsync(
            $"the supervisor at {Display.Url(supervisorUrl)}",
            "list its processes",
            () => connection.Supervisor(supervisorUrl, "restore").ListAsync(cancellationToken));
        var process = processes.FirstOrDefault(p => string.Equals(p.Name, server.Name, StringComparison.OrdinalIgnoreCase));
        if (process is null || process.IsAlive)
        {
            if (server.State != ServerState.Crashed)
            {
                throw CliException.BadInput($"{Display.Server(server)} is running and {server.State}: there is nothing to restore.");
            }

            return false;
        }

        return true;
    }

    private static (bool Done, string Progress) Step(DataServerInfo s, string oldInstance, DateTimeOffset started)
    {
        if (s.InstanceId == oldInstance)
        {
            return (false, $"Waiting for {s.Name} to register again (the metadata server lists it {s.State}).");
        }

        if (s.State == ServerState.Up)
        {
            return (true, $"{s.Name} is Up.");
        }

        if (s.Activity?.Rebuild is { } rebuild && rebuild.StartedAt >= started.AddSeconds(-5))
        {
            var elapsed = (rebuild.FinishedAt ?? DateTimeOffset.UtcNow) - rebuild.StartedAt;
            var failed = rebuild.Failed > 0 ? string.Create(CultureInfo.InvariantCulture, $", {rebuild.Failed} failed so far") : string.Empty;
            return (false, string.Create(
                CultureInfo.InvariantCulture,
                $"{s.Name} {s.State}: {rebuild.ChunksDone}/{rebuild.ChunksTotal} replicas, {Units.Bytes(rebuild.BytesDone)}/{Units.Bytes(rebuild.BytesTotal)} ({Units.Percent(rebuild.BytesDone, rebuild.BytesTotal)}), {Units.Rate(rebuild.BytesDone, elapsed)}{failed}"));
        }

        return (false, $"{s.Name} is {s.State}: waiting for its rebuild to report progress.");
    }

    /// <summary>
    /// The server's own figures of its rebuild: meta hears them with the heartbeats and may list the server Up while
    /// the last copies are still being counted, so the server is asked (for a few seconds) until its pass is over.
    /// </summary>
    private static async Task<RebuildProgress?> FinishedRebuildAsync(ClusterConnection connection, DataServerInfo up, CancellationToken cancellationToken)
    {
        var last = up.Activity?.Rebuild;
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                var status = await connection.Data(up.Url).GetStatusAsync(cancellationToken);
                last = status.Activity?.Rebuild ?? last;
                if (last is not { Active: true })
                {
                    return last;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or Refit.ApiException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // The figures from meta will do.
                return last;
            }

            await Task.Delay(ServerStateWaiter.PollInterval, cancellationToken);
        }

        return last;
    }

    private static string Summary(string name, RebuildProgress? rebuild, DateTimeOffset started)
    {
        var took = Units.Duration(DateTimeOffset.UtcNow - started);
        if (rebuild is not null && rebuild.StartedAt >= started.AddSeconds(-5))
        {
            var failed = rebuild.Failed > 0
                ? string.Create(CultureInfo.InvariantCulture, $"; {rebuild.Failed} could not be copied (see ./replicafs events --kind rebuild.).")
                : ".";
            return string.Create(
                CultureInfo.InvariantCulture,
                $"{name} is Up again after {took}: rebuilt {rebuild.ChunksDone} replicas ({Units.Bytes(rebuild.BytesDone)}) from its peers, each verified against its committed checksum{failed}");
        }

        return $"{name} is Up again after {took}: it had nothing to rebuild.";
    }
}
