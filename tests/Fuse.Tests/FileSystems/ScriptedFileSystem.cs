using System.Text;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;

namespace ReplicaFs.Fuse.Tests.FileSystems;

/// <summary>
/// A flat, read-only test file system whose root holds any name asked for. Names steer it: "boom*" throws
/// synchronously, "late-boom*" throws after an await, "missing*" does not exist, everything else is a file holding
/// "ok". Listing throws. Lookups can be slowed down to show how many run at once.
/// </summary>
internal sealed class ScriptedFileSystem : FuseFileSystem
{
    private static ReadOnlySpan<byte> Content => "ok"u8;

    private readonly TimeSpan _lookupDelay;
    private int _lookupsInFlight;
    private int _maxLookupsInFlight;
    private int _destroyed;

    public ScriptedFileSystem(TimeSpan lookupDelay = default)
    {
        _lookupDelay = lookupDelay;
    }

    /// <summary>Most lookups seen in flight at the same time.</summary>
    public int MaxLookupsInFlight => Volatile.Read(ref _maxLookupsInFlight);

    /// <summary>Whether Destroy ran.</summary>
    public bool Destroyed => Volatile.Read(ref _destroyed) == 1;

    public override void Destroy() => Volatile.Write(ref _destroyed, 1);

    public override async ValueTask<FuseResult<FuseEntry>> LookupAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name)
    {
        var text = Encoding.UTF8.GetString(name.Span);
        if (text.StartsWith("boom", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("synchronous failure in lookup");
        }

        var now = Interlocked.Increment(ref _lookupsInFlight);
        try
        {
            InterlockedMax(ref _maxLookupsInFlight, now);
            if (_lookupDelay > TimeSpan.Zero)
            {
                await Task.Delay(_lookupDelay);
            }
            else
            {
                await Task.Yield();
            }

            if (text.StartsWith("late-boom", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("asynchronous failure in lookup");
            }

            if (text.StartsWith("missing", StringComparison.Ordinal))
            {
                return Errno.ENOENT;
            }

            var nodeId = NodeIdOf(text);
            return new FuseEntry(nodeId, 1, FileAttributes(nodeId), TimeSpan.Zero, TimeSpan.Zero);
        }
        finally
        {
            Interlocked.Decrement(ref _lookupsInFlight);
        }
    }

    public override ValueTask<FuseResult<TimedAttributes>> GetAttributesAsync(RequestContext context, ulong nodeId, ulong? handle) =>
        new(new TimedAttributes(nodeId == 1 ? DirectoryAttributes() : FileAttributes(nodeId), TimeSpan.Zero));

    public override ValueTask<FuseResult<int>> ReadAsync(RequestContext context, ulong nodeId, ulong handle, long offset, Memory<byte> buffer)
    {
        var count = (int)Math.Clamp(Content.Length - offset, 0, buffer.Length);
        Content.Slice((int)Math.Min(offset, Content.Length), count).CopyTo(buffer.Span);
        return new(count);
    }

    public override ValueTask<Errno> ReadDirectoryAsync(RequestContext context, ulong nodeId, ulong handle, long offset, DirectoryBuffer buffer) =>
        throw new InvalidOperationException("listing is not supported here");

    private static ulong NodeIdOf(string name) => 2 + ((ulong)(uint)name.GetHashCode(StringComparison.Ordinal) << 1);

    private static NodeAttributes DirectoryAttributes() => new() { Ino = 1, Mode = PosixMode.Directory | 0x1ED, Nlink = 2, Mtime = new Timestamp(1, 0) };

    private static NodeAttributes FileAttributes(ulong nodeId) => new()
    {
        Ino = nodeId,
        Mode = PosixMode.RegularFile | 0x1A4,
        Nlink = 1,
        Size = Content.Length,
        Mtime = new Timestamp(1, 0),
    };

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
