using System.CommandLine;

namespace ReplicaFs.Fuse;

/// <summary>The command line of the FUSE client.</summary>
public static class MountCommand
{
    /// <summary>Builds the root command.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("ReplicaFs FUSE client: mounts the file system with quorum reads and writes.");
        return root;
    }
}
