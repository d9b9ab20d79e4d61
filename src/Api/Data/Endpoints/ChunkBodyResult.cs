using System.Buffers;
using ReplicaFs.Api.Data.Storage;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Api.Data.Endpoints;

/// <summary>
/// Streams a byte range of an open chunk file as an <c>application/octet-stream</c> body through a pooled buffer,
/// then closes the file. Bytes are sent as stored: the reader verifies them against the checksum headers.
/// </summary>
internal sealed class ChunkBodyResult : IResult
{
    private readonly ChunkFile _file;
    private readonly long _fileOffset;
    private readonly long _count;
    private readonly DataServerMetrics _metrics;

    /// <summary>Sends <paramref name="count"/> bytes of <paramref name="file"/> from <paramref name="fileOffset"/>.</summary>
    public ChunkBodyResult(ChunkFile file, long fileOffset, long count, HttpResponse response, DataServerMetrics metrics)
    {
        _metrics = metrics;
        _file = file;
        _fileOffset = fileOffset;
        _count = count;
        response.RegisterForDispose(file);
    }

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ChunkHeaders.OctetStream;
        response.ContentLength = _count;
        var cancellationToken = httpContext.RequestAborted;
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkChecksum.BlockSize);
        try
        {
            var sent = 0L;
            while (sent < _count)
            {
                var want = (int)Math.Min(buffer.Length, _count - sent);
                var read = await RandomAccess.ReadAsync(_file.Handle, buffer.AsMemory(0, want), _fileOffset + sent, cancellationToken);
                if (read == 0)
                {
                    // The file shrank under us; cut the connection rather than send a short body that looks complete.
                    httpContext.Abort();
                    return;
                }

                await response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                sent += read;
            }

            _metrics.Read(sent);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _file.Dispose();
        }
    }
}
