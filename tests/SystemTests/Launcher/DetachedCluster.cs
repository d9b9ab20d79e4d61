namespace ReplicaFs.SystemTests.Launcher;

/// <summary>The lines <c>./replicafs up --detach</c> prints: <c>meta URL</c>, <c>data URL</c> (one per server), <c>web URL</c>, <c>state DIR</c>.</summary>
internal sealed record DetachedCluster(Uri Meta, IReadOnlyList<Uri> DataServers, Uri Web, string StateDirectory)
{
    /// <summary>Every server URL, meta first.</summary>
    public IEnumerable<Uri> Servers => DataServers.Prepend(Meta);

    /// <summary>Parses the output; kinds other than meta, data, web and state (added by later parts) are allowed but must be well formed.</summary>
    public static DetachedCluster Parse(string stdout)
    {
        Uri? meta = null;
        Uri? web = null;
        string? state = null;
        var data = new List<Uri>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || space == line.Length - 1)
            {
                throw new FormatException($"'{line}' is not 'KIND VALUE'");
            }

            var (kind, value) = (line[..space], line[(space + 1)..]);
            switch (kind)
            {
                case "meta" when meta is null:
                    meta = new Uri(value);
                    break;
                case "data":
                    data.Add(new Uri(value));
                    break;
                case "state" when state is null:
                    state = value;
                    break;
                case "web" when web is null:
                    web = new Uri(value);
                    break;
                case "meta" or "state" or "web":
                    throw new FormatException($"'{kind}' printed twice");
            }
        }

        return new DetachedCluster(
            meta ?? throw new FormatException("no 'meta URL' line"),
            data,
            web ?? throw new FormatException("no 'web URL' line"),
            state ?? throw new FormatException("no 'state DIR' line"));
    }
}
