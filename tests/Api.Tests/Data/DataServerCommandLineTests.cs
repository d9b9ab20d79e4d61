using ReplicaFs.Api.Hosting;

namespace ReplicaFs.Api.Tests.Data;

/// <summary>The server command lines (parsed in-process): the data role's self-healing options, and values that do not convert.</summary>
public sealed class DataServerCommandLineTests
{
    private static readonly string[] Required = ["data", "--meta", "http://127.0.0.1:1", "--data-dir", "/tmp/replicafs-cli-test"];

    [Theory]
    [InlineData("--name", "data-2")]
    [InlineData("--name", "a")]
    [InlineData("--name", "0123456789-abcdefghijklmnopqrstuvwxyz-0123456789-abcdefghijklmno")]
    [InlineData("--rebuild-rate", "0.5")]
    [InlineData("--scrub-rate", "0")]
    [InlineData("--scrub-pause-ms", "0")]
    [InlineData("--gc-interval-ms", "50")]
    [InlineData("--assignment-interval-ms", "1000")]
    public void Valid_values_are_accepted(string option, string value) =>
        Assert.Empty(ServerCommand.Create().Parse([.. Required, option, value]).Errors);

    [Theory]
    [InlineData("--name", "Data-2")]
    [InlineData("--name", "data_2")]
    [InlineData("--name", "data 2")]
    [InlineData("--name", "")]
    [InlineData("--name", "0123456789-abcdefghijklmnopqrstuvwxyz-0123456789-abcdefghijklmnop")]
    [InlineData("--rebuild-rate", "0")]
    [InlineData("--rebuild-rate", "-1")]
    [InlineData("--scrub-rate", "-1")]
    [InlineData("--gc-interval-ms", "10")]
    [InlineData("--assignment-interval-ms", "0")]
    [InlineData("--scrub-pause-ms", "-1")]
    public void Invalid_values_are_refused_with_the_option_named(string option, string value)
    {
        var errors = ServerCommand.Create().Parse([.. Required, option, value]).Errors;
        Assert.Contains(errors, e => e.Message.Contains(option, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("data", "--rebuild-rate", "fast")]
    [InlineData("data", "--scrub-rate", "x")]
    [InlineData("data", "--gc-interval-ms", "soon")]
    [InlineData("data", "--port", "abc")]
    [InlineData("data", "--listen", "not-an-ip")]
    [InlineData("meta", "--replicas", "three")]
    [InlineData("meta", "--chunk-size", "64K")]
    [InlineData("meta", "--heartbeat-timeout-ms", "1.5")]
    [InlineData("meta", "--garbage-grace-seconds", "")]
    public void Values_that_do_not_convert_are_parse_errors_that_name_the_option_not_crashes(string role, string option, string value)
    {
        string[] required = role == "data" ? Required : ["meta", "--data-dir", "/tmp/replicafs-cli-test"];

        var errors = ServerCommand.Create().Parse([.. required, option, value]).Errors;

        Assert.Contains(errors, e => e.Message.Contains(option, StringComparison.Ordinal));
    }
}
