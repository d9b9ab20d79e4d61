using System.CommandLine;
using ReplicaFs.Cli.Cluster;
using ReplicaFs.Cli.Output;
using ReplicaFs.Cli.Status;
using ReplicaFs.Contracts.CommandLine;

namespace ReplicaFs.Cli.Commands;

/// <summary><c>status [--json] [--watch] [--interval S]</c>: health, data servers, counts, replica matrix, client sessions.</summary>
internal static class StatusCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print the snapshot as JSON (one line per refresh with --watch)." };
        var watch = new Option<bool>("--watch", "-w") { Description = "Refresh until Ctrl+C." };
        var interval = new Option<double>("--interval")
        {
            Description = "Seconds between refreshes with --watch.",
            DefaultValueFactory = _ => 2,
        };
        interval.Validators.Add(r =>
        {
            if (r.TryGetValue(out double parsed) && parsed is < 0.2 or > 3600 or double.NaN)
            {
                r.AddError("--interval must be between 0.2 and 3600 seconds.");
            }
        });

        var command = new Command(
            "status",
            "Show the cluster's health (HEALTHY, DEGRADED or UNAVAILABLE, with reasons), its data servers, replica counts, the replica matrix and client sessions. Exit code: 0 healthy, 1 degraded, 2 unavailable.")
        {
            json,
            watch,
            interval,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = await global.LocateAsync(parse, context, cancellationToken);
            await using var connection = ClusterConnection.Open(target);
            var asJson = parse.GetValue(json);
            if (!parse.GetValue(watch))
            {
                var snapshot = await StatusReader.ReadAsync(connection.Meta, target.MetaUrl, cancellationToken);
                Write(context, snapshot, asJson, oneLine: false);
                return snapshot.ExitCode;
            }

            var exitCode = ExitCodes.Unavailable;
            var first = true;
            var period = TimeSpan.FromSeconds(parse.GetValue(interval));
            try
            {
                while (true)
                {
                    var snapshot = await StatusReader.ReadAsync(connection.Meta, target.MetaUrl, cancellationToken);
                    exitCode = snapshot.ExitCode;
                    if (!asJson && context.OutIsTerminal)
                    {
                        // Home and clear: the snapshot replaces the previous one.
                        context.Out.Write("\u001b[H\u001b[2J");
                    }
                    else if (!asJson && !first)
                    {
                        context.Out.WriteLine();
                    }

                    Write(context, snapshot, asJson, oneLine: true);
                    if (!asJson)
                    {
                        context.Out.WriteLine();
                        context.Out.WriteLine($"Refreshing every {Units.Duration(period)} at {Units.Time(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow)}; Ctrl+C stops.");
                    }

                    await context.Out.FlushAsync(cancellationToken);
                    first = false;
                    await Task.Delay(period, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return exitCode;
            }
        });
        return command;
    }

    private static void Write(CliContext context, StatusSnapshot snapshot, bool json, bool oneLine)
    {
        if (json)
        {
            CliJson.Write(context.Out, snapshot, oneLine);
        }
        else
        {
            StatusRenderer.Write(context.Out, snapshot, DateTimeOffset.UtcNow);
        }
    }
}
