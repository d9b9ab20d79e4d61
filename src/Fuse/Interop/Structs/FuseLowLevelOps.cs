using System.Runtime.InteropServices;

namespace ReplicaFs.Fuse.Interop.Structs;

/// <summary>
/// <c>struct fuse_lowlevel_ops</c> (libfuse 3.14): 44 function pointers in header order, 352 bytes, offset 8 × index.
/// A NULL slot makes libfuse answer ENOSYS, except open/opendir (fh 0), release/releasedir (success), statfs
/// (bsize 512, namemax 255) and the forgets (dropped). Slots the binding never fills are plain <see cref="nint"/>.
/// Parameters: <c>req</c> = <c>fuse_req_t</c> (nint), inode numbers u64, names NUL-terminated bytes, <c>size_t</c> nuint,
/// <c>off_t</c> long, <c>mode_t</c> uint, <c>dev_t</c> ulong.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseLowLevelOps
{
    /// <summary>0: <c>init(void *userdata, struct fuse_conn_info *conn)</c>.</summary>
    public delegate* unmanaged[Cdecl]<void*, FuseConnInfo*, void> init;

    /// <summary>1: <c>destroy(void *userdata)</c>.</summary>
    public delegate* unmanaged[Cdecl]<void*, void> destroy;

    /// <summary>2: <c>lookup(req, parent, name)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, void> lookup;

    /// <summary>3: <c>forget(req, ino, nlookup)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, ulong, void> forget;

    /// <summary>4: <c>getattr(req, ino, fi)</c>; fi may be NULL.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, FuseFileInfo*, void> getattr;

    /// <summary>5: <c>setattr(req, ino, attr, to_set, fi)</c>; fi is NULL unless ftruncate-like.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, Stat*, int, FuseFileInfo*, void> setattr;

    /// <summary>6: <c>readlink(req, ino)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, void> readlink;

    /// <summary>7: <c>mknod(req, parent, name, mode, rdev)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, uint, ulong, void> mknod;

    /// <summary>8: <c>mkdir(req, parent, name, mode)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, uint, void> mkdir;

    /// <summary>9: <c>unlink(req, parent, name)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, void> unlink;

    /// <summary>10: <c>rmdir(req, parent, name)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, void> rmdir;

    /// <summary>11: <c>symlink(req, link, parent, name)</c>: the target comes first.</summary>
    public delegate* unmanaged[Cdecl]<nint, byte*, ulong, byte*, void> symlink;

    /// <summary>12: <c>rename(req, parent, name, newparent, newname, flags)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, ulong, byte*, uint, void> rename;

    /// <summary>13: <c>link(req, ino, newparent, newname)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, ulong, byte*, void> link;

    /// <summary>14: <c>open(req, ino, fi)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, FuseFileInfo*, void> open;

    /// <summary>15: <c>read(req, ino, size, off, fi)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, nuint, long, FuseFileInfo*, void> read;

    /// <summary>16: <c>write(req, ino, buf, size, off, fi)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, nuint, long, FuseFileInfo*, void> write;

    /// <summary>17: <c>flush(req, ino, fi)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, FuseFileInfo*, void> flush;

    /// <summary>18: <c>release(req, ino, fi)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, FuseFileInfo*, void> release;

    /// <summary>19: <c>fsync(req, ino, datasync, fi)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, int, FuseFileInfo*, void> fsync;

    /// <summary>20: <c>opendir(req, ino, fi)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, FuseFileInfo*, void> opendir;

    /// <summary>21: <c>readdir(req, ino, size, off, fi)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, nuint, long, FuseFileInfo*, void> readdir;

    /// <summary>22: <c>releasedir(req, ino, fi)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, FuseFileInfo*, void> releasedir;

    /// <summary>23: <c>fsyncdir(req, ino, datasync, fi)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, int, FuseFileInfo*, void> fsyncdir;

    /// <summary>24: <c>statfs(req, ino)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, void> statfs;

    /// <summary>25: <c>setxattr(req, ino, name, value, size, flags)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, byte*, nuint, int, void> setxattr;

    /// <summary>26: <c>getxattr(req, ino, name, size)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, nuint, void> getxattr;

    /// <summary>27: <c>listxattr(req, ino, size)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, nuint, void> listxattr;

    /// <summary>28: <c>removexattr(req, ino, name)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, void> removexattr;

    /// <summary>29: <c>access(req, ino, mask)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, int, void> access;

    /// <summary>30: <c>create(req, parent, name, mode, fi)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, byte*, uint, FuseFileInfo*, void> create;

    /// <summary>31: <c>getlk</c> (not bound).</summary>
    public nint getlk;

    /// <summary>32: <c>setlk</c> (not bound).</summary>
    public nint setlk;

    /// <summary>33: <c>bmap</c> (not bound).</summary>
    public nint bmap;

    /// <summary>34: <c>ioctl</c> (not bound).</summary>
    public nint ioctl;

    /// <summary>35: <c>poll</c> (not bound).</summary>
    public nint poll;

    /// <summary>36: <c>write_buf</c> (not bound: data arrives through <see cref="write"/>).</summary>
    public nint write_buf;

    /// <summary>37: <c>retrieve_reply</c> (not bound).</summary>
    public nint retrieve_reply;

    /// <summary>38: <c>forget_multi(req, count, forgets)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, nuint, FuseForgetData*, void> forget_multi;

    /// <summary>39: <c>flock</c> (not bound).</summary>
    public nint flock;

    /// <summary>40: <c>fallocate(req, ino, mode, offset, length, fi)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, int, long, long, FuseFileInfo*, void> fallocate;

    /// <summary>41: <c>readdirplus(req, ino, size, off, fi)</c>.</summary>
    public delegate* unmanaged[Cdecl]<nint, ulong, nuint, long, FuseFileInfo*, void> readdirplus;

    /// <summary>42: <c>copy_file_range</c> (not bound).</summary>
    public nint copy_file_range;

    /// <summary>43: <c>lseek</c> (not bound).</summary>
    public nint lseek;
}
