using ReplicaFs.Bench.Posix;

namespace ReplicaFs.Bench.Tests;

public sealed class FileSystemCallsTests
{
    private const int Eexist = 17;
    private const int Enoent = 2;

    [Fact]
    public void Created_files_have_the_written_bytes_and_are_listed()
    {
        using var directory = new TemporaryDirectory();
        var root = new NativePath(directory.Path);
        byte[] content = [1, 2, 3, 4, 5, 6, 7];

        FileSystemCalls.CreateFile(root.Child("a"), content);
        FileSystemCalls.CreateFile(root.Child("b"), []);

        Assert.Equal(content, File.ReadAllBytes(Path.Join(directory.Path, "a")));
        Assert.Equal(7, FileSystemCalls.StatSize(root.Child("a")));
        Assert.Equal(0, FileSystemCalls.StatSize(root.Child("b")));
        Assert.Equal(2, FileSystemCalls.CountEntries(root));
    }

    [Fact]
    public void Creating_an_existing_file_fails_with_eexist_and_keeps_its_content()
    {
        using var directory = new TemporaryDirectory();
        var path = new NativePath(Path.Join(directory.Path, "taken"));
        FileSystemCalls.CreateFile(path, [42]);

        var error = Assert.Throws<SystemCallException>(() => FileSystemCalls.CreateFile(path, [1, 2, 3]));

        Assert.Equal("open", error.Call);
        Assert.Equal(Eexist, error.Errno);
        Assert.Equal([42], File.ReadAllBytes(path.Text));
    }

    [Fact]
    public void Directories_and_files_are_removed_and_missing_names_give_enoent()
    {
        using var directory = new TemporaryDirectory();
        var root = new NativePath(directory.Path);
        var sub = root.Child("sub");
        var file = root.Child("file");

        FileSystemCalls.MakeDirectory(sub);
        FileSystemCalls.CreateFile(file, [0]);
        FileSystemCalls.RemoveDirectory(sub);
        FileSystemCalls.Unlink(file);

        Assert.Empty(Directory.EnumerateFileSystemEntries(directory.Path));
        Assert.Equal(Enoent, Assert.Throws<SystemCallException>(() => FileSystemCalls.Unlink(file)).Errno);
        Assert.Equal(Enoent, Assert.Throws<SystemCallException>(() => FileSystemCalls.RemoveDirectory(sub)).Errno);
        Assert.Equal(Enoent, Assert.Throws<SystemCallException>(() => FileSystemCalls.StatSize(file)).Errno);
        Assert.Equal(Enoent, Assert.Throws<SystemCallException>(() => FileSystemCalls.CountEntries(sub)).Errno);
    }

    [Fact]
    public void Paths_with_nul_characters_are_refused() =>
        Assert.Throws<ArgumentException>(() => new NativePath("a\0b"));
}
