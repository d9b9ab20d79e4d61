using System.Security.Cryptography;
using ReplicaFs.Client;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Reliability;

/// <summary>
/// What a client's acknowledged operations say its directories hold: names, kinds, which names are links of one file,
/// and every file's bytes. Copies are cheap (contents are replaced, never changed in place), so "the model with the
/// operation in flight applied" can be compared too.
/// </summary>
internal sealed class FileTreeModel
{
    private readonly Dictionary<(long Dir, string Name), Node> _entries;
    private readonly Dictionary<int, byte[]> _contents;

    public FileTreeModel()
    {
        _entries = [];
        _contents = [];
    }

    private FileTreeModel(FileTreeModel other)
    {
        _entries = new Dictionary<(long, string), Node>(other._entries);
        _contents = new Dictionary<int, byte[]>(other._contents);
    }

    /// <summary>An entry: a file (its id names its content; links share it) or a directory.</summary>
    public sealed record Node(FileKind Kind, int Id, long Ino);

    /// <summary>Every entry.</summary>
    public IReadOnlyDictionary<(long Dir, string Name), Node> Entries => _entries;

    /// <summary>A copy to apply an operation to.</summary>
    public FileTreeModel Copy() => new(this);

    public void AddFile(long dir, string name, int id, long ino)
    {
        _entries[(dir, name)] = new Node(FileKind.File, id, ino);
        _contents[id] = [];
    }

    public void AddDirectory(long dir, string name, int id, long ino) => _entries[(dir, name)] = new Node(FileKind.Directory, id, ino);

    public void Remove(long dir, string name) => _entries.Remove((dir, name));

    public void Link(long dir, string name, Node file) => _entries[(dir, name)] = file;

    /// <summary>rename(2) of one entry over another (or to a free name); two links of one file: nothing happens.</summary>
    public void Rename(long dir, string name, long newDir, string newName)
    {
        var node = _entries[(dir, name)];
        if (_entries.TryGetValue((newDir, newName), out var target) && target.Id == node.Id)
        {
            return;
        }

        _entries.Remove((dir, name));
        _entries[(newDir, newName)] = node;
    }

    /// <summary>Records the inode of file <paramref name="id"/> (learnt after the fact) in every entry naming it.</summary>
    public void SetIno(int id, long ino)
    {
        foreach (var (key, node) in _entries.Where(e => e.Value.Id == id).ToList())
        {
            _entries[key] = node with { Ino = ino };
        }
    }

    public byte[] Content(int id) => _contents[id];

    public void Write(int id, long offset, byte[] data)
    {
        var old = _contents[id];
        var updated = new byte[Math.Max(old.Length, offset + data.Length)];
        old.CopyTo(updated, 0);
        data.CopyTo(updated, offset);
        _contents[id] = updated;
    }

    public void Truncate(int id, long size)
    {
        var old = _contents[id];
        var updated = new byte[size];
        old.AsSpan(0, (int)Math.Min(old.Length, size)).CopyTo(updated);
        _contents[id] = updated;
    }

    /// <summary>The model as comparable lines: every name with its kind, its link group and its bytes' hash.</summary>
    public SortedSet<string> Describe(Func<long, string> dirName)
    {
        ArgumentNullException.ThrowIfNull(dirName);
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var ((dir, name), node) in _entries)
        {
            var links = string.Join('+', _entries.Where(e => e.Value.Id == node.Id).Select(e => $"{dirName(e.Key.Dir)}/{e.Key.Name}").Order(StringComparer.Ordinal));
            lines.Add(node.Kind == FileKind.File
                ? $"{dirName(dir)}/{name} file [{links}] {_contents[node.Id].Length} bytes {Hash(_contents[node.Id])}"
                : $"{dirName(dir)}/{name} directory");
        }

        return lines;
    }

    /// <summary>What the cluster holds in <paramref name="dirs"/>, read back through <paramref name="client"/>, described like <see cref="Describe"/>.</summary>
    public static async Task<SortedSet<string>> ReadBackAsync(ReplicaFsClient client, IReadOnlyList<long> dirs, Func<long, string> dirName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(dirName);
        var entries = new List<(long Dir, string Name, long Ino, FileKind Kind)>();
        foreach (var dir in dirs)
        {
            await foreach (var entry in client.ReadDirectoryAsync(dir, cancellationToken))
            {
                entries.Add((dir, entry.Name, entry.Attributes.Ino, entry.Attributes.Kind));
            }
        }

        var hashes = new Dictionary<long, (long Length, string Hash)>();
        foreach (var ino in entries.Where(e => e.Kind == FileKind.File).Select(e => e.Ino).Distinct())
        {
            var size = (await client.GetAttributesAsync(ino, cancellationToken)).Size;
            var bytes = new byte[size];
            var read = await client.ReadAsync(ino, 0, bytes, cancellationToken);
            hashes[ino] = (read, Hash(bytes.AsSpan(0, read)));
        }

        var lines = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (dir, name, ino, kind) in entries)
        {
            var links = string.Join('+', entries.Where(e => e.Ino == ino).Select(e => $"{dirName(e.Dir)}/{e.Name}").Order(StringComparer.Ordinal));
            lines.Add(kind == FileKind.File
                ? $"{dirName(dir)}/{name} file [{links}] {hashes[ino].Length} bytes {hashes[ino].Hash}"
                : $"{dirName(dir)}/{name} directory");
        }

        return lines;
    }

    private static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA256.HashData(bytes))[..16];
}
