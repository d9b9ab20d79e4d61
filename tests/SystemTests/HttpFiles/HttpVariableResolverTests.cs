using System.Globalization;
using ReplicaFs.Testing.HttpFiles;

namespace ReplicaFs.SystemTests.HttpFiles;

public sealed class HttpVariableResolverTests
{
    private static HttpVariableResolver Resolver(int seed = 1, params (string Name, string Value)[] variables) =>
        new(variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal), seed);

    [Fact]
    public void File_variables_expand_and_may_use_other_variables()
    {
        var resolver = Resolver(1, ("host", "127.0.0.1"), ("port", "51234"), ("meta", "http://{{host}}:{{ port }}"));

        Assert.Equal("http://127.0.0.1:51234/healthz", resolver.Expand("{{meta}}/healthz"));
        Assert.Equal("no placeholders", resolver.Expand("no placeholders"));
        Assert.Equal("{ \"json\": {} }", resolver.Expand("{ \"json\": {} }"));
    }

    [Fact]
    public void A_cycle_of_variables_is_an_error()
    {
        var resolver = Resolver(1, ("a", "{{b}}"), ("b", "{{a}}"));

        var error = Assert.Throws<FormatException>(() => resolver.Expand("{{a}}"));
        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_variable_is_named()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => Resolver().Expand("{{meta}}/x"));

        Assert.Contains("unknown variable '{{meta}}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Guids_are_version_4_distinct_and_reproducible_per_seed()
    {
        var first = Resolver(5);
        var again = Resolver(5);
        var other = Resolver(6);

        var guids = Enumerable.Range(0, 50).Select(_ => first.Expand("{{$guid}}")).ToList();

        Assert.Equal(50, guids.Distinct().Count());
        Assert.All(guids, g =>
        {
            Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", g);
        });
        Assert.Equal(guids[0], again.Expand("{{$guid}}"));
        Assert.NotEqual(guids[0], other.Expand("{{$guid}}"));
    }

    [Fact]
    public void Random_ints_stay_in_the_half_open_range_and_are_reproducible_per_seed()
    {
        var resolver = Resolver(3);
        var values = Enumerable.Range(0, 500).Select(_ => int.Parse(resolver.Expand("{{$randomInt -2 3}}"), CultureInfo.InvariantCulture)).ToList();

        Assert.All(values, v => Assert.InRange(v, -2, 2));
        Assert.Equal([-2, -1, 0, 1, 2], values.Distinct().Order());
        Assert.Equal(Resolver(3).Expand("{{$randomInt 0 1000000}}"), Resolver(3).Expand("{{$randomInt 0 1000000}}"));
    }

    [Theory]
    [InlineData("{{$randomInt}}", "two integers")]
    [InlineData("{{$randomInt 1}}", "two integers")]
    [InlineData("{{$randomInt a b}}", "two integers")]
    [InlineData("{{$randomInt 5 5}}", "min must be below max")]
    [InlineData("{{$datetime iso8601}}", "unsupported system variable")]
    [InlineData("{{$processEnv HOME}}", "unsupported system variable")]
    [InlineData("{{$guid extra}}", "unsupported system variable")]
    public void Unsupported_system_variables_are_rejected(string template, string message)
    {
        var error = Assert.Throws<FormatException>(() => Resolver().Expand(template));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_timestamp_is_unix_seconds()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var value = long.Parse(Resolver().Expand("{{$timestamp}}"), CultureInfo.InvariantCulture);

        Assert.InRange(value, before, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    [Fact]
    public void Response_references_read_json_bodies_raw_bodies_and_headers()
    {
        var resolver = Resolver();
        resolver.AddResponse("createDir", new HttpFileResponse(
            201,
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["X-ReplicaFs-Version"] = "7", ["Content-Type"] = "application/json" },
            """{"ino": 42, "entries": [{"name": "a"}]}"""));

        Assert.Equal("/api/fs/inodes/42", resolver.Expand("/api/fs/inodes/{{createDir.response.body.$.ino}}"));
        Assert.Equal("a", resolver.Expand("{{createDir.response.body.$.entries[0].name}}"));
        Assert.Equal("""{"ino": 42, "entries": [{"name": "a"}]}""", resolver.Expand("{{createDir.response.body.*}}"));
        Assert.Equal("7", resolver.Expand("{{createDir.response.headers.X-ReplicaFs-Version}}"));
        Assert.Equal("7", resolver.Expand("{{createDir.response.headers.x-replicafs-version}}"));
    }

    [Theory]
    [InlineData("{{later.response.body.$.ino}}", "no response named 'later' yet")]
    [InlineData("{{r.response.headers.ETag}}", "has no header 'ETag'")]
    [InlineData("{{r.response.body.$.missing}}", "no property 'missing'")]
    [InlineData("{{text.response.body.$.x}}", "is not JSON")]
    [InlineData("{{r.request.body.$.x}}", "only response references are supported")]
    public void Bad_response_references_are_explained(string template, string message)
    {
        var resolver = Resolver();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" };
        resolver.AddResponse("r", new HttpFileResponse(200, headers, """{"ino": 1}"""));
        resolver.AddResponse("text", new HttpFileResponse(200, headers, "Healthy"));

        var error = Record.Exception(() => resolver.Expand(template));

        Assert.True(error is KeyNotFoundException or FormatException, error?.ToString());
        Assert.Contains(message, error!.Message, StringComparison.Ordinal);
    }
}
