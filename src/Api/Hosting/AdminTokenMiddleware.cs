namespace ReplicaFs.Api.Hosting;

/// <summary>
/// The one place the admin token is checked: refuses a request whose endpoint carries an <see cref="AdminTokenGuard"/>
/// before the endpoint runs, so that a caller without the token gets 401 or 403 and never a validation answer about a
/// body the server should not have read (endpoint filters would run only after the body is bound).
/// </summary>
public sealed class AdminTokenMiddleware(RequestDelegate next)
{
    /// <summary>Refuses the request when its endpoint needs the admin token and it does not carry it.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GetEndpoint()?.Metadata.GetMetadata<AdminTokenGuard>() is { } guard && guard.Refusal(context) is { } refusal)
        {
            await refusal.ExecuteAsync(context);
            return;
        }

        await next(context);
    }
}
