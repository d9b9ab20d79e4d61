using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace ReplicaFs.Api.Tests.Hostile;

/// <summary>
/// HTTP/1.1 over a plain loopback socket, one request per connection, with the request bytes exactly as given: no
/// normalisation of dot segments, no escaping, any header or body, lengths that lie. HttpClient would clean up most of
/// what a hostile client sends, so the hostile-input tests speak the protocol themselves.
/// </summary>
internal static class RawHttp
{
    /// <summary>Largest response body kept (the rest is read and dropped).</summary>
    private const int MaxKeptBody = 256 * 1024;

    /// <summary>
    /// Sends <paramref name="head"/> (request line and headers, without the blank line) and <paramref name="body"/>,
    /// then reads the response. <c>Connection: close</c> is added. A connection the server drops without an answer
    /// is reported as status 0 with the reason in <see cref="RawResponse.Error"/>.
    /// </summary>
    public static async Task<RawResponse> SendAsync(Uri server, string head, ReadOnlyMemory<byte> body, bool expectBody, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(head);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(server.Host, server.Port, deadline.Token);
            var stream = client.GetStream();
            var bytes = Encoding.Latin1.GetBytes(head.TrimEnd('\r', '\n') + "\r\nConnection: close\r\n\r\n");
            try
            {
                await stream.WriteAsync(bytes, deadline.Token);
                if (!body.IsEmpty)
                {
                    await stream.WriteAsync(body, deadline.Token);
                }
            }
            catch (IOException)
            {
                // The server may answer (413, 431) and close before it read everything; its answer is still there.
            }

            return await ReadResponseAsync(stream, expectBody, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new RawResponse(0, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase), [], $"no answer within {timeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            return new RawResponse(0, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase), [], ex.Message);
        }
    }

    private static async Task<RawResponse> ReadResponseAsync(NetworkStream stream, bool expectBody, CancellationToken cancellationToken)
    {
        var reader = new ResponseReader(stream);
        var statusLine = await reader.ReadLineAsync(cancellationToken);
        if (statusLine is null)
        {
            return new RawResponse(0, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase), [], "the server closed the connection without an answer");
        }

        var parts = statusLine.Split(' ', 3);
        if (parts.Length < 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            return new RawResponse(0, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase), [], $"malformed status line '{statusLine}'");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (await reader.ReadLineAsync(cancellationToken) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                var name = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                headers[name] = headers.TryGetValue(name, out var earlier) ? earlier + ", " + value : value;
            }
        }

        byte[] body = [];
        if (expectBody && status is not (204 or 304) and >= 200)
        {
            if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                body = await reader.ReadChunkedAsync(cancellationToken);
            }
            else if (headers.TryGetValue("Content-Length", out var lengthText) && long.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                body = await reader.ReadExactlyAsync(length, cancellationToken);
            }
            else
            {
                body = await reader.ReadToEndAsync(cancellationToken);
            }
        }

        return new RawResponse(status, headers, body, null);
    }

    /// <summary>A buffered reader of response lines and bodies.</summary>
    private sealed class ResponseReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[16 * 1024];
        private int _start;
        private int _end;

        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new List<byte>();
            while (true)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    return line.Count == 0 ? null : Encoding.Latin1.GetString([.. line]);
                }

                var b = _buffer[_start++];
                if (b == '\n')
                {
                    if (line.Count > 0 && line[^1] == '\r')
                    {
                        line.RemoveAt(line.Count - 1);
                    }

                    return Encoding.Latin1.GetString([.. line]);
                }

                line.Add(b);
            }
        }

        public async Task<byte[]> ReadExactlyAsync(long length, CancellationToken cancellationToken)
        {
            using var kept = new MemoryStream();
            var remaining = length;
            while (remaining > 0)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    break;
                }

                var take = (int)Math.Min(remaining, _end - _start);
                Keep(kept, take);
                remaining -= take;
            }

            return kept.ToArray();
        }

        public async Task<byte[]> ReadToEndAsync(CancellationToken cancellationToken)
        {
            using var kept = new MemoryStream();
            while (_start < _end || await FillAsync(cancellationToken))
            {
                Keep(kept, _end - _start);
            }

            return kept.ToArray();
        }

        public async Task<byte[]> ReadChunkedAsync(CancellationToken cancellationToken)
        {
            using var kept = new MemoryStream();
            while (await ReadLineAsync(cancellationToken) is { } sizeLine)
            {
                var size = long.Parse(sizeLine.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    break;
                }

                kept.Write(await ReadExactlyAsync(size, cancellationToken));
                await ReadLineAsync(cancellationToken);
            }

            return kept.ToArray();
        }

        private void Keep(MemoryStream kept, int count)
        {
            var room = (int)Math.Max(0, Math.Min(count, MaxKeptBody - kept.Length));
            kept.Write(_buffer, _start, room);
            _start += count;
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            try
            {
                _start = 0;
                _end = await stream.ReadAsync(_buffer, cancellationToken);
                return _end > 0;
            }
            catch (IOException)
            {
                _end = 0;
                return false;
            }
        }
    }
}

/// <summary>What a server answered to a raw request.</summary>
/// <param name="Status">The HTTP status, or 0 when the connection ended without an answer.</param>
/// <param name="Headers">Response headers (case-insensitive names).</param>
/// <param name="Body">The body (at most 256 KiB of it).</param>
/// <param name="Error">Why there is no answer, when <paramref name="Status"/> is 0.</param>
internal sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body, string? Error)
{
    /// <summary>The media type of the body, without parameters.</summary>
    public string? MediaType => Headers.TryGetValue("Content-Type", out var type) ? type.Split(';')[0].Trim() : null;

    /// <summary>The body as UTF-8 text, shortened for messages.</summary>
    public string Text(int max = 400)
    {
        var text = Encoding.UTF8.GetString(Body);
        return text.Length > max ? text[..max] + "…" : text;
    }
}
