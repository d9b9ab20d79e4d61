using System.Globalization;
using System.Web;
using ReplicaFs.Testing;
using ReplicaFs.Testing.HttpFiles;

namespace ReplicaFs.SystemTests.HttpFiles;

/// <summary>The runner against live servers: the sample file, and what a failure says.</summary>
public sealed class SampleHttpFileTests(StandaloneServers servers, ITestOutputHelper output) : IClassFixture<StandaloneServers>
{
    private static string SamplePath => Path.Combine(AppContext.BaseDirectory, "HttpFiles", "Samples", "health.http");

    [Fact(Timeout = 120_000)]
    public async Task The_sample_file_runs_top_to_bottom_against_the_servers_under_test()
    {
        using var http = new HttpClient();
        var exchanges = await new HttpFileRunner(http, seed: 7).RunAsync(
            HttpFileParser.Load(SamplePath), servers.Variables, TestContext.Current.CancellationToken);
        foreach (var exchange in exchanges)
        {
            output.WriteLine(exchange.ToString());
        }

        Assert.Equal([200, 200, 200, 200, 404, 404], exchanges.Select(e => e.Status));

        // The overrides replaced the file's 51234… URLs.
        Assert.Equal(servers.MetaUrl.Authority, exchanges[0].Url.Authority);
        Assert.Equal(servers.DataUrls[0].Authority, exchanges[1].Url.Authority);
        Assert.Equal(servers.DataUrls[1].Authority, exchanges[2].Url.Authority);
        Assert.Equal(servers.MetaUrl.Authority, exchanges[4].Url.Authority);
        Assert.Equal(servers.DataUrls[0].Authority, exchanges[5].Url.Authority);

        // {{missing}} expanded {{meta}} and {{$guid}}; the query carries values from the OpenAPI response and $randomInt.
        var missing = exchanges[4].Url;
        Assert.StartsWith("/no-such-route-", missing.AbsolutePath, StringComparison.Ordinal);
        Assert.True(Guid.TryParse(missing.AbsolutePath["/no-such-route-".Length..], out _), missing.AbsolutePath);
        var query = HttpUtility.ParseQueryString(missing.Query);
        Assert.Equal("v1", query["version"]);
        Assert.InRange(int.Parse(query["n"]!, CultureInfo.InvariantCulture), 1, 99);

        // {{missing.response.body.$.status}} is the ProblemDetails status of the previous response.
        Assert.Equal("/no-such-route/404", exchanges[5].Url.AbsolutePath);
        Assert.Equal("POST", exchanges[5].Method);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unexpected_status_names_the_file_line_request_statuses_and_body()
    {
        const string FileText = """
            @meta = http://127.0.0.1:51234

            ###
            GET {{meta}}/healthz

            ###
            # @expect 200
            GET {{meta}}/definitely-missing
            """;
        using var http = new HttpClient();
        var failure = await Assert.ThrowsAsync<HttpFileRunException>(() => new HttpFileRunner(http).RunAsync(
            HttpFileParser.Parse(FileText, "inline.http"), servers.Variables, TestContext.Current.CancellationToken));
        output.WriteLine(failure.Message);

        Assert.Equal("inline.http", failure.Path);
        Assert.Equal(8, failure.Line);
        Assert.StartsWith("inline.http:8: GET {{meta}}/definitely-missing", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"(sent GET {servers.MetaUrl.ToString().TrimEnd('/')}/definitely-missing)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("expected status 200, got 404 Not Found", failure.Message, StringComparison.Ordinal);
        Assert.Contains("\"status\":404", failure.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_success_where_an_error_was_expected_fails()
    {
        const string FileText = """
            # @expect 404
            GET {{meta}}/healthz
            """;
        using var http = new HttpClient();
        var failure = await Assert.ThrowsAsync<HttpFileRunException>(() => new HttpFileRunner(http).RunAsync(
            HttpFileParser.Parse(FileText, "inline.http"), servers.Variables, TestContext.Current.CancellationToken));

        Assert.Equal(2, failure.Line);
        Assert.Contains("expected status 404, got 200 OK", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Healthy", failure.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_server_that_does_not_answer_fails_the_request()
    {
        var text = $"GET http://127.0.0.1:{FreePorts.Next()}/healthz";
        using var http = new HttpClient();
        var failure = await Assert.ThrowsAsync<HttpFileRunException>(() => new HttpFileRunner(http).RunAsync(
            HttpFileParser.Parse(text, "inline.http"), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(1, failure.Line);
        Assert.Contains("the request failed", failure.Message, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(failure.InnerException);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unknown_variable_fails_before_anything_is_sent()
    {
        const string FileText = """
            GET {{meta}}/healthz

            ###
            GET {{meta}}/api/{{nowhere}}
            """;
        using var http = new HttpClient();
        var failure = await Assert.ThrowsAsync<HttpFileRunException>(() => new HttpFileRunner(http).RunAsync(
            HttpFileParser.Parse(FileText, "inline.http"), servers.Variables, TestContext.Current.CancellationToken));

        Assert.Equal(4, failure.Line);
        Assert.Contains("unknown variable '{{nowhere}}'", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(sent", failure.Message, StringComparison.Ordinal);
    }
}
