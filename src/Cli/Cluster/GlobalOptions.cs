using System.CommandLine;
using ReplicaFs.Contracts.CommandLine;

namespace ReplicaFs.Cli.Cluster;

/// <summary>
/// Options every command understands: where the cluster is and its tokens. Without <c>--meta</c> the cluster is the one
/// recorded in the state directory (<c>--state-dir</c>, else <c>$REPLICAFS_STATE_DIR</c>, else <c>./.state</c>).
/// </summary>
internal sealed class GlobalOptions
{
    /// <summary>Environment variable naming the default state directory (the launcher sets it to the repository's .state).</summary>
    public const string StateDirVariable = "REPLICAFS_STATE_DIR";

    public Option<Uri?> Meta { get; } = new("--meta")
    {
        Description = "The metadata server's URL, e.g. http://127.0.0.1:51234 (default: the cluster of the state directory).",
        Recursive = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment))
            {
                return uri;
            }

            result.AddError($"--meta must be an http:// or https:// URL such as http://127.0.0.1:51234, not '{text}'.");
            return null;
        },
    };

    public Option<string?> StateDir { get; } = new("--state-dir")
    {
        Description = $"The local cluster's state directory, as for './replicafs up' (default: ${StateDirVariable}, else ./.state).",
        Recursive = true,
    };

    public Option<string?> AdminToken { get; } = new("--admin-token")
    {
        Description = $"The admin token for fault and admin endpoints (default: ${TokenVariables.Admin}, else the state directory's). Visible in ps: prefer the variable.",
        Recursive = true,
    };

    public Option<string?> ClusterToken { get; } = new("--cluster-token")
    {
        Description = $"The cluster token, for clusters that require one (default: ${TokenVariables.Cluster}).",
        Recursive = true,
    };

    /// <summary>Adds the options to <paramref name="root"/> (and through it to every command).</summary>
    public void AddTo(Command root)
    {
        root.Options.Add(Meta);
        root.Options.Add(StateDir);
        root.Options.Add(AdminToken);
        root.Options.Add(ClusterToken);
    }

    /// <summary>How long a local cluster that the run record does not show running gets to answer before it counts as stopped.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Finds the cluster the command is about. A cluster taken from the state directory whose run record shows no
    /// live metadata server is asked once (it may have been started by hand); when it does not answer, the command
    /// fails with a message saying that no local cluster runs there.
    /// </summary>
    public async Task<ClusterTarget> LocateAsync(ParseResult parse, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(context);
        var stateOption = parse.GetValue(StateDir);
        var statePath = context.FullPath(Blank(stateOption) ?? Blank(context.Environment(StateDirVariable)) ?? ".state");
        var state = StateDirectory.Open(statePath);
        var meta = parse.GetValue(Meta);
        if (meta is null)
        {
            if (state is null)
            {
                throw CliException.BadInput(
                    $"No cluster found: {statePath} is not the state directory of a cluster (it has no cluster.conf). " +
                    "Start one with './replicafs up', or name one with --meta URL (or --state-dir DIR).");
            }

            meta = state.MetaUrl ?? throw CliException.BadInput($"{Path.Combine(statePath, "cluster.conf")} records no metadata server port.");
            if (!state.IsRunning && !await AnswersAsync(meta, cancellationToken))
            {
                throw CliException.Failed(
                    $"No local cluster is running from {state.Path}: its run record shows no live metadata server and nothing answers at {Output.Display.Url(meta)}. " +
                    $"Start it with './replicafs up --state-dir {state.Path}', or name another cluster with --meta URL.");
            }
        }
        else if (state is not null && Blank(stateOption) is null && !SameServer(state.MetaUrl, meta))
        {
            // --meta names another cluster than the default state directory's: do not hand that cluster our token.
            state = null;
        }

        var supervisor = state is null ? null : LiveSupervisor(state);
        var adminToken = Blank(parse.GetValue(AdminToken)) ?? Blank(context.Environment(TokenVariables.Admin)) ?? state?.AdminToken;
        var clusterToken = Blank(parse.GetValue(ClusterToken)) ?? Blank(context.Environment(TokenVariables.Cluster));
        return new ClusterTarget(meta, adminToken, clusterToken, state, supervisor);
    }

    private static async Task<bool> AnswersAsync(Uri meta, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = ProbeTimeout };
        try
        {
            using var response = await http.GetAsync(new Uri(meta, "/healthz"), cancellationToken);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static Uri? LiveSupervisor(StateDirectory state) =>
        RunRecord.Read(state.Path)?.Find("web") is { IsAlive: true } web && Uri.TryCreate(web.Url, UriKind.Absolute, out var url) ? url : null;

    private static bool SameServer(Uri? a, Uri b) =>
        a is not null && Uri.Compare(a, b, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
