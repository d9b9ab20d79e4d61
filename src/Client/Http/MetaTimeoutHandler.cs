namespace ReplicaFs.Client.Http;

/// <summary>
/// Bounds every metadata call by a timeout and turns every failure before an answer (unreachable, reset, no answer in
/// time) into the <see cref="Contracts.Posix.PosixException"/> (EIO) that <see cref="MetaErrors"/> describes. Doing it
/// here rather than only in Refit's transport exception factory matters: Refit applies that factory to calls that
/// return a value but lets the raw exception through for calls that return nothing (unlink, rename, rmdir, ending a
/// session …), which would otherwise escape as an <see cref="HttpRequestException"/> or <see cref="TimeoutException"/>.
/// </summary>
internal sealed class MetaTimeoutHandler(TimeSpan timeout) : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            var response = await base.SendAsync(request, timeoutSource.Token);

            // The body of a metadata answer is small: read it under the same deadline.
            await response.Content.LoadIntoBufferAsync(timeoutSource.Token);
            return response;
        }
        catch (OperationCanceledException ex) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw MetaErrors.FromTransport(request, new TimeoutException($"no answer within {timeout.TotalSeconds:0.###} s", ex), cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw MetaErrors.FromTransport(request, ex, cancellationToken);
        }
    }
}
