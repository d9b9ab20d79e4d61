using System.Diagnostics;
using System.Text;

namespace ReplicaFs.Testing.HttpFiles;

/// <summary>
/// Sends every request of an <see cref="HttpFile"/> in order to live servers and checks each status
/// (<c># @expect</c>, otherwise any 2xx). The first failure stops the run with an <see cref="HttpFileRunException"/>
/// naming the file, the line, the request, expected and actual status, and the response body.
/// </summary>
public sealed class HttpFileRunner
{
    /// <summary>Most characters of a response body quoted in a failure message.</summary>
    public const int MaxBodyInMessage = 4000;

    private readonly HttpClient _http;
    private readonly int _seed;

    /// <summary>Creates a runner sending through <paramref name="http"/> (which it does not own).</summary>
    /// <param name="http">The client; redirects are followed as REST Client does when the handler allows it.</param>
    /// <param name="seed">Seed of <c>{{$guid}}</c> and <c>{{$randomInt}}</c>.</param>
    public HttpFileRunner(HttpClient http, int seed = 1)
    {
        _http = http;
        _seed = seed;
    }

    /// <summary>Longest wait for one response.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="file"/> with <paramref name="overrides"/> replacing (or adding) file variables.</summary>
    /// <returns>Every exchange, in order.</returns>
    /// <exception cref="HttpFileRunException">A request could not be built or sent, or got an unexpected status.</exception>
    public async Task<IReadOnlyList<HttpExchange>> RunAsync(
        HttpFile file, IReadOnlyDictionary<string, string>? overrides = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var variables = new Dictionary<string, string>(file.Variables, StringComparer.Ordinal);
        foreach (var (name, value) in overrides ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        var resolver = new HttpVariableResolver(variables, _seed);
        var exchanges = new List<HttpExchange>();
        foreach (var request in file.Requests)
        {
            exchanges.Add(await SendAsync(file, request, resolver, cancellationToken));
        }

        return exchanges;
    }

    private async Task<HttpExchange> SendAsync(HttpFile file, HttpRequestTemplate request, HttpVariableResolver resolver, CancellationToken cancellationToken)
    {
        using var message = Build(file, request, resolver);
        var url = message.RequestUri!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        var watch = Stopwatch.StartNew();
        HttpResponseMessage? response = null;
        string body;
        try
        {
            response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            body = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            response?.Dispose();
            throw Failure(file, request, url, $"no response within {RequestTimeout.TotalSeconds:0} s", ex);
        }
        catch (HttpRequestException ex)
        {
            response?.Dispose();
            throw Failure(file, request, url, $"the request failed: {ex.Message}", ex);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (request.Name is { } name)
            {
                resolver.AddResponse(name, new HttpFileResponse(status, Headers(response), body));
            }

            if (!request.Accepts(status))
            {
                throw Failure(file, request, url,
                    $"expected status {request.Expectation}, got {status} {response.ReasonPhrase}\nresponse body:\n{Truncate(body)}");
            }

            return new HttpExchange(request, message.Method.Method, url, status, watch.Elapsed);
        }
    }

    private static HttpRequestMessage Build(HttpFile file, HttpRequestTemplate request, HttpVariableResolver resolver)
    {
        string urlText;
        List<KeyValuePair<string, string>> headers;
        string? body;
        try
        {
            urlText = resolver.Expand(request.Url);
            headers = [.. request.Headers.Select(h => KeyValuePair.Create(resolver.Expand(h.Key), resolver.Expand(h.Value)))];
            body = request.Body is null ? null : resolver.Expand(request.Body);
        }
        catch (Exception ex) when (ex is FormatException or KeyNotFoundException)
        {
            throw Failure(file, request, null, ex.Message, ex);
        }

        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw Failure(file, request, null, $"'{urlText}' is not an absolute http:// or https:// URL");
        }

        var message = new HttpRequestMessage(new HttpMethod(request.Method), url);
        var contentHeaders = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue; // computed by HttpClient from the body and the URL
            }

            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                contentHeaders.Add(new(name, value));
            }
        }

        if (body is not null || contentHeaders.Count > 0)
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body ?? string.Empty));
            foreach (var (name, value) in contentHeaders)
            {
                if (!content.Headers.TryAddWithoutValidation(name, value))
                {
                    message.Dispose();
                    content.Dispose();
                    throw Failure(file, request, url, $"header '{name}: {value}' is not valid");
                }
            }

            message.Content = content;
        }

        return message;
    }

    private static Dictionary<string, string> Headers(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat<KeyValuePair<string, IEnumerable<string>>>(response.Content.Headers))
        {
            headers[name] = string.Join(", ", values);
        }

        return headers;
    }

    private static HttpFileRunException Failure(HttpFile file, HttpRequestTemplate request, Uri? url, string problem, Exception? inner = null)
    {
        var sent = url is null ? string.Empty : $" (sent {request.Method} {url})";
        return new HttpFileRunException(file.Path, request.Line,
            $"{file.Path}:{request.Line}: {request.RequestLine}{sent}{(request.Name is null ? string.Empty : $" [@name {request.Name}]")}\n{problem}",
            inner);
    }

    private static string Truncate(string body) =>
        body.Length <= MaxBodyInMessage ? body : $"{body[..MaxBodyInMessage]}\n… ({body.Length - MaxBodyInMessage} more characters)";
}
