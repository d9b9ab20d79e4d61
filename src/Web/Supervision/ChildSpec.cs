namespace ReplicaFs.Web.Supervision;

/// <summary>How to run one process of the local cluster.</summary>
/// <param name="Name">"meta", "data-N" or "mount"; also the log file's name.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Url">Its base URL (a file: URL of the mount point for the mount).</param>
/// <param name="Executable">The assembly dotnet runs.</param>
/// <param name="Arguments">Arguments after the assembly.</param>
/// <param name="DataDirectory">A data server's data directory (emptied on restore); null for the others.</param>
public sealed record ChildSpec(string Name, ProcessKind Kind, Uri Url, string Executable, IReadOnlyList<string> Arguments, string? DataDirectory)
{
    /// <summary>The URL as the run record and the metadata server write it (no trailing slash).</summary>
    public string UrlText => Url.IsFile ? Url.AbsoluteUri : Url.GetLeftPart(UriPartial.Authority);
}
