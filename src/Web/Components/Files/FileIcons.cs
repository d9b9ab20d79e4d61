using MudBlazor;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Web.Components.Formatting;

namespace ReplicaFs.Web.Components.Files;

/// <summary>Icons and ls-style letters for file kinds.</summary>
public static class FileIcons
{
    /// <summary>The icon of a kind.</summary>
    public static string Of(FileKind kind) => kind switch
    {
        FileKind.Directory => Icons.Material.Filled.Folder,
        FileKind.Symlink => Icons.Material.Filled.Link,
        _ => Icons.Material.Outlined.InsertDriveFile,
    };

    /// <summary>The ls-style mode string.</summary>
    public static string Mode(InodeAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var letter = attributes.Kind switch
        {
            FileKind.Directory => FileKindLetter.Directory,
            FileKind.Symlink => FileKindLetter.Symlink,
            _ => FileKindLetter.File,
        };
        return Display.Mode(attributes.Mode, letter);
    }
}
