using System.Security.Cryptography;
using System.Text;
using ReplicaFs.Fuse.Tests.Support;
using ReplicaFs.Testing;

namespace ReplicaFs.Fuse.Tests.ReplicaFs;

/// <summary>
/// The tools people use on a file system, run as real processes in the mount: many small files, cp -r, diff -r, tar,
/// git; and several writers at once.
/// </summary>
[Collection(ReplicaClusterTests.Name)]
public sealed class EverydayToolTests(ReplicaClusterFixture fixture)
{
    private readonly ClusterMount _mount = fixture.Mount;

    [Fact(Timeout = 120_000)]
    public async Task Two_thousand_small_files_are_created_listed_read_and_removed()
    {
        var directory = _mount.NewDirectory("many");

        // One process writes them all (as an unpacker would), each with its own content.
        await Shell.RunCheckedAsync("for i in $(seq -w 0 1999); do echo \"file $i\" > f$i; done", directory, timeout: TimeSpan.FromSeconds(100));

        var listing = await Shell.RunCheckedAsync("ls -l | tail -n +2 | wc -l; ls | head -n 1; ls | tail -n 1; cat f1234 f0007", directory);
        Assert.Equal("2000\nf0000\nf1999\nfile 1234\nfile 0007\n", listing);
        Assert.Equal("file 1999\n", await File.ReadAllTextAsync(Path.Combine(directory, "f1999"), TestContext.Current.CancellationToken));
        var all = await Shell.RunCheckedAsync("cat f* | sha256sum | cut -c1-64", directory);
        var expected = new StringBuilder();
        for (var i = 0; i < 2000; i++)
        {
            expected.Append($"file {i:D4}\n");
        }

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(expected.ToString()))) + "\n", all);

        await Shell.RunCheckedAsync("rm -f f*", directory, timeout: TimeSpan.FromSeconds(100));
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory));
    }

    [Fact(Timeout = 120_000)]
    public async Task Cp_r_diff_r_and_tar_round_trip_a_source_tree()
    {
        var directory = _mount.NewDirectory("tree");
        var source = Path.Combine(RepositoryPaths.Root, "src", "Client");

        // cp -a keeps modes and times; diff -r compares every byte; tar packs from and unpacks into the mount.
        var script = $"""
            set -e
            cp -a '{source}' copy
            diff -r '{source}' copy
            tar -cf packed.tar -C copy .
            mkdir unpacked
            tar -xf packed.tar -C unpacked
            diff -r copy unpacked
            tar -tf packed.tar | wc -l
            find copy -type f -newer packed.tar | wc -l
            stat -c '%a %Y' '{source}/ReplicaFsClient.cs' copy/ReplicaFsClient.cs unpacked/ReplicaFsClient.cs | uniq | wc -l
            """;
        var output = (await Shell.RunCheckedAsync(script, directory, timeout: TimeSpan.FromSeconds(100)))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var entries = Directory.EnumerateFileSystemEntries(source, "*", SearchOption.AllDirectories).Count() + 1;
        Assert.Equal(entries.ToString(System.Globalization.CultureInfo.InvariantCulture), output[0]);
        Assert.Equal("0", output[1]);
        Assert.Equal("1", output[2]);
        Assert.Equal(
            await File.ReadAllBytesAsync(Path.Combine(source, "ReplicaFsClient.cs"), TestContext.Current.CancellationToken),
            await File.ReadAllBytesAsync(Path.Combine(directory, "unpacked", "ReplicaFsClient.cs"), TestContext.Current.CancellationToken));

        // Back out to a local directory: the round trip is lossless.
        var local = Directory.CreateTempSubdirectory("replicafs-fuse-untar-").FullName;
        try
        {
            await Shell.RunCheckedAsync($"tar -xf '{directory}/packed.tar' -C '{local}' && diff -r '{source}' '{local}'");
        }
        finally
        {
            Directory.Delete(local, recursive: true);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Git_init_add_commit_and_log_work_inside_the_mount()
    {
        var directory = _mount.NewDirectory("git");

        var script = """
            set -e
            export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
            export GIT_AUTHOR_DATE='2024-01-01T00:00:00Z' GIT_COMMITTER_DATE='2024-01-01T00:00:00Z'
            git init -q -b main repo
            cd repo
            printf 'line 1\n' > a.txt
            mkdir -p sub && printf 'nested\n' > sub/b.txt
            git add .
            git commit -q -m first
            printf 'line 2\n' >> a.txt
            git mv sub/b.txt sub/c.txt
            git commit -q -am second
            git gc -q
            git fsck --strict 2>&1
            git log --format=%s
            git status --porcelain
            git show HEAD:a.txt
            git rev-parse HEAD
            """;
        var output = await Shell.RunCheckedAsync(script, directory, timeout: TimeSpan.FromSeconds(100));

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["second", "first", "line 1", "line 2"], lines[..4]);
        Assert.Equal("nested\n", await File.ReadAllTextAsync(Path.Combine(directory, "repo", "sub", "c.txt"), TestContext.Current.CancellationToken));

        // The same commit, byte for byte, as git makes on a local disk from the same inputs.
        var local = Directory.CreateTempSubdirectory("replicafs-fuse-git-").FullName;
        try
        {
            var reference = await Shell.RunCheckedAsync(script, local, timeout: TimeSpan.FromSeconds(60));
            Assert.Equal(reference, output);
        }
        finally
        {
            Directory.Delete(local, recursive: true);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Concurrent_writers_of_separate_files_and_of_separate_regions_of_one_file_all_land()
    {
        var directory = _mount.NewDirectory("conc");
        const int Writers = 8;
        const int Region = 768 * 1024;
        var shared = Path.Combine(directory, "shared.bin");
        await using (var create = new FileStream(shared, FileMode.CreateNew))
        {
            create.SetLength(Writers * (long)Region);
        }

        var regions = Enumerable.Range(0, Writers).Select(i => FileSystemBehaviourTests.Pattern(Region, 100 + i)).ToArray();
        var files = Enumerable.Range(0, Writers).Select(i => FileSystemBehaviourTests.Pattern(3 * 1024 * 1024 + i, 200 + i)).ToArray();

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => Task.Run(async () =>
        {
            await File.WriteAllBytesAsync(Path.Combine(directory, $"own-{i}"), files[i], TestContext.Current.CancellationToken);
            await using var stream = new FileStream(shared, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            stream.Position = (long)i * Region;

            // In pieces, so that the writers interleave within chunks (regions are not chunk-aligned).
            for (var offset = 0; offset < Region; offset += 64 * 1024)
            {
                await stream.WriteAsync(regions[i].AsMemory(offset, 64 * 1024), TestContext.Current.CancellationToken);
            }
        })));

        for (var i = 0; i < Writers; i++)
        {
            Assert.Equal(SHA256.HashData(files[i]), SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(directory, $"own-{i}"), TestContext.Current.CancellationToken)));
        }

        var expected = regions.SelectMany(r => r).ToArray();
        Assert.Equal(SHA256.HashData(expected), SHA256.HashData(await File.ReadAllBytesAsync(shared, TestContext.Current.CancellationToken)));

        // And as another client of the cluster reads it, past every cache of this mount.
        var stored = await _mount.Client.ResolveAsync("/" + Path.GetRelativePath(_mount.Root, shared), TestContext.Current.CancellationToken);
        var buffer = new byte[expected.Length];
        await using var reader = await global::ReplicaFs.Client.ReplicaFsClient.ConnectAsync(
            new global::ReplicaFs.Client.ReplicaFsClientOptions { MetaUrl = _mount.Cluster.MetaUrl, ReadQuorum = 2, WriteQuorum = 2 },
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(expected.Length, await reader.ReadAsync(stored.Ino, 0, buffer, TestContext.Current.CancellationToken));
        Assert.Equal(SHA256.HashData(expected), SHA256.HashData(buffer));
    }
}
