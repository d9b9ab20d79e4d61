namespace ReplicaFs.Api.Data.Storage;

/// <summary>Recognises disk errors that deserve their own answer.</summary>
internal static class DiskErrors
{
    private const int ENoSpc = 28;
    private const int EDQuot = 122;

    /// <summary>
    /// Whether <paramref name="exception"/> means the file system is full (ENOSPC or EDQUOT). .NET reports a failed
    /// preallocation ("Failed to create … with allocation size … because the disk was full") without the errno, so
    /// its message counts too (the servers run with invariant globalization: messages are English).
    /// </summary>
    public static bool IsNoSpace(IOException exception) =>
        exception.HResult is ENoSpc or EDQuot
        || exception.Message.Contains("No space left on device", StringComparison.Ordinal)
        || exception.Message.Contains("Disk quota exceeded", StringComparison.Ordinal)
        || exception.Message.Contains("because the disk was full", StringComparison.Ordinal);
}
