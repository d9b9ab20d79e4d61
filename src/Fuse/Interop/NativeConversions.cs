using ReplicaFs.Contracts.Files;
using ReplicaFs.Fuse.FileSystem;
using ReplicaFs.Fuse.Interop.Structs;

namespace ReplicaFs.Fuse.Interop;

/// <summary>Converts between the file-system interface's values and libfuse's structs.</summary>
internal static class NativeConversions
{
    public static Stat ToStat(in NodeAttributes attributes) => new()
    {
        st_ino = attributes.Ino,
        st_mode = attributes.Mode,
        st_nlink = attributes.Nlink,
        st_uid = attributes.Uid,
        st_gid = attributes.Gid,
        st_rdev = attributes.Rdev,
        st_size = attributes.Size,
        st_blocks = attributes.Blocks,
        st_blksize = attributes.BlockSize,
        st_atim = ToTimespec(attributes.Atime),
        st_mtim = ToTimespec(attributes.Mtime),
        st_ctim = ToTimespec(attributes.Ctime),
    };

    public static FuseEntryParam ToEntryParam(in FuseEntry entry) => new()
    {
        ino = entry.NodeId,
        generation = entry.Generation,
        attr = entry.IsNegative ? default : ToStat(entry.Attributes),
        attr_timeout = Seconds(entry.AttributeTimeout),
        entry_timeout = Seconds(entry.EntryTimeout),
    };

    public static StatVfs ToStatVfs(in VolumeStats stats) => new()
    {
        f_bsize = stats.BlockSize,
        f_frsize = stats.FragmentSize,
        f_blocks = stats.Blocks,
        f_bfree = stats.FreeBlocks,
        f_bavail = stats.AvailableBlocks,
        f_files = stats.Files,
        f_ffree = stats.FreeFiles,
        f_namemax = stats.MaxNameLength,
    };

    /// <summary>Builds the setattr request from libfuse's <c>attr</c> and <c>to_set</c>; only flagged fields are read.</summary>
    public static AttributeChanges ToChanges(in Stat attr, int toSet, ulong? handle)
    {
        var fields = (SetAttributeFields)toSet;
        return new AttributeChanges
        {
            Fields = fields,
            Mode = (fields & SetAttributeFields.Mode) != 0 ? attr.st_mode : 0,
            Uid = (fields & SetAttributeFields.Uid) != 0 ? attr.st_uid : 0,
            Gid = (fields & SetAttributeFields.Gid) != 0 ? attr.st_gid : 0,
            Size = (fields & SetAttributeFields.Size) != 0 ? attr.st_size : 0,
            Atime = (fields & SetAttributeFields.Atime) != 0 ? ToTimestamp(attr.st_atim) : default,
            Mtime = (fields & SetAttributeFields.Mtime) != 0 ? ToTimestamp(attr.st_mtim) : default,
            Ctime = (fields & SetAttributeFields.Ctime) != 0 ? ToTimestamp(attr.st_ctim) : default,
            Handle = handle,
        };
    }

    public static Timespec ToTimespec(Timestamp time) => new() { tv_sec = time.Seconds, tv_nsec = time.Nanoseconds };

    public static Timestamp ToTimestamp(Timespec time) => new(time.tv_sec, (int)time.tv_nsec);

    /// <summary>A timeout in seconds as libfuse wants it; negative values become 0.</summary>
    public static double Seconds(TimeSpan timeout) => timeout <= TimeSpan.Zero ? 0 : timeout.TotalSeconds;
}
