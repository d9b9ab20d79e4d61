using ReplicaFs.Testing.HttpFiles;

namespace ReplicaFs.SystemTests.HttpFiles;

public sealed class HttpFileParserTests
{
    private const string Sample = """
        # Files start with variables and comments.
        @meta = http://127.0.0.1:51234
        @data=http://127.0.0.1:51235
        @adminToken =   secret token

        ### Create a directory
        # @name createDir
        POST {{meta}}/api/fs/dirs HTTP/1.1
        Content-Type: application/json
        // comments between headers are skipped
        Authorization: Bearer {{adminToken}}

        {
          "parent": 1,

          "name": "d-{{$guid}}"
        }


        ###
        // @expect 404
        GET {{meta}}/api/fs/inodes/{{createDir.response.body.$.ino}}

        ### no request here, only a comment and a variable
        @late = defined after the first request
        """;

    [Fact]
    public void Variables_requests_names_expectations_headers_and_bodies_are_read()
    {
        var file = HttpFileParser.Parse(Sample, "sample.http");

        Assert.Equal("sample.http", file.Path);
        Assert.Equal("http://127.0.0.1:51234", file.Variables["meta"]);
        Assert.Equal("http://127.0.0.1:51235", file.Variables["data"]);
        Assert.Equal("secret token", file.Variables["adminToken"]);
        Assert.Equal("defined after the first request", file.Variables["late"]);
        Assert.Equal(2, file.Requests.Count);

        var create = file.Requests[0];
        Assert.Equal(8, create.Line);
        Assert.Equal("createDir", create.Name);
        Assert.Null(create.ExpectedStatus);
        Assert.Equal("POST", create.Method);
        Assert.Equal("{{meta}}/api/fs/dirs", create.Url);
        Assert.Equal(
            [KeyValuePair.Create("Content-Type", "application/json"), KeyValuePair.Create("Authorization", "Bearer {{adminToken}}")],
            create.Headers);
        Assert.Equal("{\n  \"parent\": 1,\n\n  \"name\": \"d-{{$guid}}\"\n}", create.Body);

        var get = file.Requests[1];
        Assert.Equal(22, get.Line);
        Assert.Null(get.Name);
        Assert.Equal(404, get.ExpectedStatus);
        Assert.Equal("GET", get.Method);
        Assert.Empty(get.Headers);
        Assert.Null(get.Body);
    }

    [Fact]
    public void Windows_line_endings_read_the_same()
    {
        var unix = HttpFileParser.Parse(Sample);
        var windows = HttpFileParser.Parse(Sample.Replace("\n", "\r\n", StringComparison.Ordinal));

        Assert.Equal(unix.Variables, windows.Variables);
        Assert.Equal(unix.Requests.Select(r => (r.Line, r.Method, r.Url, r.Body)), windows.Requests.Select(r => (r.Line, r.Method, r.Url, r.Body)));
    }

    [Theory]
    [InlineData("{{meta}}/healthz", "GET", "{{meta}}/healthz")]
    [InlineData("delete {{meta}}/x HTTP/2", "DELETE", "{{meta}}/x")]
    [InlineData("PUT http://127.0.0.1:1/a?b=c", "PUT", "http://127.0.0.1:1/a?b=c")]
    [InlineData("OPTIONS https://example.invalid/ HTTP/1.1", "OPTIONS", "https://example.invalid/")]
    [InlineData("GET {{meta}}/x?n={{$randomInt 1 100}}&id={{ $guid }} HTTP/1.1", "GET", "{{meta}}/x?n={{$randomInt 1 100}}&id={{ $guid }}")]
    public void Request_lines_default_to_GET_and_drop_the_version(string line, string method, string url)
    {
        var request = Assert.Single(HttpFileParser.Parse(line).Requests);

        Assert.Equal(method, request.Method);
        Assert.Equal(url, request.Url);
        Assert.Equal(1, request.Line);
    }

    [Fact]
    public void Empty_text_and_comment_only_blocks_have_no_requests()
    {
        Assert.Empty(HttpFileParser.Parse(string.Empty).Requests);
        Assert.Empty(HttpFileParser.Parse("# just a comment\n\n###\n// another\n###").Requests);
    }

    [Fact]
    public void Without_expect_any_2xx_passes_and_with_it_only_that_status()
    {
        var file = HttpFileParser.Parse("GET {{a}}/x\n###\n# @expect 409\nGET {{a}}/y");

        Assert.True(file.Requests[0].Accepts(200));
        Assert.True(file.Requests[0].Accepts(204));
        Assert.False(file.Requests[0].Accepts(301));
        Assert.False(file.Requests[0].Accepts(404));
        Assert.Equal("2xx", file.Requests[0].Expectation);
        Assert.True(file.Requests[1].Accepts(409));
        Assert.False(file.Requests[1].Accepts(200));
        Assert.Equal("409", file.Requests[1].Expectation);
    }

    [Theory]
    [InlineData("# @name a\nGET {{m}}/1\n###\n# @name a\nGET {{m}}/2", 5, "a request named 'a' already exists")]
    [InlineData("# @expect 4xx\nGET {{m}}/1", 1, "expected one HTTP status code")]
    [InlineData("# @expect 99\nGET {{m}}/1", 1, "expected one HTTP status code")]
    [InlineData("# @expect 404\n# @expect 409\nGET {{m}}/1", 2, "already has an '# @expect'")]
    [InlineData("# @name 1st\nGET {{m}}/1", 1, "a request name is a letter")]
    [InlineData("# @name a\n# @name b\nGET {{m}}/1", 2, "already has the name 'a'")]
    [InlineData("GET /relative/path", 1, "expected a request line")]
    [InlineData("GET {{meta}}/a b", 1, "expected a request line")]
    [InlineData("FETCH {{m}}/1", 1, "unknown HTTP method 'FETCH'")]
    [InlineData("GET {{m}}/1\nnot a header", 2, "expected a header 'Name: value'")]
    [InlineData("GET {{m}}/1\n  ?query=continuation", 2, "query continuation lines are not supported")]
    [InlineData("POST {{m}}/1\n\n< ./body.json", 3, "bodies read from files")]
    [InlineData("GET {{m}}/1\n###\n# @name orphan\n", 3, "without a request after it")]
    [InlineData("@ = nothing", 1, "expected a file variable")]
    public void Unsupported_or_malformed_text_is_rejected_with_file_and_line(string text, int line, string message)
    {
        var error = Assert.Throws<HttpFileFormatException>(() => HttpFileParser.Parse(text, "bad.http"));

        Assert.Equal("bad.http", error.Path);
        Assert.Equal(line, error.Line);
        Assert.StartsWith($"bad.http:{line}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Comment_lines_in_the_body_are_part_of_the_body()
    {
        var request = Assert.Single(HttpFileParser.Parse("POST {{m}}/1\nContent-Type: text/plain\n\n# not a comment here\nline two\n").Requests);

        Assert.Equal("# not a comment here\nline two", request.Body);
    }
}
