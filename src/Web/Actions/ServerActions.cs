using System.Globalization;
using Refit;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Web.Clients;
using ReplicaFs.Web.Cluster;
using ReplicaFs.Web.Hosting;
using ReplicaFs.Web.Supervision;

namespace ReplicaFs.Web.Actions;

/// <summary>The dashboard's actions; see <see cref="IServerActions"/>. The admin token stays in this process.</summary>
public sealed class ServerActions(DashboardOptions options, DataServerClients dataServers, IClusterFeed feed, ISupervisedProcesses? supervisor = null) : IServerActions
{
    /// <inheritdoc />
    public DashboardMode Mode => options.Mode;

    /// <inheritdoc />
    public Task<string> KillAsync(ServerView server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        return RunAsync($"Kill {server.Name}", async () =>
        {
            if (UseSupervisor(server, out var local, out var name))
            {
                return (await local.KillAsync(name, cancellationToken)).Message;
            }

            var status = await dataServers.For(server.Url).Faults.CrashAsync(cancellationToken);
            return $"{server.Name} crashed (fault injection): it dropped its {status.Stats.ChunkCount} stored chunk version(s) and answers 503 until restored.";
        });
    }

    /// <inheritdoc />
    public Task<string> RestoreAsync(ServerView server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        return RunAsync($"Restore {server.Name}", async () =>
        {
            if (UseSupervisor(server, out var local, out var name))
            {
                return (await local.RestoreAsync(name, cancellationToken)).Message;
            }

            await dataServers.For(server.Url).Faults.RestoreAsync(cancellationToken);
            return $"{server.Name} restored: it came back empty with a new instance id and rebuilds its replicas from its peers.";
        });
    }

    /// <inheritdoc />
    public Task<string> ScrubAsync(ServerView server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        return RunAsync($"Scrub {server.Name}", async () =>
        {
            var progress = await dataServers.For(server.Url).Admin.StartScrubAsync(cancellationToken);
            return progress.Active
                ? $"Scrub of {server.Name} started: {progress.ChunksChecked.ToString(CultureInfo.InvariantCulture)} of {progress.ChunksTotal.ToString(CultureInfo.InvariantCulture)} chunk version(s) verified so far."
                : $"Scrub of {server.Name} finished: {progress.ChunksChecked.ToString(CultureInfo.InvariantCulture)} chunk version(s) verified, {progress.CorruptFound.ToString(CultureInfo.InvariantCulture)} corrupt.";
        });
    }

    /// <inheritdoc />
    public Task<string> CorruptAsync(string serverUrl, string serverName, long chunkId, long version, CancellationToken cancellationToken)
    {
        var key = ChunkKey.FromId(chunkId);
        return RunAsync($"Corrupt chunk {key} on {serverName}", async () =>
        {
            var result = await dataServers.For(serverUrl).Faults.CorruptAsync(new CorruptRequest(key, version), cancellationToken);
            return $"Flipped {result.Count.ToString(CultureInfo.InvariantCulture)} byte(s) of chunk {key} version {result.Version.ToString(CultureInfo.InvariantCulture)} on {serverName} at offset {result.Offset.ToString(CultureInfo.InvariantCulture)}; its recorded checksum no longer matches.";
        });
    }

    private bool UseSupervisor(ServerView server, out ISupervisedProcesses local, out string name)
    {
        if (options.Mode == DashboardMode.Local && supervisor is not null)
        {
            local = supervisor;
            name = server.Process?.Name
                ?? throw new DashboardActionException($"{server.Name} ({server.Url}) is not a process of this local cluster, so the supervisor cannot kill or restore it.");
            return true;
        }

        local = null!;
        name = string.Empty;
        return false;
    }

    private async Task<string> RunAsync(string what, Func<Task<string>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is ApiExceptionBase or HttpRequestException or SupervisorActionException or InvalidOperationException or TimeoutException || ex is TaskCanceledException)
        {
            throw new DashboardActionException($"{what} failed: {ProblemText.Describe(ex)}", ex);
        }
        finally
        {
            feed.RequestRefresh();
        }
    }
}
