using System.Reflection;

namespace ReplicaFs.Testing;

/// <summary>Where the repository and the built executables are, as recorded when the test support library was built.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository root (holds ReplicaFs.sln).</summary>
    public static string Root { get; } = Metadata("ReplicaFs.RepositoryRoot");

    /// <summary>The build configuration (Debug or Release) the tests were built with.</summary>
    public static string Configuration { get; } = Metadata("ReplicaFs.Configuration");

    /// <summary>The server executable (both roles).</summary>
    public static string ApiDll => Output("Api", "ReplicaFs.Api");

    /// <summary>The FUSE client executable.</summary>
    public static string FuseDll => Output("Fuse", "ReplicaFs.Fuse");

    /// <summary>The dashboard executable.</summary>
    public static string WebDll => Output("Web", "ReplicaFs.Web");

    /// <summary>The launcher script.</summary>
    public static string Launcher => Path.Combine(Root, "replicafs");

    /// <summary>The folder of REST Client files.</summary>
    public static string HttpFolder => Path.Combine(Root, "http");

    private static string Output(string project, string assembly) =>
        Path.Combine(Root, "src", project, "bin", Configuration, "net10.0", assembly + ".dll");

    private static string Metadata(string key) =>
        typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is missing.");
}
