namespace ReplicaFs.Cli;

/// <summary>
/// The exit codes of every command (docs/cli.md lists them). 0, 1 and 2 carry the cluster's health where a command
/// judges it (status, fsck); 3 and 4 say that the command could not do its work, and why.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Done; the cluster (or what was checked) is healthy.</summary>
    public const int Ok = 0;

    /// <summary><c>status</c>: degraded. <c>scrub</c>: corruption found. <c>repair</c>: some replica is still bad.</summary>
    public const int Degraded = 1;

    /// <summary><c>status</c>: unavailable (or the metadata server does not answer). <c>fsck</c>: a file has fewer good replicas than Qr.</summary>
    public const int Unavailable = 2;

    /// <summary>The command failed: a server did not answer, answered an error, or a wait timed out.</summary>
    public const int Failed = 3;

    /// <summary>Bad input, nothing changed: an unknown option, server or path, a directory where a file is needed, no admin token, a refused action.</summary>
    public const int BadInput = 4;

    /// <summary>Interrupted by Ctrl+C or SIGTERM (128 + SIGINT).</summary>
    public const int Interrupted = 130;
}
