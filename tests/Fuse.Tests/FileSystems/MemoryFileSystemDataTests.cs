using System.Security.Cryptography;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.Diagnostics;
using ReplicaFs.Fuse.Tests.Support;

namespace ReplicaFs.Fuse.Tests.FileSystems;

/// <summary>File data through a real mount: writes and reads byte-exact, truncation, sparse files, O_APPEND, statfs.</summary>
public sealed class MemoryFileSystemDataTests
{
    [Fact(Timeout = 60_000)]
    public async Task Megabyte_writes_read_back_byte_exact_at_odd_offsets()
    {
        await using var mount = await TestMount.StartAsync(new MemoryFileSystem());
        var path = mount.PathOf("big.bin");
        var data = new byte[(3 << 20) + 4321];
        new Random(1234).NextBytes(data);

        await using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            for (var offset = 0; offset < data.Length; offset += 1 << 20)
            {
                await stream.WriteAsync(data.AsMemory(offset, Math.Min(1 << 20, data.Length - offset)), TestContext.Current.CancellationToken);
            }
        }

        Assert.Equal(data.Length, new FileInfo(path).Length);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken)));

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        foreach (var (offset, length) in new (int, int)[] { (12345, (1 << 20) + 7), (1, 1), (4095, 2), ((2 << 20) + 999, 1 << 20), (data.Length - 3, 100) })
        {
            var buffer = new byte[length];
            var read = RandomAccess.Read(handle, buffer, offset);
            var expected = Math.Min(length, data.Length - offset);
            Assert.Equal(expected, read);
            Assert.True(data.AsSpan(offset, expected).SequenceEqual(buffer.AsSpan(0, read)), $"bytes differ at offset {offset}");
        }

        // Overwrite in the middle at an odd offset, then check the whole file again.
        var patch = new byte[(1 << 20) + 3];
        new Random(99).NextBytes(patch);
        using (var writer = File.OpenHandle(path, FileMode.Open, FileAccess.Write))
        {
            RandomAccess.Write(writer, patch, 777_777);
        }

        patch.CopyTo(data, 777_777);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken)));
        var sha256sum = await Commands.RunCheckedAsync("sha256sum", path);
        Assert.StartsWith(Convert.ToHexStringLower(SHA256.HashData(data)), sha256sum, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cat_and_shell_redirection_see_the_same_bytes()
    {
        await using var mount = await TestMount.StartAsync(new MemoryFileSystem());
        var path = mount.PathOf("hello.txt");
        await Commands.RunCheckedAsync("sh", "-c", $"printf 'hello\\n' > '{path}' && printf 'more\\n' >> '{path}'");

        Assert.Equal("hello\nmore\n", await Commands.RunCheckedAsync("cat", path));

        // O_TRUNC arrives with open (atomic O_TRUNC) and empties the file.
        await Commands.RunCheckedAsync("sh", "-c", $"printf 'x' > '{path}'");
        Assert.Equal("x", await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 60_000)]
    public async Task Truncate_shrinks_and_extends_with_zeros()
    {
        await using var mount = await TestMount.StartAsync(new MemoryFileSystem());
        var path = mount.PathOf("t.bin");
        var data = new byte[10_000];
        new Random(7).NextBytes(data);
        await File.WriteAllBytesAsync(path, data, TestContext.Current.CancellationToken);

        Assert.Equal(Errno.None, Posix.Truncate(path, 5000));
        Assert.Equal(5000, Posix.StatOrThrow(path).st_size);
        Assert.Equal(Errno.None, Posix.Truncate(path, 9000));
        var back = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(9000, back.Length);
        Assert.True(data.AsSpan(0, 5000).SequenceEqual(back.AsSpan(0, 5000)));
        Assert.True(back.AsSpan(5000).IndexOfAnyExcept((byte)0) < 0, "the extension must read as zeros");

        // ftruncate through an open descriptor (setattr with a file handle).
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.SetLength(3);
        }

        Assert.Equal(3, new FileInfo(path).Length);
    }

    [Fact(Timeout = 60_000)]
    public async Task Sparse_files_read_zeros_in_holes_and_allocate_only_written_pages()
    {
        await using var mount = await TestMount.StartAsync(new MemoryFileSystem());
        var path = mount.PathOf("sparse");
        using (var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite))
        {
            RandomAccess.Write(handle, "end"u8.ToArray(), (1L << 32) + 5);
        }

        var stat = Posix.StatOrThrow(path);
        Assert.Equal((1L << 32) + 8, stat.st_size);
        Assert.Equal(8, stat.st_blocks);
        using var reader = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        var buffer = new byte[8];
        Assert.Equal(8, await RandomAccess.ReadAsync(reader, buffer, 1L << 32, TestContext.Current.CancellationToken));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, (byte)'e', (byte)'n', (byte)'d' }, buffer);
    }

    [Fact(Timeout = 60_000)]
    public async Task Statfs_reports_capacity_and_usage()
    {
        var fs = new MemoryFileSystem(new MemoryFileSystemOptions { CapacityBytes = 64L << 20, MaxNodes = 1000 });
        await using var mount = await TestMount.StartAsync(fs);

        Assert.Equal(Errno.None, Posix.StatVfs(mount.Root, out var before));
        Assert.Equal(4096ul, before.f_bsize);
        Assert.Equal(16384ul, before.f_blocks);
        Assert.Equal(16384ul, before.f_bfree);
        Assert.Equal(1000ul, before.f_files);
        Assert.Equal(255ul, before.f_namemax);

        await File.WriteAllBytesAsync(mount.PathOf("one-mib"), new byte[1 << 20], TestContext.Current.CancellationToken);
        Assert.Equal(Errno.None, Posix.StatVfs(mount.Root, out var after));
        Assert.Equal(16384ul - 256, after.f_bfree);
        Assert.Equal(before.f_ffree - 1, after.f_ffree);

        var df = await Commands.RunCheckedAsync("df", "-B1", "--output=size,used", mount.Root);
        Assert.Contains($"{64L << 20}", df, StringComparison.Ordinal);
        Assert.Contains($"{1L << 20}", df, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_full_file_system_answers_enospc_and_keeps_what_fits()
    {
        var fs = new MemoryFileSystem(new MemoryFileSystemOptions { CapacityBytes = 1 << 20 });
        await using var mount = await TestMount.StartAsync(fs);
        var path = mount.PathOf("fill");

        var error = await Assert.ThrowsAsync<IOException>(() => File.WriteAllBytesAsync(path, new byte[2 << 20], TestContext.Current.CancellationToken));
        Assert.Equal((int)Errno.ENOSPC, error.HResult & 0xFFFF);
        Assert.True(new FileInfo(path).Length <= 1 << 20);

        File.Delete(path);

        // The pages are freed when the kernel forgets the unlinked inode, which follows the unlink closely.
        await Eventually.TrueAsync(() => Posix.StatVfs(mount.Root, out var stats) == Errno.None && stats.f_bfree == stats.f_blocks, "the deleted file's pages to be freed");
        await File.WriteAllBytesAsync(path, new byte[512 << 10], TestContext.Current.CancellationToken);
        Assert.Equal(512 << 10, new FileInfo(path).Length);
    }
}
