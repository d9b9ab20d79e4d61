using System.Buffers;
using ReplicaFs.Fuse.Interop;

namespace ReplicaFs.Fuse.FileSystem;

/// <summary>
/// The reply buffer of one readdir or readdirplus request, filled through <c>fuse_add_direntry(_plus)</c>.
/// Add entries in cookie order until <see cref="TryAdd(ReadOnlySpan{byte}, in FuseEntry, long)"/> returns false
/// (the record did not fit and nothing was written); an empty reply ends the listing. Each entry carries the
/// offset of the <b>next</b> entry: the kernel passes the last one it consumed back as the next call's offset, so
/// offsets must stay valid while the directory changes (a stable cookie, never a list index). "." and ".." are not
/// added for you. The buffer belongs to the request: never keep it after the returned task completes.
/// </summary>
public sealed unsafe class DirectoryBuffer : IDisposable
{
    private const int StackNameLimit = 512;

    private readonly nint _request;
    private byte[]? _buffer;
    private int _used;
    private List<ulong>? _counted;

    internal DirectoryBuffer(nint request, int capacity, bool plus)
    {
        _request = request;
        Capacity = capacity;
        IsPlus = plus;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 1));
    }

    /// <summary>
    /// Whether this is a readdirplus listing. In one, every added entry other than "." and ".." with a non-zero
    /// <see cref="FuseEntry.NodeId"/> counts as one lookup of that node, exactly like a successful lookup: add it to
    /// the node's lookup count when <c>TryAdd</c> returns true. If the reply cannot be delivered, the binding gives
    /// the counts back through <see cref="FuseFileSystem.Forget"/>.
    /// </summary>
    public bool IsPlus { get; }

    /// <summary>The reply size the kernel asked for, in bytes.</summary>
    public int Capacity { get; }

    /// <summary>How many entries were added.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes filled so far.</summary>
    internal int Used => _used;

    /// <summary>Node ids that the reply will count as lookups (readdirplus only).</summary>
    internal IReadOnlyList<ulong> CountedNodes => (IReadOnlyList<ulong>?)_counted ?? [];

    /// <summary>
    /// Adds an entry. In a plain readdir only <c>Attributes.Ino</c> and the type bits of <c>Attributes.Mode</c> are
    /// sent; in readdirplus the whole entry (node id, generation, attributes, timeouts).
    /// </summary>
    /// <returns>False when the record does not fit; stop adding then.</returns>
    public bool TryAdd(ReadOnlySpan<byte> name, in FuseEntry entry, long nextOffset)
    {
        var buffer = _buffer ?? throw new ObjectDisposedException(nameof(DirectoryBuffer), "The directory request was already answered.");
        if (name.IsEmpty || name.Contains((byte)0) || name.Contains((byte)'/'))
        {
            throw new ArgumentException("A directory entry name must be non-empty, without NUL or '/'.", nameof(name));
        }

        byte[]? rented = null;
        var terminated = name.Length < StackNameLimit
            ? stackalloc byte[name.Length + 1]
            : (rented = ArrayPool<byte>.Shared.Rent(name.Length + 1)).AsSpan(0, name.Length + 1);
        try
        {
            name.CopyTo(terminated);
            terminated[name.Length] = 0;
            var isDot = name.SequenceEqual("."u8) || name.SequenceEqual(".."u8);
            var room = (nuint)(Capacity - _used);
            nuint size;
            fixed (byte* start = buffer)
            fixed (byte* namePointer = terminated)
            {
                if (IsPlus)
                {
                    var param = NativeConversions.ToEntryParam(entry);

                    // An entry without a node id still needs its inode number and type in the dirent part: with
                    // st_ino 0 the C library skips the name (readdir drops d_ino 0 entries).
                    if (entry.IsNegative)
                    {
                        param.attr = NativeConversions.ToStat(entry.Attributes);
                    }

                    if (isDot)
                    {
                        param.ino = 0;
                        param.generation = 0;
                    }

                    size = LibFuse.AddDirentryPlus(_request, start + _used, room, namePointer, &param, nextOffset);
                }
                else
                {
                    var attributes = NativeConversions.ToStat(entry.Attributes);
                    size = LibFuse.AddDirentry(_request, start + _used, room, namePointer, &attributes, nextOffset);
                }
            }

            if (size > room)
            {
                return false;
            }

            _used += (int)size;
            Count++;
            if (IsPlus && !isDot && entry.NodeId != 0)
            {
                (_counted ??= []).Add(entry.NodeId);
            }

            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Adds an entry by its attributes alone (in readdirplus: without a node id, so it counts no lookup).</summary>
    /// <returns>False when the record does not fit; stop adding then.</returns>
    public bool TryAdd(ReadOnlySpan<byte> name, in NodeAttributes attributes, long nextOffset) =>
        TryAdd(name, new FuseEntry(0, 0, attributes, TimeSpan.Zero, TimeSpan.Zero), nextOffset);

    /// <summary>Sends the filled part as the reply (exactly once) and returns libfuse's result.</summary>
    internal int Reply()
    {
        var buffer = _buffer ?? throw new ObjectDisposedException(nameof(DirectoryBuffer));
        fixed (byte* start = buffer)
        {
            return LibFuse.ReplyBuf(_request, start, (nuint)_used);
        }
    }

    /// <summary>Returns the pooled memory; later adds throw.</summary>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = null;
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
