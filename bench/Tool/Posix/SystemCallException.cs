using System.Runtime.InteropServices;

namespace ReplicaFs.Bench.Posix;

/// <summary>A system call failed; carries the call, the path and errno.</summary>
public sealed class SystemCallException : Exception
{
    public SystemCallException()
    {
        Call = string.Empty;
        Path = string.Empty;
    }

    public SystemCallException(string message)
        : base(message)
    {
        Call = string.Empty;
        Path = string.Empty;
    }

    public SystemCallException(string message, Exception innerException)
        : base(message, innerException)
    {
        Call = string.Empty;
        Path = string.Empty;
    }

    public SystemCallException(string call, string path, int errno)
        : base($"{call}({path}) failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})")
    {
        Call = call;
        Path = path;
        Errno = errno;
    }

    /// <summary>The libc function that failed.</summary>
    public string Call { get; }

    /// <summary>The path it was called on.</summary>
    public string Path { get; }

    /// <summary>The errno it returned.</summary>
    public int Errno { get; }
}
