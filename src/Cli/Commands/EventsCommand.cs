using System.CommandLine;
using ReplicaFs.Cli.Cluster;
using ReplicaFs.Cli.Events;
using ReplicaFs.Cli.Output;
using ReplicaFs.Contracts.CommandLine;
using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Cli.Commands;

/// <summary><c>events [--follow] [--kind PREFIX] [--since ID] [--limit N] [--json]</c>: the cluster event log.</summary>
internal static class EventsCommand
{
    /// <summary>Events shown without --since or --limit.</summary>
    public const int DefaultCount = 20;

    public static Command Create(GlobalOptions global, CliContext context)
    {
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new events until Ctrl+C." };
        var kind = new Option<string?>("--kind") { Description = "Only kinds starting with this prefix, e.g. 'replica.' or 'server.down'." };
        var since = new Option<long?>("--since") { Description = "Events after this id (the first column), oldest first." };
        var limit = new Option<int?>("--limit", "-n") { Description = $"At most this many events: the newest ones (default {DefaultCount}), or the first ones after --since (default: all)." };
        var json = new Option<bool>("--json") { Description = "One JSON object per event and line." };
        var interval = new Option<double>("--interval")
        {
            Description = "Seconds between polls with --follow.",
            DefaultValueFactory = _ => 1,
        };
        since.Validators.Add(r =>
        {
            if (r.TryGetValue(out long? parsed) && parsed is < 0)
            {
                r.AddError("--since must be an event id (0 or more).");
            }
        });
        limit.Validators.Add(r =>
        {
            if (r.TryGetValue(out int? parsed) && parsed is < 1)
            {
                r.AddError("--limit must be at least 1.");
            }
        });
        interval.Validators.Add(r =>
        {
            if (r.TryGetValue(out double parsed) && parsed is < 0.1 or > 3600 or double.NaN)
            {
                r.AddError("--interval must be between 0.1 and 3600 seconds.");
            }
        });

        var command = new Command("events", "Print the cluster event log (times in UTC): the newest events, those after an id, or new ones as they come (--follow).")
        {
            follow,
            kind,
            since,
            limit,
            json,
            interval,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = await global.LocateAsync(parse, context, cancellationToken);
            await using var connection = ClusterConnection.Open(target);
            var reader = new EventReader(connection.Meta);
            var prefix = string.IsNullOrWhiteSpace(parse.GetValue(kind)) ? null : parse.GetValue(kind)!.Trim();
            var asJson = parse.GetValue(json);
            void Print(ClusterEvent e)
            {
                if (asJson)
                {
                    CliJson.Write(context.Out, e, oneLine: true);
                }
                else
                {
                    context.Out.WriteLine(EventFormatter.Format(e, DateTimeOffset.UtcNow));
                }
            }

            long cursor;
            if (parse.GetValue(since) is { } after)
            {
                var max = parse.GetValue(limit) ?? int.MaxValue;
                var printed = 0;
                cursor = after;
                await foreach (var e in reader.ReadAsync(after, prefix, cancellationToken))
                {
                    if (printed++ == max)
                    {
                        break;
                    }

                    // --follow continues after the last event printed, so nothing is skipped or shown twice.
                    Print(e);
                    cursor = e.Id;
                }
            }
            else
            {
                var (events, lastId) = await reader.TailAsync(parse.GetValue(limit) ?? DefaultCount, prefix, cancellationToken);
                foreach (var e in events)
                {
                    Print(e);
                }

                cursor = lastId;
            }

            await context.Out.FlushAsync(cancellationToken);
            if (!parse.GetValue(follow))
            {
                return ExitCodes.Ok;
            }

            if (!asJson)
            {
                await context.Error.WriteLineAsync($"Following the event log of {Display.Url(target.MetaUrl)} (after event {cursor}); Ctrl+C stops.");
            }

            var period = TimeSpan.FromSeconds(parse.GetValue(interval));
            try
            {
                await foreach (var e in reader.FollowAsync(cursor, prefix, period, Outage, cancellationToken))
                {
                    Print(e);
                    await context.Out.FlushAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C is how --follow ends.
            }

            return ExitCodes.Ok;
        });
        return command;

        void Outage(string? problem) =>
            context.Error.WriteLine(problem is null ? "The metadata server answers again." : $"{problem} Retrying until it answers (Ctrl+C stops).");
    }
}
