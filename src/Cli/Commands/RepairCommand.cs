using System.CommandLine;
using ReplicaFs.Cli.Checking;
using ReplicaFs.Cli.Cluster;
using ReplicaFs.Cli.Output;
using ReplicaFs.Cli.Servers;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Cli.Commands;

/// <summary>
/// <c>repair [path] [--qr N] [--json]</c>: asks every live data server to take up its rebuild and catch-up work now
/// (when the admin token is known), then verifies every replica of every file and repairs each stale, corrupt or
/// missing one from a good replica (ReplicaFs.Client's <c>FileVerifier</c>), checking its digest afterwards.
/// </summary>
internal static class RepairCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var runner = new CheckCommandRunner();
        var command = new Command(
            "repair",
            "Repair every bad replica now: live data servers are asked to check their rebuild and catch-up assignments (with the admin token), then every replica of every file (or of the files under PATH) is verified " +
            "and each stale, corrupt or missing one is copied from a good replica and verified again. Replicas on servers that do not answer cannot be repaired. " +
            "Exit code: 0 every replica good afterwards, 1 some still bad, 2 some file has fewer than Qr good replicas.");
        runner.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = await global.LocateAsync(parse, context, cancellationToken);
            await using var connection = ClusterConnection.Open(target);
            if (target.AdminToken is null)
            {
                await context.Error.WriteLineAsync("No admin token: the data servers are not asked to start their rebuild and catch-up work now (they do it on their own schedule).");
            }
            else
            {
                var servers = await connection.Meta.GetServersAsync(cancellationToken);
                foreach (var server in Display.InNameOrder(servers).Where(s => s.State is ServerState.Up or ServerState.Rebuilding))
                {
                    var who = Display.Server(server);
                    await ServerCalls.RunAsync(
                        who,
                        "rebuild",
                        () => connection.Admin(server.Url, "repair").StartRebuildAsync(cancellationToken),
                        notFound: $"{who} has no admin endpoints: it runs without an admin token");
                }
            }

            return await runner.RunAsync(parse, context, connection, repair: true, cancellationToken);
        });
        return command;
    }
}
