using System.Text.Json;
using ReplicaFs.Testing.HttpFiles;

namespace ReplicaFs.SystemTests.HttpFiles;

public sealed class JsonPathTests
{
    private const string Document = """
        {"ino": 42, "name": "d-1", "ok": true, "none": null, "size": 1.5,
         "items": [{"x": "first"}, {"x": "second", "tags": ["a", "b"]}],
         "odd name": {"v": 7}, "nested": {"a": {"b": "deep"}}}
        """;

    [Theory]
    [InlineData("$.ino", "42")]
    [InlineData("$.name", "d-1")]
    [InlineData("$.ok", "true")]
    [InlineData("$.none", "null")]
    [InlineData("$.size", "1.5")]
    [InlineData("$.items[0].x", "first")]
    [InlineData("$.items[1].tags[1]", "b")]
    [InlineData("$['odd name'].v", "7")]
    [InlineData("$[\"odd name\"][\"v\"]", "7")]
    [InlineData("$.nested.a.b", "deep")]
    [InlineData("$.nested.a", "{\"b\": \"deep\"}")]
    [InlineData("$.items[1].tags", "[\"a\", \"b\"]")]
    public void Paths_select_values_and_render_strings_unquoted(string path, string expected)
    {
        using var document = JsonDocument.Parse(Document);

        Assert.Equal(expected, JsonPath.ToText(JsonPath.Select(document.RootElement, path)));
    }

    [Fact]
    public void The_root_is_the_whole_document()
    {
        using var document = JsonDocument.Parse("[1,2]");

        Assert.Equal("[1,2]", JsonPath.ToText(JsonPath.Select(document.RootElement, "$")));
        Assert.Equal("2", JsonPath.ToText(JsonPath.Select(document.RootElement, "$[1]")));
    }

    [Theory]
    [InlineData("$.missing", "no property 'missing'")]
    [InlineData("$.Ino", "no property 'Ino'")]
    [InlineData("$.items[5]", "index 5 is beyond the array's 2 items")]
    [InlineData("$.ino.x", "applied to a Number, not an object")]
    [InlineData("$.name[0]", "applied to a String, not an array")]
    public void Missing_values_are_reported(string path, string message)
    {
        using var document = JsonDocument.Parse(Document);

        var error = Assert.Throws<KeyNotFoundException>(() => JsonPath.Select(document.RootElement, path));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ino")]
    [InlineData("$..ino")]
    [InlineData("$.items[")]
    [InlineData("$.items[-1]")]
    [InlineData("$.items[*]")]
    [InlineData("$x")]
    public void Paths_outside_the_subset_are_rejected(string path)
    {
        using var document = JsonDocument.Parse(Document);

        Assert.Throws<FormatException>(() => JsonPath.Select(document.RootElement, path));
    }
}
