using System.Runtime.InteropServices;

namespace ReplicaFs.Cli;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM as a cancellation: the first one cancels <see cref="Token"/> so that the command stops
/// cleanly (exit code 130, or its own result for <c>--follow</c> and <c>--watch</c>); a second one ends the process
/// at once, in case a command does not stop.
/// </summary>
internal sealed class ProcessSignals : IDisposable
{
    private readonly CancellationTokenSource _interrupted = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    public ProcessSignals()
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _interrupted.Token;

    /// <inheritdoc />
    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _interrupted.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (_interrupted.IsCancellationRequested)
        {
            return;
        }

        context.Cancel = true;
        _interrupted.Cancel();
    }
}
