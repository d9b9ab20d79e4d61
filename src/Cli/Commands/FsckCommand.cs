using System.CommandLine;
using ReplicaFs.Cli.Checking;
using ReplicaFs.Cli.Cluster;

namespace ReplicaFs.Cli.Commands;

/// <summary>
/// <c>fsck [path] [--qr N] [--json]</c>: every data server recomputes the digest of every replica it holds of every
/// chunk of every file, compared with the committed version and checksum. Changes nothing.
/// </summary>
internal static class FsckCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var runner = new CheckCommandRunner();
        var command = new Command(
            "fsck",
            "Verify every replica of every chunk of every file (or of the files under PATH) against its committed version and checksum, each data server hashing what it stores; print the bad replicas and a summary. Changes nothing. " +
            "Exit code: 0 every replica good, 1 some replica bad but every file has Qr good replicas of each chunk, 2 some file has fewer.");
        runner.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = await global.LocateAsync(parse, context, cancellationToken);
            await using var connection = ClusterConnection.Open(target);
            return await runner.RunAsync(parse, context, connection, repair: false, cancellationToken);
        });
        return command;
    }
}
