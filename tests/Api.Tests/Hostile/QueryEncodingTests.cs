using ReplicaFs.Api.Hosting;

namespace ReplicaFs.Api.Tests.Hostile;

/// <summary>Which raw query strings <see cref="QueryEncodingMiddleware"/> lets through (pure logic; the served answer is in <see cref="HostileInputRegressionTests"/>).</summary>
public sealed class QueryEncodingTests
{
    [Theory]
    [InlineData("?version=3&offset=65536&length=4096")]
    [InlineData("?name=caf\u00e9")]
    [InlineData("?name=\ud800")]
    [InlineData("?name=caf%C3%A9")]
    [InlineData("?name=100%25")]
    [InlineData("?name=50%")]
    [InlineData("?name=%zz")]
    public void A_query_that_is_UTF8_once_decoded_is_valid(string query) =>
        Assert.True(QueryEncodingMiddleware.IsValid(query));

    [Theory]
    [InlineData("?name=user.%FF")]
    [InlineData("?name=%C3")]
    [InlineData("?name=%C0%AF")]
    [InlineData("?name=%ED%A0%80")]
    [InlineData("?version=1&name=caf\u00e9%80")]
    public void A_query_that_is_not_UTF8_once_decoded_is_invalid(string query) =>
        Assert.False(QueryEncodingMiddleware.IsValid(query));
}
