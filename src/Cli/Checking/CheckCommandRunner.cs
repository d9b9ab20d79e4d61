using System.CommandLine;
using ReplicaFs.Cli.Cluster;
using ReplicaFs.Cli.Files;
using ReplicaFs.Cli.Output;
using ReplicaFs.Client.Repair;

namespace ReplicaFs.Cli.Checking;

/// <summary>What <c>fsck</c> and <c>repair</c> share: their options, the check itself and the report.</summary>
internal sealed class CheckCommandRunner
{
    public Argument<string?> Path { get; } = new("path")
    {
        Description = "A file or directory in the cluster (default: /, every file).",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public Option<int?> ReadQuorum { get; } = new("--qr")
    {
        Description = "Judge files by this read quorum (default: the largest of the live clients' and the recorded mount's, else a majority of R).",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Print the report as JSON." };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Arguments.Add(Path);
        command.Options.Add(ReadQuorum);
        command.Options.Add(Json);
    }

    /// <summary>Checks (and with <paramref name="repair"/> repairs) the files, prints the report, returns the exit code.</summary>
    public async Task<int> RunAsync(ParseResult parse, CliContext context, ClusterConnection connection, bool repair, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(connection);
        var root = ClusterPaths.Normalize(parse.GetValue(Path));
        var config = await connection.Meta.GetConfigAsync(cancellationToken);
        var quorum = await Checking.ReadQuorum.ChooseAsync(parse.GetValue(ReadQuorum), config.Replicas, connection.Target, connection.Meta, cancellationToken);
        long? expected = root == "/" ? (await connection.Meta.GetHealthAsync(cancellationToken)).Files : null;

        var options = connection.ClientOptions(repair ? "replicafs repair" : "replicafs fsck") with
        {
            ClientName = $"replicafs-{(repair ? "repair" : "fsck")}:{Environment.MachineName}/{Environment.ProcessId}",
        };
        await using var verifier = FileVerifier.Create(options);
        await context.Error.WriteLineAsync(
            $"{(repair ? "Repairing" : "Checking")} every replica of every chunk of the files under {root} at {Display.Url(connection.Target.MetaUrl)} (R={config.Replicas}, Qr={quorum.Value})…");
        CheckReport report;
        using (var progress = new ProgressLine(context))
        {
            report = await new ReplicaCheck(connection.Meta, verifier).RunAsync(root, quorum, repair, expected, progress, cancellationToken);
        }

        var names = (await connection.Meta.GetServersAsync(cancellationToken)).ToDictionary(s => s.Id, s => s.Name);
        if (parse.GetValue(Json))
        {
            CheckRenderer.WriteJson(context.Out, report, names);
        }
        else
        {
            CheckRenderer.Write(context.Out, report, names);
        }

        return report.ExitCode;
    }
}
