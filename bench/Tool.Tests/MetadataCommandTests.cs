using ReplicaFs.Bench.Commands;

namespace ReplicaFs.Bench.Tests;

/// <summary>The metadata benchmark's command line: bad values are parse errors that name the option, never a crash.</summary>
public sealed class MetadataCommandTests
{
    [Theory]
    [InlineData("--files", "0", "--files must be at least 1.")]
    [InlineData("--files", "many", "--files")]
    [InlineData("--file-bytes", "-1", "--file-bytes must be between 0 and 16777216.")]
    [InlineData("--file-bytes", "4K", "--file-bytes")]
    public void Bad_values_are_refused_with_the_option_named(string option, string value, string message)
    {
        var errors = MetadataCommand.Create().Parse(["/tmp", option, value]).Errors;

        Assert.Contains(errors, e => e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Good_values_parse_without_errors() =>
        Assert.Empty(MetadataCommand.Create().Parse(["/tmp", "--files", "10", "--file-bytes", "0"]).Errors);
}
