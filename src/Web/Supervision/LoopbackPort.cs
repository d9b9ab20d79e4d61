using System.Net;
using System.Net.Sockets;

namespace ReplicaFs.Web.Supervision;

/// <summary>Whether a process could listen on a loopback port now.</summary>
public static class LoopbackPort
{
    /// <summary>
    /// True when nothing listens on 127.0.0.1:<paramref name="port"/>. A killed server's port is free for anyone: if
    /// another program took it meanwhile, a restarted server could not listen, and its health check would reach the
    /// other program instead.
    /// </summary>
    public static bool IsFree(int port)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            listener.Listen(1);
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            return false;
        }
    }
}
