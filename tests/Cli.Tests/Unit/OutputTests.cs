using ReplicaFs.Cli.Demo;
using ReplicaFs.Cli.Files;
using ReplicaFs.Cli.Output;

namespace ReplicaFs.Cli.Tests.Unit;

/// <summary>The pure helpers behind the commands' output.</summary>
public sealed class OutputTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(6 * 1024 * 1024 + 12_345, "6.0 MiB")]
    public void Bytes_are_shown_in_binary_units(long bytes, string expected) => Assert.Equal(expected, Units.Bytes(bytes));

    [Theory]
    [InlineData(0.4, "0.4 s")]
    [InlineData(17, "17 s")]
    [InlineData(184, "3 min 4 s")]
    [InlineData(7500, "2 h 5 min")]
    [InlineData(-3, "0.0 s")]
    public void Durations_read_naturally(double seconds, string expected) => Assert.Equal(expected, Units.Duration(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData(1, 4, "25%")]
    [InlineData(0, 0, "100%")]
    [InlineData(9, 4, "100%")]
    public void Percentages_are_clamped(long part, long whole, string expected) => Assert.Equal(expected, Units.Percent(part, whole));

    [Fact]
    public void Tables_pad_columns_align_numbers_right_and_never_pad_the_last_column()
    {
        var table = new TextTable("NAME", ">CHUNKS", "NOTE");
        table.AddRow("data-1", "7", "ok");
        table.AddRow("data-10", "1,234", null);

        Assert.Equal(
            "  NAME     CHUNKS  NOTE\n  data-1        7  ok\n  data-10   1,234\n",
            table.ToString().ReplaceLineEndings("\n"));
        Assert.Throws<ArgumentException>(() => table.AddRow("a", "b", "c", "d"));
    }

    [Theory]
    [InlineData("", "/")]
    [InlineData("/", "/")]
    [InlineData("a/b/", "/a/b")]
    [InlineData(" /a/b ", "/a/b")]
    public void Cluster_paths_are_always_from_the_root(string path, string expected) => Assert.Equal(expected, ClusterPaths.Normalize(path));

    [Fact]
    public void Nested_command_output_is_indented_line_by_line_and_kept()
    {
        using var target = new StringWriter();
        using var writer = new IndentingWriter(target, "    ");
        writer.Write("one\r\ntwo");
        writer.WriteLine(" more");
        writer.WriteLine();

        Assert.Equal("    one\n    two more\n\n", target.ToString().ReplaceLineEndings("\n"));
        Assert.Equal("one\ntwo more\n\n", writer.Text.ReplaceLineEndings("\n"));
    }
}
