using System.Runtime.InteropServices;

namespace ReplicaFs.Web.Supervision;

/// <summary>kill(2), for SIGTERM (Process.Kill only sends SIGKILL).</summary>
internal static partial class PosixSignals
{
    /// <summary>SIGTERM: ask a process to stop cleanly.</summary>
    public const int Terminate = 15;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process is gone.</summary>
    public static bool Send(int pid, int signal) => NativeKill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int NativeKill(int pid, int signal);
}
