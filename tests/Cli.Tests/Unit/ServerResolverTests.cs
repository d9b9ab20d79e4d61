using ReplicaFs.Cli.Output;
using ReplicaFs.Cli.Servers;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Cli.Tests.Unit;

/// <summary>How an operator names a data server: data-N, its URL or host:port.</summary>
public sealed class ServerResolverTests
{
    private static readonly DataServerInfo[] Servers =
    [
        Server(1, "data-1", 51235),
        Server(4, "data-10", 51244),
        Server(2, "data-2", 51236),
    ];

    [Theory]
    [InlineData("data-2", 2)]
    [InlineData("DATA-10", 4)]
    [InlineData("http://127.0.0.1:51235", 1)]
    [InlineData("http://127.0.0.1:51235/", 1)]
    [InlineData("127.0.0.1:51236", 2)]
    public void A_server_is_found_by_name_url_or_host_and_port(string text, int id) =>
        Assert.Equal(id, ServerResolver.Resolve(Servers, text).Id);

    [Fact]
    public void An_unknown_server_is_bad_input_listing_the_known_ones_in_name_order()
    {
        var ex = Assert.Throws<CliException>(() => ServerResolver.Resolve(Servers, "meta"));

        Assert.Equal(ExitCodes.BadInput, ex.ExitCode);
        Assert.Equal(
            "No data server is named 'meta' or listens at it. The metadata server knows: data-1 (http://127.0.0.1:51235), data-2 (http://127.0.0.1:51236), data-10 (http://127.0.0.1:51244).",
            ex.Message);
    }

    [Fact]
    public void Names_sort_with_numbers_as_numbers() =>
        Assert.Equal(["data-1", "data-2", "data-10"], Display.InNameOrder(Servers).Select(s => s.Name));

    private static DataServerInfo Server(int id, string name, int port) => new(
        id,
        name,
        $"http://127.0.0.1:{port}",
        ServerState.Up,
        Guid.NewGuid().ToString(),
        DateTimeOffset.UnixEpoch,
        DateTimeOffset.UnixEpoch,
        new DataServerStats(0, 0, 0, 0),
        0,
        null);
}
