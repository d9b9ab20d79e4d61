namespace ReplicaFs.Client.Http;

/// <summary>
/// Bounds every metadata call by a timeout. When it expires (and the caller did not cancel), the call fails with a
/// <see cref="TimeoutException"/> that <see cref="MetaErrors"/> turns into EIO with a clear message.
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
            throw new TimeoutException($"no answer within {timeout.TotalSeconds:0.###} s", ex);
        }
    }
}
