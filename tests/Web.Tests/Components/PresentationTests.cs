using ReplicaFs.Contracts.Events;
using ReplicaFs.Web.Components.Events;
using ReplicaFs.Web.Components.Files;
using ReplicaFs.Web.Components.Formatting;
using ReplicaFs.Web.Tests.Fakes;

namespace ReplicaFs.Web.Tests.Components;

/// <summary>How things read: sizes, ages, modes, file addresses, and the event filter.</summary>
public sealed class PresentationTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.50 KiB")]
    [InlineData(600_000, "586 KiB")]
    [InlineData(10_485_760, "10.0 MiB")]
    [InlineData(1_099_511_627_776, "1.00 TiB")]
    public void Byte_counts_use_binary_units(double bytes, string expected) => Assert.Equal(expected, Display.Bytes(bytes));

    [Theory]
    [InlineData(0.4, "0.4 s")]
    [InlineData(42, "42 s")]
    [InlineData(600, "10 min")]
    [InlineData(10_800, "3 h")]
    [InlineData(-5, "0.0 s")]
    public void Ages_read_naturally(double seconds, string expected) => Assert.Equal(expected, Display.Age(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData(0x1A4u, FileKindLetter.File, "-rw-r--r--")]
    [InlineData(0x1EDu, FileKindLetter.Directory, "drwxr-xr-x")]
    [InlineData(0x1FFu, FileKindLetter.Symlink, "lrwxrwxrwx")]
    public void Modes_read_like_ls(uint mode, FileKindLetter kind, string expected) => Assert.Equal(expected, Display.Mode(mode, kind));

    [Theory]
    [InlineData("/", "/files/")]
    [InlineData("/docs/a b.txt", "/files/docs/a%20b.txt")]
    [InlineData("/x/100%/#1", "/files/x/100%25/%231")]
    [InlineData("/a%41b", "/files/a%2541b")]
    public void File_addresses_escape_each_name_and_read_back_from_the_decoded_route(string path, string href)
    {
        Assert.Equal(href, FileLinks.For(path));
        // The router hands the page the decoded route; the page must not decode it again.
        Assert.Equal(path, FileLinks.PathOf(Uri.UnescapeDataString(href["/files/".Length..])));
    }

    [Fact]
    public void Breadcrumbs_go_from_the_root_down()
    {
        Assert.Equal([("/", "/files"), ("docs", "/files/docs"), ("a b", "/files/docs/a%20b")], FileLinks.Breadcrumbs("/docs/a b"));
    }

    [Fact]
    public void The_event_filter_combines_kind_prefix_severity_server_and_text()
    {
        var corrupt = Snapshots.Event(1, EventKinds.ReplicaCorrupt, "Replica on data-2 is corrupt.", EventSeverity.Error, serverId: 2, path: "/docs/a.txt");
        var registered = Snapshots.Event(2, EventKinds.ServerRegistered, "data-3 registered.", serverId: 3);

        Assert.True(new EventFilter().IsEmpty);
        Assert.True(new EventFilter("REPLICA.").Matches(corrupt));
        Assert.False(new EventFilter("replica.").Matches(registered));
        Assert.True(new EventFilter(MinimumSeverity: EventSeverity.Warning).Matches(corrupt));
        Assert.False(new EventFilter(MinimumSeverity: EventSeverity.Warning).Matches(registered));
        Assert.False(new EventFilter(ServerId: 3).Matches(corrupt));
        Assert.True(new EventFilter(Text: "A.TXT").Matches(corrupt));
        Assert.False(new EventFilter("replica.", EventSeverity.Info, 2, "nothing like this").Matches(corrupt));
    }
}
