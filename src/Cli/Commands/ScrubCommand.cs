using System.CommandLine;
using System.Globalization;
using ReplicaFs.Cli.Cluster;
using ReplicaFs.Cli.Events;
using ReplicaFs.Cli.Output;
using ReplicaFs.Cli.Servers;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Cli.Commands;

/// <summary>
/// <c>scrub [server] [--no-wait] [--timeout S] [--json]</c>: start a scrub pass on one or every live data server
/// (<c>POST /api/admin/scrub</c>), show the passes' progress until they finish, then print their findings from the event log.
/// </summary>
internal static class ScrubCommand
{
    /// <summary>How long to wait for the servers' <c>scrub.finished</c> events after their passes ended (they are posted right after).</summary>
    private static readonly TimeSpan EventGrace = TimeSpan.FromSeconds(10);

    public static Command Create(GlobalOptions global, CliContext context)
    {
        var server = new Argument<string?>("server") { Description = "One data server (name or URL); default: every data server that is up.", Arity = ArgumentArity.ZeroOrOne };
        var noWait = new Option<bool>("--no-wait") { Description = "Start the passes and return." };
        var timeout = WaitTimeoutOption.Create(3600);
        var json = new Option<bool>("--json") { Description = "Print the passes and their findings as JSON." };
        var command = new Command(
            "scrub",
            "Re-verify every stored chunk version on one or every data server now (each server hashes its chunks from disk), show the progress, and print what was found. Corrupt replicas are reported to the metadata server and repaired by the servers from their peers. Exit code 1 when corruption was found.")
        {
            server,
            noWait,
            timeout,
            json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = await global.LocateAsync(parse, context, cancellationToken);
            target.RequireAdminToken("scrub");
            await using var connection = ClusterConnection.Open(target);
            var all = Display.InNameOrder(await connection.Meta.GetServersAsync(cancellationToken));
            IReadOnlyList<DataServerInfo> targets;
            if (parse.GetValue(server) is { } name)
            {
                targets = [ServerResolver.Resolve(all, name)];
            }
            else
            {
                targets = [.. all.Where(s => s.State is ServerState.Up or ServerState.Rebuilding)];
                foreach (var skipped in all.Except(targets))
                {
                    await context.Error.WriteLineAsync($"Skipping {Display.Server(skipped)}: it is {skipped.State}.");
                }

                if (targets.Count == 0)
                {
                    throw CliException.Failed("No data server is up to scrub.");
                }
            }

            var events = new EventReader(connection.Meta);
            var firstEvent = await events.LastIdAsync(cancellationToken);
            var passes = new List<Pass>();
            foreach (var s in targets)
            {
                var who = Display.Server(s);
                var started = await ServerCalls.RunAsync(
                    who,
                    "scrub",
                    () => connection.Admin(s.Url, "scrub").StartScrubAsync(cancellationToken),
                    notFound: $"{who} has no admin endpoints: it runs without an admin token");
                passes.Add(new Pass(s, started));
                var already = started.ChunksChecked > 0 ? $" (a pass was already under way since {Units.Time(started.StartedAt, DateTimeOffset.UtcNow)}: following it)" : string.Empty;
                await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Scrubbing {who}: {Units.Count(started.ChunksTotal)} chunk versions{already}."));
            }

            if (parse.GetValue(noWait))
            {
                await context.Out.WriteLineAsync($"Scrub passes started on {string.Join(", ", targets.Select(t => t.Name))}; follow them with ./replicafs status and ./replicafs events --kind scrub.");
                return ExitCodes.Ok;
            }

            await FollowAsync(connection, passes, TimeSpan.FromSeconds(parse.GetValue(timeout)), context, cancellationToken);
            var findings = await FindingsAsync(events, firstEvent, passes, cancellationToken);
            var corrupt = passes.Sum(p => p.Final?.CorruptFound ?? 0);
            if (parse.GetValue(json))
            {
                CliJson.Write(context.Out, new
                {
                    servers = passes.Select(p => new { name = p.Server.Name, url = p.Server.Url, pass = p.Final }),
                    corruptFound = corrupt,
                    findings,
                });
            }
            else
            {
                Report(context.Out, passes, findings, corrupt);
            }

            return corrupt > 0 ? ExitCodes.Degraded : ExitCodes.Ok;
        });
        return command;
    }

    private static async Task FollowAsync(ClusterConnection connection, List<Pass> passes, TimeSpan timeout, CliContext context, CancellationToken cancellationToken)
    {
        using var progress = new ProgressLine(context);
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            foreach (var pass in passes.Where(p => p.Final is null))
            {
                try
                {
                    var status = await connection.Data(pass.Server.Url).GetStatusAsync(cancellationToken);
                    if (status.Activity?.Scrub is { } scrub)
                    {
                        pass.Seen(scrub);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or Refit.ApiException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    pass.Problem = $"{pass.Server.Name} does not answer: {ex.Message}";
                }
            }

            var text = Progress(passes);
            if (passes.All(p => p.Final is not null))
            {
                progress.Complete(text);
                return;
            }

            progress.Report(text);
            if (DateTimeOffset.UtcNow >= deadline)
            {
                progress.Complete();
                throw CliException.Failed($"Timed out after {Units.Duration(timeout)} waiting for the scrub passes to finish. Last seen: {text}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    private static string Progress(List<Pass> passes)
    {
        var latest = passes.Select(p => p.Final ?? p.Latest).ToList();
        var checkedCount = latest.Sum(p => p.ChunksChecked);
        var total = latest.Sum(p => p.ChunksTotal);
        var bytes = latest.Sum(p => p.BytesChecked);
        var corrupt = latest.Sum(p => p.CorruptFound);
        var each = string.Join(", ", passes.Select(p => p.Final is not null ? $"{p.Server.Name} done" : p.Problem ?? $"{p.Server.Name} {Units.Percent(p.Latest.ChunksChecked, p.Latest.ChunksTotal)}"));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Scrub: {Units.Count(checkedCount)}/{Units.Count(total)} chunk versions ({Units.Percent(checkedCount, total)}), {Units.Bytes(bytes)} re-verified, {corrupt} corrupt [{each}]");
    }

    private static async Task<IReadOnlyList<ClusterEvent>> FindingsAsync(EventReader events, long after, List<Pass> passes, CancellationToken cancellationToken)
    {
        var names = passes.Select(p => p.Server.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var found = new List<ClusterEvent>();
        var finished = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var deadline = DateTimeOffset.UtcNow + EventGrace;
        var cursor = after;
        while (true)
        {
            await foreach (var e in events.ReadAsync(cursor, "scrub.", cancellationToken))
            {
                cursor = e.Id;
                if (!names.Contains(e.Source))
                {
                    continue;
                }

                found.Add(e);
                if (e.Kind == EventKinds.ScrubFinished)
                {
                    finished.Add(e.Source);
                }
            }

            if (finished.IsSupersetOf(names) || DateTimeOffset.UtcNow >= deadline)
            {
                return found;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    private static void Report(TextWriter writer, List<Pass> passes, IReadOnlyList<ClusterEvent> findings, long corrupt)
    {
        var table = new TextTable("SERVER", ">CHUNK VERSIONS", ">BYTES", ">CORRUPT", ">TOOK");
        foreach (var pass in passes)
        {
            var final = pass.Final!;
            table.AddRow(
                pass.Server.Name,
                string.Create(CultureInfo.InvariantCulture, $"{Units.Count(final.ChunksChecked)}/{Units.Count(final.ChunksTotal)}"),
                Units.Bytes(final.BytesChecked),
                Units.Count(final.CorruptFound),
                Units.Duration((final.FinishedAt ?? final.StartedAt) - final.StartedAt));
        }

        table.WriteTo(writer);
        var now = DateTimeOffset.UtcNow;
        var corruptFindings = findings.Where(f => f.Kind == EventKinds.ScrubFinding).ToList();
        if (corruptFindings.Count > 0)
        {
            writer.WriteLine();
            writer.WriteLine("Findings:");
            foreach (var finding in corruptFindings)
            {
                writer.WriteLine(EventFormatter.Format(finding, now));
            }
        }

        writer.WriteLine();
        writer.WriteLine(corrupt == 0
            ? $"Every chunk version on {string.Join(", ", passes.Select(p => p.Server.Name))} hashes to its recorded checksum."
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{corrupt} corrupt chunk version(s) found. A corrupt replica of a committed chunk is reported to the metadata server and repaired by its server from a good replica (./replicafs events --kind repair. shows the repairs; ./replicafs fsck verifies every replica)."));
    }

    /// <summary>One server's scrub pass as it is followed.</summary>
    private sealed class Pass(DataServerInfo server, ScrubProgress started)
    {
        public DataServerInfo Server { get; } = server;

        public ScrubProgress Started { get; } = started;

        public ScrubProgress Latest { get; private set; } = started;

        public ScrubProgress? Final { get; private set; }

        public string? Problem { get; set; }

        /// <summary>The server's current or last pass: ours while it has our start time; a later start means ours ended.</summary>
        public void Seen(ScrubProgress scrub)
        {
            Problem = null;
            if (scrub.StartedAt == Started.StartedAt)
            {
                Latest = scrub;
                if (!scrub.Active)
                {
                    Final = scrub;
                }
            }
            else if (scrub.StartedAt > Started.StartedAt)
            {
                Final = Latest with { Active = false, FinishedAt = Latest.FinishedAt ?? scrub.StartedAt };
            }
        }
    }
}
