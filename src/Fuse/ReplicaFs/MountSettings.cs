using System.Globalization;

namespace ReplicaFs.Fuse.ReplicaFs;

/// <summary>
/// What <c>ReplicaFs.Fuse mount</c> was asked for, from either form of its command line:
/// <c>mount DIR [--qr Q] [--qw Q] [--meta URL]</c> or the seed's positional <c>mount DIR QR QW META-PORT [DATA-PORT…]</c>.
/// </summary>
public sealed record MountSettings
{
    /// <summary>Where the metadata server listens unless told otherwise (the seed's port).</summary>
    public static readonly Uri DefaultMetaUrl = new("http://127.0.0.1:51234");

    /// <summary>The directory to mount on.</summary>
    public required string MountPoint { get; init; }

    /// <summary>Qr; null: a majority of the cluster's replica count (3 of the seed's 4).</summary>
    public int? ReadQuorum { get; init; }

    /// <summary>Qw; null: a majority of the cluster's replica count.</summary>
    public int? WriteQuorum { get; init; }

    /// <summary>The metadata server.</summary>
    public Uri MetaUrl { get; init; } = DefaultMetaUrl;

    /// <summary>Data server ports named on the seed's command line: only checked against what meta knows.</summary>
    public IReadOnlyList<int> DataPorts { get; init; } = [];

    /// <summary>Cache lifetimes and I/O hints of the file system.</summary>
    public ReplicaFileSystemOptions FileSystem { get; init; } = new();

    /// <summary>Trace every FUSE request (libfuse -d) and log at debug level.</summary>
    public bool Debug { get; init; }

    /// <summary>
    /// Builds the settings from the parsed values, checking what the parser cannot: the positional form, ranges, the URL.
    /// </summary>
    /// <exception cref="ArgumentException">The command line is inconsistent; the message says how.</exception>
    public static MountSettings Create(
        string mountPoint,
        IReadOnlyList<string> positional,
        int? readQuorum,
        int? writeQuorum,
        string? meta,
        double attributeTimeout,
        double entryTimeout,
        double negativeTimeout,
        bool debug)
    {
        ArgumentNullException.ThrowIfNull(positional);
        var dataPorts = new List<int>();
        Uri metaUrl;
        if (positional.Count > 0)
        {
            // The seed's form: mount DIR QR QW META-PORT [DATA-PORT...].
            if (positional.Count < 3)
            {
                throw new ArgumentException($"The positional form is: mount <mountpoint> <Qr> <Qw> <meta-port> [<data-port>...]; got {positional.Count} value(s) after the mount point.");
            }

            if (readQuorum is not null || writeQuorum is not null || meta is not null)
            {
                throw new ArgumentException("Give Qr, Qw and the metadata server either positionally or with --qr/--qw/--meta, not both.");
            }

            readQuorum = ParseQuorum(positional[0], "Qr");
            writeQuorum = ParseQuorum(positional[1], "Qw");
            metaUrl = new Uri($"http://127.0.0.1:{ParsePort(positional[2], "the metadata server port")}");
            dataPorts.AddRange(positional.Skip(3).Select(p => ParsePort(p, "a data server port")));
        }
        else
        {
            metaUrl = meta is null ? DefaultMetaUrl : ParseMetaUrl(meta);
        }

        if (readQuorum is < 1)
        {
            throw new ArgumentException($"Qr must be at least 1 (got {readQuorum}).");
        }

        if (writeQuorum is < 1)
        {
            throw new ArgumentException($"Qw must be at least 1 (got {writeQuorum}).");
        }

        var fileSystem = new ReplicaFileSystemOptions
        {
            AttributeTimeout = Seconds(attributeTimeout, "--attr-timeout"),
            EntryTimeout = Seconds(entryTimeout, "--entry-timeout"),
            NegativeTimeout = Seconds(negativeTimeout, "--negative-timeout"),
        };
        fileSystem.Validate();
        return new MountSettings
        {
            MountPoint = mountPoint,
            ReadQuorum = readQuorum,
            WriteQuorum = writeQuorum,
            MetaUrl = metaUrl,
            DataPorts = dataPorts,
            FileSystem = fileSystem,
            Debug = debug,
        };
    }

    private static int ParseQuorum(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1
            ? value
            : throw new ArgumentException($"{name} must be a whole number of at least 1 (got '{text}').");

    private static int ParsePort(string text, string what) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw new ArgumentException($"{what} must be a port number from 1 to 65535 (got '{text}').");

    private static Uri ParseMetaUrl(string text)
    {
        // A bare port is the seed's habit: the metadata server on this machine.
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return new Uri($"http://127.0.0.1:{ParsePort(text, "--meta")}");
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"--meta must be an http:// or https:// URL such as {DefaultMetaUrl.ToString().TrimEnd('/')} (got '{text}').");
        }

        return url;
    }

    private static TimeSpan Seconds(double value, string option) =>
        double.IsFinite(value) && value >= 0 && value <= ReplicaFileSystemOptions.MaxTimeout.TotalSeconds
            ? TimeSpan.FromSeconds(value)
            : throw new ArgumentException($"{option} must be a number of seconds from 0 to {ReplicaFileSystemOptions.MaxTimeout.TotalSeconds:0} (got {value.ToString(CultureInfo.InvariantCulture)}).");
}
