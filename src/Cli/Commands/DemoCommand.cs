using System.CommandLine;
using ReplicaFs.Cli.Cluster;
using ReplicaFs.Cli.Demo;

namespace ReplicaFs.Cli.Commands;

/// <summary>
/// <c>demo --mount DIR</c>: the narrated walkthrough (<see cref="DemoRunner"/>) on the fresh local cluster that
/// <c>./replicafs demo</c> starts (and stops and removes afterwards). Refuses a cluster that is not local, not
/// supervised, or whose file system is not empty.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var mount = new Option<string>("--mount")
        {
            Description = "Where the cluster's file system is mounted (./replicafs demo passes the mount it started).",
            Required = true,
        };
        var command = new Command(
            "demo",
            "The seed's walkthrough, narrated and checked step by step, on a fresh local cluster with a mount. Run it as './replicafs demo', which starts that cluster, runs this, and cleans up. " +
            "Exit code: 0 every step behaved, 1 a step did not (it says which and why).")
        {
            mount,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = await global.LocateAsync(parse, context, cancellationToken);
            if (target.State is null || target.Supervisor is null)
            {
                throw CliException.BadInput(
                    "The demo runs on a local cluster with its supervisor (it kills and restores a data server): run it as './replicafs demo', which starts a fresh one.");
            }

            var mountPoint = context.FullPath(parse.GetRequiredValue(mount));
            await using var connection = ClusterConnection.Open(target);
            var narrator = new DemoNarrator(context, target.State.Path, DemoRunner.Steps);
            narrator.Say($"ReplicaFs demo on the local cluster of {target.State.Path}, mounted at {mountPoint}.");
            try
            {
                await new DemoRunner(connection, narrator, new MountedFiles(mountPoint)).RunAsync(cancellationToken);
            }
            catch (DemoStepFailedException ex)
            {
                await context.Out.FlushAsync(cancellationToken);
                await context.Error.WriteLineAsync($"replicafs: demo: {ex.Message}");
                return ExitCodes.Degraded;
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
