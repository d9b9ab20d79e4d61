namespace ReplicaFs.Fuse.ReplicaFs;

/// <summary>How the ReplicaFs file system answers the kernel: cache lifetimes and I/O hints.</summary>
public sealed record ReplicaFileSystemOptions
{
    /// <summary>The longest timeout accepted: the kernel keeps what it caches this long without asking again.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(1);

    /// <summary>
    /// How long the kernel may cache an inode's attributes. Short, because other clients change files behind this
    /// mount's back and the kernel only asks again after the timeout.
    /// </summary>
    public TimeSpan AttributeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the kernel may cache a name → inode entry.</summary>
    public TimeSpan EntryTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the kernel may remember that a name does not exist (a negative entry); 0 asks every time.</summary>
    public TimeSpan NegativeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The preferred I/O size reported as <c>st_blksize</c>. Tools such as cp size their buffers from it, and each
    /// write() of a buffer becomes one FUSE WRITE of up to 1 MiB.
    /// </summary>
    public int IoBlockSize { get; init; } = 1024 * 1024;

    /// <summary>
    /// How long a directory page fetched for one readdir may serve the next one, and how long after its first page a
    /// complete listing may be served again from the kernel's readdir cache (only while the directory's version is
    /// unchanged, checked at every opendir).
    /// </summary>
    public TimeSpan ListingReuse { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Checks every value; the message names the option.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        CheckTimeout(AttributeTimeout, "The attribute timeout");
        CheckTimeout(EntryTimeout, "The entry timeout");
        CheckTimeout(NegativeTimeout, "The negative entry timeout");
        CheckTimeout(ListingReuse, "The listing reuse time");
        if (IoBlockSize is < 4096 or > 64 * 1024 * 1024 || (IoBlockSize & (IoBlockSize - 1)) != 0)
        {
            throw new ArgumentException($"The I/O block size must be a power of two from 4096 to 64 MiB (got {IoBlockSize}).", nameof(IoBlockSize));
        }
    }

    private static void CheckTimeout(TimeSpan value, string what)
    {
        if (value < TimeSpan.Zero || value > MaxTimeout)
        {
            throw new ArgumentException($"{what} must be between 0 and {MaxTimeout.TotalSeconds:0} seconds (got {value.TotalSeconds} s).");
        }
    }
}
