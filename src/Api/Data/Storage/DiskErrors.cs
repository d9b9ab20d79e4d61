namespace ReplicaFs.Api.Data.Storage;

/// <summary>Recognises disk errors that deserve their own answer.</summary>
internal static class DiskErrors
{
    private const int ENoSpc = 28;
    private const int EDQuot = 122;

    /// <summary>Whether <paramref name="exception"/> means the file system is full (ENOSPC or EDQUOT).</summary>
    public static bool IsNoSpace(IOException exception) =>
        exception.HResult is ENoSpc or EDQuot
        || exception.Message.Contains("No space left on device", StringComparison.Ordinal);
}
