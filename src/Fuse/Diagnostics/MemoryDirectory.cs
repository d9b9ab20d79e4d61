namespace ReplicaFs.Fuse.Diagnostics;

/// <summary>One name in an in-memory directory. The cookie is fixed at insertion and never reused in this directory.</summary>
internal sealed class MemoryDirectoryEntry(byte[] name, ulong nodeId, long cookie)
{
    public byte[] Name { get; } = name;

    /// <summary>The node the name points to (changes only in RENAME_EXCHANGE).</summary>
    public ulong NodeId { get; set; } = nodeId;

    public long Cookie { get; } = cookie;
}

/// <summary>
/// The names of an in-memory directory, by name and in cookie order. Listing offsets are cookies: "." is 1, ".." is 2,
/// children start at 3 and only grow, so a listing resumes correctly while names come and go.
/// </summary>
internal sealed class MemoryDirectory
{
    public const long DotCookie = 1;
    public const long DotDotCookie = 2;

    private static readonly Comparer<MemoryDirectoryEntry> ByCookie = Comparer<MemoryDirectoryEntry>.Create((a, b) => a.Cookie.CompareTo(b.Cookie));

    private readonly Dictionary<byte[], MemoryDirectoryEntry> _byName = new(ByteNameComparer.Instance);
    private readonly SortedSet<MemoryDirectoryEntry> _byCookie = new(ByCookie);
    private long _nextCookie = DotDotCookie + 1;

    public MemoryDirectory(MemoryNode? parent)
    {
        Parent = parent;
    }

    /// <summary>The directory containing this one (null for the root, whose ".." is itself).</summary>
    public MemoryNode? Parent { get; set; }

    public int Count => _byName.Count;

    public bool TryGet(ReadOnlySpan<byte> name, out MemoryDirectoryEntry entry) =>
        _byName.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(name, out entry!);

    public void Add(ReadOnlySpan<byte> name, ulong nodeId)
    {
        var entry = new MemoryDirectoryEntry(name.ToArray(), nodeId, _nextCookie++);
        _byName.Add(entry.Name, entry);
        _byCookie.Add(entry);
    }

    public void Remove(MemoryDirectoryEntry entry)
    {
        _byName.Remove(entry.Name);
        _byCookie.Remove(entry);
    }

    /// <summary>The entries whose cookie is greater than <paramref name="cookie"/>, in cookie order.</summary>
    public IEnumerable<MemoryDirectoryEntry> After(long cookie) =>
        cookie >= _nextCookie - 1
            ? []
            : _byCookie.GetViewBetween(new MemoryDirectoryEntry([], 0, cookie + 1), new MemoryDirectoryEntry([], 0, long.MaxValue));
}
