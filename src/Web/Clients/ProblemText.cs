using System.Net;
using System.Text.Json;
using Refit;

namespace ReplicaFs.Web.Clients;

/// <summary>Turns failed calls into one sentence an operator can act on (title, detail and status of a ProblemDetails answer).</summary>
public static class ProblemText
{
    /// <summary>A readable description of <paramref name="error"/>.</summary>
    public static string Describe(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error switch
        {
            ApiException api => DescribeApi(api),
            ApiRequestException { InnerException: { } inner } => Describe(inner),
            ApiExceptionBase other => other.Message,
            HttpRequestException { InnerException: { } inner } http => $"cannot reach the server: {inner.Message}{StatusSuffix(http.StatusCode)}",
            HttpRequestException http => $"cannot reach the server: {http.Message}",
            TaskCanceledException or TimeoutException => "the server did not answer in time",
            _ => error.Message,
        };
    }

    private static string DescribeApi(ApiException api)
    {
        var status = $"HTTP {(int)api.StatusCode}";
        var (title, detail) = ReadProblem(api.Content);
        if (title is null && detail is null)
        {
            return api.StatusCode == HttpStatusCode.NotFound
                ? $"{status}: {api.RequestMessage?.RequestUri?.AbsolutePath ?? "the resource"} was not found"
                : $"{status} {api.ReasonPhrase}".TrimEnd();
        }

        return detail is null || detail == title ? $"{title} ({status})" : $"{title ?? status}: {detail} ({status})";
    }

    private static (string? Title, string? Detail) ReadProblem(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, Shorten(content));
            }

            return (Text(document.RootElement, "title"), Text(document.RootElement, "detail"));
        }
        catch (JsonException)
        {
            return (null, Shorten(content));
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Shorten(string text) => text.Length <= 300 ? text.Trim() : text[..300].Trim() + "…";

    private static string StatusSuffix(HttpStatusCode? status) => status is null ? string.Empty : $" (HTTP {(int)status})";
}
