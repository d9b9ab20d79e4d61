using System.Text.Json.Serialization;

namespace ReplicaFs.Contracts.Posix;

/// <summary>What an inode is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FileKind>))]
public enum FileKind
{
    File = 0,
    Directory = 1,
    Symlink = 2,
}
