using System.Globalization;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.Cluster;

/// <summary>
/// Display names of data servers: chosen by the operator at registration (e.g. the name of the server's state
/// directory) or <c>data-{id}</c>; unique in a cluster, compared case-insensitively.
/// </summary>
internal static class ServerNames
{
    /// <summary>Longest name accepted.</summary>
    public const int MaxLength = 64;

    /// <summary>The name asked for, trimmed, or null when none was; EINVAL when it is empty, too long or has control characters.</summary>
    public static string? Validate(string? name)
    {
        if (name is null)
        {
            return null;
        }

        var trimmed = name.Trim();
        if (trimmed.Length is 0 or > MaxLength || trimmed.Any(char.IsControl))
        {
            throw new PosixException(Errno.EINVAL, $"A server name has 1-{MaxLength} printable characters.");
        }

        return trimmed;
    }

    /// <summary>EEXIST (409) when another server already uses <paramref name="name"/>.</summary>
    public static void EnsureFree(IClusterStore servers, string name, int? ownId)
    {
        var holder = servers.FindServerByName(name);
        if (holder is not null && holder.Id != ownId)
        {
            throw new PosixException(Errno.EEXIST, $"The server name '{name}' is already used by {holder.Name} at {holder.Url}. Choose another name.");
        }
    }

    /// <summary><c>data-{id}</c>, or when an operator gave that name to another server, <c>data-{id}-2</c>, <c>-3</c>, ….</summary>
    public static string ChooseDefault(IClusterStore servers, int id)
    {
        var name = ServerRecord.DefaultName(id);
        for (var n = 2; servers.FindServerByName(name) is { } holder && holder.Id != id; n++)
        {
            name = ServerRecord.DefaultName(id) + "-" + n.ToString(CultureInfo.InvariantCulture);
        }

        return name;
    }
}
