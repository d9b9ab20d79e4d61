namespace ReplicaFs.Api.Hosting;

/// <summary>Runs a built server until Ctrl+C, SIGTERM or cancellation, and turns start-up failures into a readable message.</summary>
public static class ServerRunner
{
    /// <summary>Runs <paramref name="app"/>; returns the process exit code.</summary>
    public static async Task<int> RunAsync(WebApplication app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await app.StartAsync(cancellationToken);
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync($"error: cannot listen: {ex.Message}");
            return 2;
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            // Kestrel lets a bind error other than "in use" through unwrapped, e.g. an address this machine does not have.
            await Console.Error.WriteLineAsync($"error: cannot listen: {ex.Message} ({ex.SocketErrorCode})");
            return 2;
        }
        catch (StartupException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
