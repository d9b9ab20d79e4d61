using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Files;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>Short forms of namespace calls used by many tests.</summary>
public static class NamespaceTestExtensions
{
    /// <summary>A new directory with a unique name under the root, so tests sharing a server never meet.</summary>
    public static async Task<TestDirectory> NewTestDirectoryAsync(this INamespaceApi api)
    {
        var name = $"t-{Guid.NewGuid():N}";
        var attributes = await api.MakeDirectoryAsync(1, new MakeDirectoryRequest(name, 0x1ED, 1000, 1000), TestContext.Current.CancellationToken);
        return new TestDirectory(attributes.Ino, "/" + name, attributes);
    }

    /// <summary>Creates a regular file (mode 0644, owner 1000:1000).</summary>
    public static Task<InodeAttributes> NewFileAsync(this INamespaceApi api, long parent, string name) =>
        api.CreateFileAsync(parent, new CreateFileRequest(name, 0x1A4, 1000, 1000), TestContext.Current.CancellationToken);

    /// <summary>Creates a directory (mode 0755, owner 1000:1000).</summary>
    public static Task<InodeAttributes> NewDirectoryAsync(this INamespaceApi api, long parent, string name) =>
        api.MakeDirectoryAsync(parent, new MakeDirectoryRequest(name, 0x1ED, 1000, 1000), TestContext.Current.CancellationToken);

    /// <summary>Attributes of an inode.</summary>
    public static Task<InodeAttributes> AttributesAsync(this INamespaceApi api, long ino) =>
        api.GetAttributesAsync(ino, TestContext.Current.CancellationToken);

    /// <summary>Every entry of a directory, following the cookies.</summary>
    public static async Task<List<DirectoryEntry>> ListAllAsync(this INamespaceApi api, long directory, int? limit = null)
    {
        var entries = new List<DirectoryEntry>();
        long? after = null;
        do
        {
            var page = await api.ReadDirectoryAsync(directory, after, limit, TestContext.Current.CancellationToken);
            entries.AddRange(page.Entries);
            after = page.NextCookie;
        }
        while (after is not null);

        return entries;
    }
}

/// <summary>A test's own directory under the root.</summary>
/// <param name="Ino">Its inode.</param>
/// <param name="Path">Its absolute path.</param>
/// <param name="Attributes">Its attributes when it was created.</param>
public sealed record TestDirectory(long Ino, string Path, InodeAttributes Attributes);
