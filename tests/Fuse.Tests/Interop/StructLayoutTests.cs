using System.Reflection;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;
using ReplicaFs.Fuse.Interop.Structs;
using ReplicaFs.Fuse.Tests.Support;

namespace ReplicaFs.Fuse.Tests.Interop;

/// <summary>Every interop struct against the sizes and offsets measured in fuse-interop.md (§4, §14.3; x86-64, libfuse 3.14).</summary>
public sealed unsafe class StructLayoutTests
{
    private static readonly string[] LowLevelOpsInHeaderOrder =
    [
        "init", "destroy", "lookup", "forget", "getattr", "setattr", "readlink", "mknod", "mkdir", "unlink", "rmdir",
        "symlink", "rename", "link", "open", "read", "write", "flush", "release", "fsync", "opendir", "readdir",
        "releasedir", "fsyncdir", "statfs", "setxattr", "getxattr", "listxattr", "removexattr", "access", "create",
        "getlk", "setlk", "bmap", "ioctl", "poll", "write_buf", "retrieve_reply", "forget_multi", "flock", "fallocate",
        "readdirplus", "copy_file_range", "lseek",
    ];

    [Fact]
    public void Fuse_lowlevel_ops_has_44_pointer_slots_in_header_order()
    {
        Assert.Equal(352, sizeof(FuseLowLevelOps));
        var fields = typeof(FuseLowLevelOps).GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .OrderBy(f => f.MetadataToken)
            .ToArray();
        Assert.Equal(LowLevelOpsInHeaderOrder, fields.Select(f => f.Name));

        var ops = default(FuseLowLevelOps);
        var start = (byte*)&ops;
        Assert.Equal(0, (byte*)&ops.init - start);
        Assert.Equal(16, (byte*)&ops.lookup - start);
        Assert.Equal(40, (byte*)&ops.setattr - start);
        Assert.Equal(112, (byte*)&ops.open - start);
        Assert.Equal(168, (byte*)&ops.readdir - start);
        Assert.Equal(240, (byte*)&ops.create - start);
        Assert.Equal(304, (byte*)&ops.forget_multi - start);
        Assert.Equal(320, (byte*)&ops.fallocate - start);
        Assert.Equal(328, (byte*)&ops.readdirplus - start);
        Assert.Equal(344, (byte*)&ops.lseek - start);
    }

    [Fact]
    public void Stat_matches_glibc_x86_64()
    {
        Assert.Equal(144, sizeof(Stat));
        var s = default(Stat);
        var start = (byte*)&s;
        Assert.Equal(0, (byte*)&s.st_dev - start);
        Assert.Equal(8, (byte*)&s.st_ino - start);
        Assert.Equal(16, (byte*)&s.st_nlink - start);
        Assert.Equal(24, (byte*)&s.st_mode - start);
        Assert.Equal(28, (byte*)&s.st_uid - start);
        Assert.Equal(32, (byte*)&s.st_gid - start);
        Assert.Equal(40, (byte*)&s.st_rdev - start);
        Assert.Equal(48, (byte*)&s.st_size - start);
        Assert.Equal(56, (byte*)&s.st_blksize - start);
        Assert.Equal(64, (byte*)&s.st_blocks - start);
        Assert.Equal(72, (byte*)&s.st_atim - start);
        Assert.Equal(88, (byte*)&s.st_mtim - start);
        Assert.Equal(104, (byte*)&s.st_ctim - start);
    }

    [Fact]
    public void Stat_reads_a_real_file_the_way_dotnet_sees_it()
    {
        var path = Path.Combine(TempDirectory.Create("stat"), "file");
        try
        {
            File.WriteAllBytes(path, new byte[12345]);
            Assert.Equal(Errno.None, Posix.Chmod(path, 0x1A0));
            var when = new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc).AddTicks(1234567);
            File.SetLastWriteTimeUtc(path, when);

            var stat = Posix.StatOrThrow(path);

            Assert.Equal(12345, stat.st_size);
            Assert.Equal(0x8000u | 0x1A0u, stat.st_mode);
            Assert.Equal(1ul, stat.st_nlink);
            Assert.Equal(new DateTimeOffset(when).ToUnixTimeSeconds(), stat.st_mtim.tv_sec);
            Assert.Equal(123456700, stat.st_mtim.tv_nsec);
        }
        finally
        {
            TempDirectory.Remove(Path.GetDirectoryName(path)!);
        }
    }

    [Fact]
    public void Fuse_entry_param_is_176_bytes_with_stat_at_16()
    {
        Assert.Equal(176, sizeof(FuseEntryParam));
        var e = default(FuseEntryParam);
        var start = (byte*)&e;
        Assert.Equal(0, (byte*)&e.ino - start);
        Assert.Equal(8, (byte*)&e.generation - start);
        Assert.Equal(16, (byte*)&e.attr - start);
        Assert.Equal(160, (byte*)&e.attr_timeout - start);
        Assert.Equal(168, (byte*)&e.entry_timeout - start);
    }

    [Fact]
    public void Fuse_file_info_is_40_bytes_with_the_bit_field_word_at_4()
    {
        Assert.Equal(40, sizeof(FuseFileInfo));
        var fi = default(FuseFileInfo);
        var start = (byte*)&fi;
        Assert.Equal(0, (byte*)&fi.flags - start);
        Assert.Equal(4, (byte*)&fi.bits - start);
        Assert.Equal(16, (byte*)&fi.fh - start);
        Assert.Equal(24, (byte*)&fi.lock_owner - start);
        Assert.Equal(32, (byte*)&fi.poll_events - start);

        Assert.Equal(0x01u, FuseFileInfo.WritePage);
        Assert.Equal(0x02u, FuseFileInfo.DirectIo);
        Assert.Equal(0x04u, FuseFileInfo.KeepCache);
        Assert.Equal(0x08u, FuseFileInfo.Flush);
        Assert.Equal(0x10u, FuseFileInfo.NonSeekable);
        Assert.Equal(0x20u, FuseFileInfo.FlockRelease);
        Assert.Equal(0x40u, FuseFileInfo.CacheReaddir);
        Assert.Equal(0x80u, FuseFileInfo.NoFlush);
        Assert.Equal(FuseFileInfo.DirectIo, (uint)HandleOptions.DirectIo);
        Assert.Equal(FuseFileInfo.KeepCache, (uint)HandleOptions.KeepCache);
        Assert.Equal(FuseFileInfo.NonSeekable, (uint)HandleOptions.NonSeekable);
        Assert.Equal(FuseFileInfo.CacheReaddir, (uint)HandleOptions.CacheDirectory);
        Assert.Equal(FuseFileInfo.NoFlush, (uint)HandleOptions.NoFlush);
    }

    [Fact]
    public void Fuse_conn_info_is_128_bytes()
    {
        Assert.Equal(128, sizeof(FuseConnInfo));
        var c = default(FuseConnInfo);
        var start = (byte*)&c;
        Assert.Equal(0, (byte*)&c.proto_major - start);
        Assert.Equal(4, (byte*)&c.proto_minor - start);
        Assert.Equal(8, (byte*)&c.max_write - start);
        Assert.Equal(12, (byte*)&c.max_read - start);
        Assert.Equal(16, (byte*)&c.max_readahead - start);
        Assert.Equal(20, (byte*)&c.capable - start);
        Assert.Equal(24, (byte*)&c.want - start);
        Assert.Equal(28, (byte*)&c.max_background - start);
        Assert.Equal(32, (byte*)&c.congestion_threshold - start);
        Assert.Equal(36, (byte*)&c.time_gran - start);
    }

    [Fact]
    public void Small_structs_match()
    {
        Assert.Equal(16, sizeof(FuseCtx));
        var ctx = default(FuseCtx);
        Assert.Equal(4, (byte*)&ctx.gid - (byte*)&ctx);
        Assert.Equal(8, (byte*)&ctx.pid - (byte*)&ctx);
        Assert.Equal(12, (byte*)&ctx.umask - (byte*)&ctx);

        Assert.Equal(16, sizeof(FuseForgetData));
        var forget = default(FuseForgetData);
        Assert.Equal(8, (byte*)&forget.nlookup - (byte*)&forget);

        Assert.Equal(16, sizeof(Timespec));
        var time = default(Timespec);
        Assert.Equal(8, (byte*)&time.tv_nsec - (byte*)&time);

        Assert.Equal(24, sizeof(FuseArgs));
        var args = default(FuseArgs);
        Assert.Equal(8, (byte*)&args.argv - (byte*)&args);
        Assert.Equal(16, (byte*)&args.allocated - (byte*)&args);

        Assert.Equal(32, sizeof(FuseCustomIo));
        var io = default(FuseCustomIo);
        Assert.Equal(0, (byte*)&io.writev - (byte*)&io);
        Assert.Equal(8, (byte*)&io.read - (byte*)&io);
        Assert.Equal(16, (byte*)&io.splice_receive - (byte*)&io);
        Assert.Equal(24, (byte*)&io.splice_send - (byte*)&io);

        Assert.Equal(16, sizeof(IoVec));
        var iov = default(IoVec);
        Assert.Equal(8, (byte*)&iov.iov_len - (byte*)&iov);
    }

    [Fact]
    public void Statvfs_is_112_bytes()
    {
        Assert.Equal(112, sizeof(StatVfs));
        var s = default(StatVfs);
        var start = (byte*)&s;
        Assert.Equal(0, (byte*)&s.f_bsize - start);
        Assert.Equal(8, (byte*)&s.f_frsize - start);
        Assert.Equal(16, (byte*)&s.f_blocks - start);
        Assert.Equal(24, (byte*)&s.f_bfree - start);
        Assert.Equal(32, (byte*)&s.f_bavail - start);
        Assert.Equal(40, (byte*)&s.f_files - start);
        Assert.Equal(48, (byte*)&s.f_ffree - start);
        Assert.Equal(56, (byte*)&s.f_favail - start);
        Assert.Equal(64, (byte*)&s.f_fsid - start);
        Assert.Equal(72, (byte*)&s.f_flag - start);
        Assert.Equal(80, (byte*)&s.f_namemax - start);
    }

    [Fact]
    public void Capability_and_setattr_bits_match_the_headers()
    {
        Assert.Equal(1u << 0, (uint)FuseCapabilities.AsyncRead);
        Assert.Equal(1u << 3, (uint)FuseCapabilities.AtomicOTrunc);
        Assert.Equal(1u << 13, (uint)FuseCapabilities.ReaddirPlus);
        Assert.Equal(1u << 16, (uint)FuseCapabilities.WritebackCache);
        Assert.Equal(1u << 18, (uint)FuseCapabilities.ParallelDirOps);
        Assert.Equal(1u << 20, (uint)FuseCapabilities.HandleKillPriv);

        Assert.Equal(0x1, (int)SetAttributeFields.Mode);
        Assert.Equal(0x2, (int)SetAttributeFields.Uid);
        Assert.Equal(0x4, (int)SetAttributeFields.Gid);
        Assert.Equal(0x8, (int)SetAttributeFields.Size);
        Assert.Equal(0x10, (int)SetAttributeFields.Atime);
        Assert.Equal(0x20, (int)SetAttributeFields.Mtime);
        Assert.Equal(0x80, (int)SetAttributeFields.AtimeNow);
        Assert.Equal(0x100, (int)SetAttributeFields.MtimeNow);
        Assert.Equal(0x400, (int)SetAttributeFields.Ctime);
    }
}
