using System.Runtime.InteropServices;

namespace ReplicaFs.Testing.Network;

/// <summary>
/// A TCP port bound on 127.0.0.1 but not listening, without SO_REUSEADDR: a check for listeners sees it free, yet nobody
/// can bind it — what a port the kernel gave to an outgoing connection looks like. (A .NET <c>Socket</c> cannot stand in:
/// it always sets SO_REUSEADDR on Linux, and Kestrel's bind would then succeed beside it.)
/// </summary>
public sealed partial class BoundPort : IDisposable
{
    private const int AfInet = 2;
    private const int SockStream = 1;
    private int _fd;

    private BoundPort(int fd, int port)
    {
        _fd = fd;
        Port = port;
    }

    /// <summary>The bound port.</summary>
    public int Port { get; }

    /// <summary>Binds <paramref name="port"/> on 127.0.0.1; throws when that fails (say, it is in use).</summary>
    public static BoundPort Bind(int port)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var fd = Socket(AfInet, SockStream, 0);
        if (fd < 0)
        {
            throw new IOException($"socket() failed: errno {Marshal.GetLastPInvokeError()}");
        }

        // struct sockaddr_in: family (host order), port (network order), 127.0.0.1, 8 bytes of padding.
        byte[] address = [AfInet, 0, (byte)(port >> 8), (byte)port, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        if (BindSocket(fd, address, address.Length) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ = Close(fd);
            throw new IOException($"bind(127.0.0.1:{port}) failed: errno {errno}");
        }

        return new BoundPort(fd, port);
    }

    /// <summary>Closes the socket: the port is free again.</summary>
    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    private static partial int BindSocket(int fd, byte[] address, int length);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
