using System.Net;
using Refit;
using ReplicaFs.Client.Http;

namespace ReplicaFs.Cli.Servers;

/// <summary>
/// Calls to a data server (or the supervisor) with errors turned into messages an operator can act on: a refused
/// admin token, a missing endpoint, the server's own ProblemDetails text, or that it does not answer.
/// </summary>
internal static class ServerCalls
{
    /// <summary>Runs <paramref name="call"/>; failures become <see cref="CliException"/>s naming <paramref name="who"/> and <paramref name="what"/>.</summary>
    /// <param name="who">"data-3 (http://…)".</param>
    /// <param name="what">What was asked, e.g. "crash".</param>
    /// <param name="call">The call.</param>
    /// <param name="notFound">The message for a 404, when it means something particular (e.g. faults are not enabled).</param>
    public static async Task<T> RunAsync<T>(string who, string what, Func<Task<T>> call, string? notFound = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call();
        }
        catch (ApiException ex)
        {
            throw Describe(ex, who, what, notFound);
        }
        catch (HttpRequestException ex)
        {
            throw CliException.Failed($"{who} does not answer ({what}): {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (ex.InnerException is TimeoutException)
        {
            throw CliException.Failed($"{who} did not answer within {Cluster.ClusterConnection.ServerCallTimeout.TotalSeconds:0} s ({what}).", ex);
        }
    }

    /// <summary>The message for an error answer.</summary>
    public static CliException Describe(ApiException ex, string who, string what, string? notFound = null)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var detail = ProblemText.Summarize(ex.Content);
        var status = (int)ex.StatusCode;
        return ex.StatusCode switch
        {
            HttpStatusCode.Unauthorized => CliException.BadInput($"{who} wants the admin token for {what} and got none."),
            HttpStatusCode.Forbidden => CliException.BadInput($"{who} refused the admin token ({what}): it is not this cluster's token."),
            HttpStatusCode.NotFound when notFound is not null => CliException.BadInput($"{notFound} ({detail})"),
            _ when status is >= 400 and < 500 => CliException.BadInput($"{who} refused {what} (HTTP {status}): {detail}"),
            _ => CliException.Failed($"{who} failed {what} (HTTP {status}): {detail}"),
        };
    }
}
