namespace ReplicaFs.Web.Components.Files;

/// <summary>Dashboard addresses of files and directories: <c>/files/a/b%20c</c> for <c>/a/b c</c>.</summary>
public static class FileLinks
{
    /// <summary>The page of the file or directory at the absolute <paramref name="path"/>.</summary>
    public static string For(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.EscapeDataString);
        return "/files/" + string.Join('/', parts);
    }

    /// <summary>
    /// The absolute path of a page's route parameter (<c>null</c> or empty is the root). The router has already
    /// decoded it: decoding again would turn a name like <c>a%41</c> into <c>aA</c>.
    /// </summary>
    public static string PathOf(string? route)
    {
        if (string.IsNullOrEmpty(route))
        {
            return "/";
        }

        return "/" + string.Join('/', route.Split('/', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The path of <paramref name="name"/> inside directory <paramref name="directory"/>.</summary>
    public static string Child(string directory, string name) => directory == "/" ? "/" + name : directory + "/" + name;

    /// <summary>The breadcrumbs of a path: (name, address) from the root down.</summary>
    public static IReadOnlyList<(string Name, string Href)> Breadcrumbs(string path)
    {
        var crumbs = new List<(string, string)> { ("/", "/files") };
        var current = "/";
        foreach (var part in (path ?? "/").Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current = Child(current, part);
            crumbs.Add((part, For(current)));
        }

        return crumbs;
    }
}
