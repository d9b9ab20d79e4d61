namespace ReplicaFs.Fuse.FileSystem;

/// <summary>
/// How the kernel treats an opened file or directory. The values are the <c>fuse_file_info</c> bit masks that
/// libfuse copies into an open, opendir or create reply.
/// </summary>
[Flags]
public enum HandleOptions : uint
{
    None = 0,

    /// <summary>Bypass the page cache: reads and writes go to the file system at the application's size.</summary>
    DirectIo = 0x02,

    /// <summary>Keep the cached pages of the file across this open (the default drops them).</summary>
    KeepCache = 0x04,

    /// <summary>The file cannot seek.</summary>
    NonSeekable = 0x10,

    /// <summary>opendir: let the kernel cache the directory listing (use with <see cref="KeepCache"/>).</summary>
    CacheDirectory = 0x40,

    /// <summary>No flush on close.</summary>
    NoFlush = 0x80,
}
