namespace ReplicaFs.Fuse.ReplicaFs;

/// <summary>
/// Running totals of the requests the file system served, for diagnostics and tests (e.g. that the kernel sends 1 MiB
/// writes). Updated with interlocked increments; reading them is a snapshot of each value, not of all together.
/// </summary>
public sealed class ReplicaFileSystemCounters
{
    private long _lookups;
    private long _getattrs;
    private long _reads;
    private long _readBytes;
    private long _writes;
    private long _writeBytes;
    private long _largestWrite;
    private long _largestRead;
    private long _listings;

    public long Lookups => Volatile.Read(ref _lookups);

    public long GetAttributes => Volatile.Read(ref _getattrs);

    public long Reads => Volatile.Read(ref _reads);

    public long ReadBytes => Volatile.Read(ref _readBytes);

    public long Writes => Volatile.Read(ref _writes);

    public long WriteBytes => Volatile.Read(ref _writeBytes);

    /// <summary>The largest WRITE request seen, in bytes.</summary>
    public long LargestWrite => Volatile.Read(ref _largestWrite);

    /// <summary>The largest READ request seen, in bytes.</summary>
    public long LargestRead => Volatile.Read(ref _largestRead);

    /// <summary>readdir and readdirplus requests.</summary>
    public long Listings => Volatile.Read(ref _listings);

    internal void Lookup() => Interlocked.Increment(ref _lookups);

    internal void GetAttribute() => Interlocked.Increment(ref _getattrs);

    internal void Listing() => Interlocked.Increment(ref _listings);

    internal void Read(int requested, int count)
    {
        Interlocked.Increment(ref _reads);
        Interlocked.Add(ref _readBytes, count);
        Max(ref _largestRead, requested);
    }

    internal void Write(int count)
    {
        Interlocked.Increment(ref _writes);
        Interlocked.Add(ref _writeBytes, count);
        Max(ref _largestWrite, count);
    }

    private static void Max(ref long field, long value)
    {
        var current = Volatile.Read(ref field);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref field, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
