using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ReplicaFs.Client.Http;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Client.Tests.Http;

/// <summary>Metadata server answers become exactly the right <see cref="PosixException"/>, through the real Refit wiring.</summary>
public sealed class MetaErrorsTests
{
    public static TheoryData<Errno> AllErrnos() => [.. Enum.GetValues<Errno>().Where(e => e != Errno.None)];

    [Theory]
    [MemberData(nameof(AllErrnos))]
    public async Task A_problem_with_an_errno_extension_becomes_that_errno(Errno errno)
    {
        var meta = Meta(out _, (_, _) => Task.FromResult(Problem(errno, $"detail of {errno}")));

        var error = await Assert.ThrowsAsync<PosixException>(() => meta.GetAttributesAsync(7, TestContext.Current.CancellationToken));

        Assert.Equal(errno, error.Errno);
        Assert.Equal($"detail of {errno}", error.Message);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, Errno.ENOENT)]
    [InlineData(HttpStatusCode.Conflict, Errno.EEXIST)]
    [InlineData(HttpStatusCode.BadRequest, Errno.EINVAL)]
    [InlineData(HttpStatusCode.Unauthorized, Errno.EACCES)]
    [InlineData(HttpStatusCode.InsufficientStorage, Errno.ENOSPC)]
    [InlineData(HttpStatusCode.InternalServerError, Errno.EIO)]
    [InlineData(HttpStatusCode.BadGateway, Errno.EIO)]
    public async Task An_answer_without_an_errno_is_mapped_from_its_status(HttpStatusCode status, Errno errno)
    {
        var meta = Meta(out _, (_, _) => Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent("oops") }));

        var error = await Assert.ThrowsAsync<PosixException>(() => meta.StatFsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(errno, error.Errno);
        Assert.Contains($"{(int)status}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_raw_lookup_answer_is_handed_over_not_thrown()
    {
        var meta = Meta(out _, (_, _) => Task.FromResult(Problem(Errno.ENOENT, "no such name")));

        using var answer = await meta.LookupAnswerAsync(1, "x", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.Equal(Errno.ENOENT, Assert.IsType<PosixException>(await MetaErrors.FromResponseAsync(answer)).Errno);
    }

    [Fact]
    public async Task A_metadata_server_that_does_not_answer_in_time_is_EIO_with_a_clear_message()
    {
        var meta = Meta(out _, async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }, TimeSpan.FromMilliseconds(200));

        var error = await Assert.ThrowsAsync<PosixException>(() => meta.GetConfigAsync(TestContext.Current.CancellationToken));

        Assert.Equal(Errno.EIO, error.Errno);
        Assert.Contains("The metadata server at http://meta.test is unreachable", error.Message, StringComparison.Ordinal);
        Assert.Contains("no answer within 0.2 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_stays_a_cancellation()
    {
        var meta = Meta(out _, async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => meta.GetConfigAsync(cancel.Token));
    }

    [Fact]
    public async Task An_unreachable_metadata_server_fails_the_connect_with_EIO()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var error = await Assert.ThrowsAsync<PosixException>(() => ReplicaFsClient.ConnectAsync(
            new ReplicaFsClientOptions { MetaUrl = new Uri($"http://127.0.0.1:{port}") },
            cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(Errno.EIO, error.Errno);
        Assert.Contains($"The metadata server at http://127.0.0.1:{port} is unreachable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_that_return_nothing_are_EIO_too_when_meta_is_unreachable_or_silent()
    {
        // Refit maps transport failures only for calls that return a value; unlink, rename, ending a session … return nothing.
        var refused = Meta(out _, (_, _) => throw new HttpRequestException("Connection refused (meta.test:80)"));
        var error = await Assert.ThrowsAsync<PosixException>(() => refused.UnlinkAsync(1, "x", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(Errno.EIO, error.Errno);
        Assert.Contains("The metadata server at http://meta.test is unreachable (DELETE /api/fs/inodes/1/entries): Connection refused", error.Message, StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<PosixException>(() => refused.EndClientAsync(7, TestContext.Current.CancellationToken));
        Assert.Equal(Errno.EIO, error.Errno);

        var silent = Meta(out _, async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return new HttpResponseMessage(HttpStatusCode.NoContent);
        }, timeout: TimeSpan.FromMilliseconds(200));
        error = await Assert.ThrowsAsync<PosixException>(() => silent.RenameAsync(new RenameRequest(1, "a", 1, "b"), TestContext.Current.CancellationToken));
        Assert.Equal(Errno.EIO, error.Errno);
        Assert.Contains("no answer within 0.2 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_call_carries_the_cluster_token_when_one_is_configured()
    {
        var meta = Meta(out var handler, (_, _) => Task.FromResult(Json("""{"names":[]}""")), token: "s3cret");

        await meta.ListExtendedAttributesAsync(1, TestContext.Current.CancellationToken);

        var request = Assert.Single(handler.Requests);
        Assert.Equal("s3cret", request.Headers.GetValues(ChunkHeaders.ClusterToken).Single());
    }

    [Fact]
    public async Task Data_server_bodies_are_streamed_not_buffered()
    {
        var release = new TaskCompletionSource();
        var services = new ServiceCollection().AddReplicaFsClientHttp(new ReplicaFsClientOptions { MetaUrl = new Uri("http://meta.test") });
        var handler = new StubHandler((_, _) =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new SlowStream(release.Task)) };
            return Task.FromResult(response);
        });
        services.AddHttpClient(HttpClientNames.Data).ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider();
        var data = provider.GetRequiredService<IDataServerClients>().ForServer("http://data.test");

        // The call returns with the headers while the body is still on its way.
        using var response = await data.GetChunkAsync("0000000000000001", 1, cancellationToken: TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        release.SetResult();
        Assert.Equal(4, (await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).Length);
    }

    private static IMetadataApi Meta(out StubHandler handler, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer, TimeSpan? timeout = null, string? token = null)
    {
        var options = new ReplicaFsClientOptions { MetaUrl = new Uri("http://meta.test"), MetaTimeout = timeout ?? TimeSpan.FromSeconds(15), ClusterToken = token };
        var stub = new StubHandler(answer);
        handler = stub;
        var services = new ServiceCollection().AddReplicaFsClientHttp(options);
        services.AddHttpClient(HttpClientNames.Meta).ConfigurePrimaryHttpMessageHandler(() => stub);
        return services.BuildServiceProvider().GetRequiredService<IMetadataApi>();
    }

    private static HttpResponseMessage Problem(Errno errno, string detail) => new((HttpStatusCode)ErrnoHttpStatus.For(errno))
    {
        Content = new StringContent(
            $$"""{"type":"about:blank","title":"{{errno}}","status":{{ErrnoHttpStatus.For(errno)}},"detail":"{{detail}}","errno":{{(int)errno}},"code":"{{errno}}"}""",
            Encoding.UTF8,
            "application/problem+json"),
    };

    private static HttpResponseMessage Json(string json) => new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    /// <summary>Sends two bytes, then waits for a signal before sending two more.</summary>
    private sealed class SlowStream(Task release) : Stream
    {
        private int _sent;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_sent == 2)
            {
                await release.WaitAsync(cancellationToken);
            }

            if (_sent >= 4)
            {
                return 0;
            }

            buffer.Span[..2].Fill(7);
            _sent += 2;
            return 2;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
