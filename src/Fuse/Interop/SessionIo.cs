using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ReplicaFs.Fuse.FileSystem;
using ReplicaFs.Fuse.Interop.Structs;

namespace ReplicaFs.Fuse.Interop;

/// <summary>
/// The session's /dev/fuse I/O functions (<c>fuse_session_custom_io</c>), installed for two reasons:
/// <list type="number">
/// <item>The libfuse 3.14 PARALLEL_DIROPS workaround (fuse-interop.md §14.10). libfuse keeps FUSE_CAP_PARALLEL_DIROPS
/// in <c>want</c> but never copies it into the INIT reply, so the kernel serialises LOOKUP and READDIR per directory.
/// The replies then pass through <see cref="Writev"/>, which ORs the bit into <c>fuse_init_out.flags</c> (u32 at
/// byte 12 of <c>iov[1]</c>) of the first reply, the INIT reply. Without the workaround, libc's <c>writev</c> is used
/// directly.</item>
/// <item>Giving the session a /dev/fuse descriptor numbered above every other (see <see cref="FuseSession"/>), which
/// makes auto_unmount reliable when the process is killed.</item>
/// </list>
/// <para>
/// The <c>read</c> slot is libc's own <c>read</c>, not a managed hook: when the multi-threaded loop ends, libfuse
/// cancels its idle workers with <c>pthread_cancel</c> while they are blocked in that read, and a forced unwind must
/// never cross managed frames. libfuse calls it (and libc's <c>writev</c>) with a fourth argument (userdata), which the
/// x86-64 System V ABI lets a three-argument function ignore (it arrives in a register nobody reads). Replies are
/// written with cancellation disabled (inside request processing) or from thread-pool threads, so the managed writev
/// is safe.
/// </para>
/// </summary>
internal static unsafe class SessionIo
{
    private const int InitOutFlagsOffset = 12;
    private const int OutHeaderErrorOffset = 4;
    private const int OutHeaderSize = 16;

    /// <summary>The I/O table; the managed <c>writev</c> hook only when the INIT reply is to be patched.</summary>
    public static FuseCustomIo CreateTable(bool patchInitReply) => new()
    {
        writev = patchInitReply ? &Writev : (delegate* unmanaged[Cdecl]<int, IoVec*, int, void*, nint>)LibC.WritevFunction,
        read = LibC.ReadFunction,
    };

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint Writev(int fd, IoVec* iov, int count, void* userdata)
    {
        try
        {
            var session = FuseSession.FromUserData(userdata);
            var isInitReply = session.TakeInitReply();
            var replyError = 0;
            if (isInitReply && count >= 1 && iov[0].iov_len >= OutHeaderSize)
            {
                replyError = *(int*)((byte*)iov[0].iov_base + OutHeaderErrorOffset);
                if (replyError == 0 && session.PatchParallelDirOps && count >= 2 && iov[1].iov_len >= InitOutFlagsOffset + sizeof(uint))
                {
                    *(uint*)((byte*)iov[1].iov_base + InitOutFlagsOffset) |= (uint)FuseCapabilities.ParallelDirOps;
                }
            }

            var written = LibC.Writev(fd, iov, count);
            var errno = written < 0 ? Marshal.GetLastPInvokeError() : 0;
            if (isInitReply)
            {
                session.OnInitReplySent(replyError, errno);
            }

            if (written < 0)
            {
                // libfuse reads errno right after this returns (ENOENT = interrupted request).
                *LibC.ErrnoLocation() = errno;
            }

            return written;
        }
        catch (Exception)
        {
            *LibC.ErrnoLocation() = 5;
            return -1;
        }
    }
}
