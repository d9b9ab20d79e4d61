using ReplicaFs.Cli.Output;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Cli.Servers;

/// <summary>Polls the metadata server's view of one data server until a condition holds, showing progress.</summary>
internal static class ServerStateWaiter
{
    /// <summary>How often the metadata server is asked.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Asks for server <paramref name="serverId"/> until <paramref name="step"/> says it is done (and returns that view),
    /// reporting its text on <paramref name="progress"/>. A metadata server that does not answer is shown and asked again;
    /// after <paramref name="timeout"/> a <see cref="CliException"/> says what was last seen.
    /// </summary>
    public static async Task<DataServerInfo> WaitAsync(
        IClusterApi meta,
        int serverId,
        Func<DataServerInfo, (bool Done, string Progress)> step,
        TimeSpan timeout,
        string waitingFor,
        ProgressLine progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(progress);
        var deadline = DateTimeOffset.UtcNow + timeout;
        var last = "nothing yet";
        while (true)
        {
            try
            {
                var server = await meta.GetServerAsync(serverId, cancellationToken);
                var (done, text) = step(server);
                last = text;
                progress.Report(text);
                if (done)
                {
                    progress.Complete(text);
                    return server;
                }
            }
            catch (PosixException ex) when (ex.Errno is Errno.EIO or Errno.EAGAIN)
            {
                last = ex.Message;
                progress.Report(ex.Message);
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                progress.Complete();
                throw CliException.Failed($"Timed out after {Units.Duration(timeout)} waiting for {waitingFor}. Last seen: {last}");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}
