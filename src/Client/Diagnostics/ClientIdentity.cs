namespace ReplicaFs.Client.Diagnostics;

/// <summary>How the client names itself in events and replica reports.</summary>
internal static class ClientIdentity
{
    /// <summary>"client:{host}/{pid}".</summary>
    public static string Default => $"client:{Environment.MachineName}/{Environment.ProcessId}";
}
