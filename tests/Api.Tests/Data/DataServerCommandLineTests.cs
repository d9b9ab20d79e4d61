using ReplicaFs.Api.Hosting;

namespace ReplicaFs.Api.Tests.Data;

/// <summary>The data role's self-healing options on the command line (parsed in-process).</summary>
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
}
