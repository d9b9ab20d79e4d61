using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using ReplicaFs.Contracts.CommandLine;
using ReplicaFs.Web.Supervision;

namespace ReplicaFs.Web.Hosting;

/// <summary>
/// The command line of <c>ReplicaFs.Web</c>:
/// <c>ReplicaFs.Web --meta URL [--port P]</c> watches a cluster (remote mode);
/// <c>ReplicaFs.Web supervise --state-dir DIR --api DLL …</c> runs a local cluster and its dashboard (what <c>./replicafs up</c> starts).
/// </summary>
public static class WebCommand
{
    /// <summary>Builds the root command (remote mode) with the <c>supervise</c> subcommand.</summary>
    public static RootCommand Create()
    {
        var meta = new Option<Uri?>("--meta") { Description = "Base URL of the metadata server to watch, e.g. http://127.0.0.1:51234.", CustomParser = ParseHttpUrl };
        var port = PortOption();
        var adminToken = new Option<string?>("--admin-token")
        {
            Description = $"Admin token of the cluster, for the kill/restore/scrub/corrupt buttons (or ${TokenVariables.Admin}). It stays on the server.",
        };
        var clusterToken = new Option<string?>("--cluster-token") { Description = $"The cluster token, when the cluster uses one (or ${TokenVariables.Cluster})." };

        var root = new RootCommand("ReplicaFs dashboard. With --meta it watches a cluster (remote mode); 'supervise' runs a local cluster and its dashboard.");
        root.Options.Add(meta);
        root.Options.Add(port);
        root.Options.Add(adminToken);
        root.Options.Add(clusterToken);
        root.Subcommands.Add(CreateSuperviseCommand());
        root.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(meta) is not { } metaUrl)
            {
                await Console.Error.WriteLineAsync("error: --meta URL is required (or run 'supervise'); see --help.");
                return 2;
            }

            var options = new DashboardOptions
            {
                MetaUrl = metaUrl,
                Port = parse.GetValue(port),
                Mode = DashboardMode.Remote,
                AdminToken = NonEmpty(parse.GetValue(adminToken)) ?? NonEmpty(Environment.GetEnvironmentVariable(TokenVariables.Admin)),
                ClusterToken = NonEmpty(parse.GetValue(clusterToken)) ?? NonEmpty(Environment.GetEnvironmentVariable(TokenVariables.Cluster)),
            };
            return await RunAsync(DashboardHost.Build(options), options.Port, null, cancellationToken);
        });
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. SIGTERM and Ctrl+C are left to the host, which stops the supervised
    /// processes in order; System.CommandLine would end the process after 2 s.
    /// </summary>
    public static Task<int> RunAsync(string[] args) =>
        Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

    private static Command CreateSuperviseCommand()
    {
        var stateDir = new Option<string>("--state-dir") { Description = "The cluster's state directory (cluster.conf, run, logs/, meta/, data-N/).", Required = true };
        var api = new Option<string>("--api") { Description = "The server executable, ReplicaFs.Api.dll.", Required = true };
        var fuse = new Option<string?>("--fuse") { Description = "The FUSE client, ReplicaFs.Fuse.dll (needed when cluster.conf configures a mount)." };
        var dataServers = new Option<int?>("--data-servers") { Description = "How many of the recorded data servers to start (default: all)." };
        dataServers.Validators.Add(r =>
        {
            if (r.TryGetValue(out int? parsed) && parsed is < 1 or > 64)
            {
                r.AddError("--data-servers must be between 1 and 64.");
            }
        });
        var startTimeout = Seconds("--start-timeout", "Seconds start-up may take (meta healthy, data servers registered, mount in place).", 90);
        var stopTimeout = Seconds("--stop-timeout", "Seconds a process may take to exit after SIGTERM before SIGKILL.", 10);

        var command = new Command("supervise", $"Run the local cluster of a state directory: meta, data servers and mount as child processes, with the dashboard on its web_port. The admin token comes from ${TokenVariables.Admin}.");
        command.Options.Add(stateDir);
        command.Options.Add(api);
        command.Options.Add(fuse);
        command.Options.Add(dataServers);
        command.Options.Add(startTimeout);
        command.Options.Add(stopTimeout);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = Path.GetFullPath(parse.GetRequiredValue(stateDir));
            var token = NonEmpty(Environment.GetEnvironmentVariable(TokenVariables.Admin));
            ClusterPlan plan;
            try
            {
                if (token is null)
                {
                    throw new FormatException($"${TokenVariables.Admin} is not set: the supervisor needs the cluster's admin token.");
                }

                plan = ClusterPlan.Load(directory);
                var apiDll = Path.GetFullPath(parse.GetRequiredValue(api));
                if (!File.Exists(apiDll))
                {
                    throw new FormatException($"{apiDll} does not exist: build src/Api first.");
                }
            }
            catch (FormatException ex)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                TryWriteFailed(directory, ex.Message);
                return 2;
            }

            var supervisor = new SupervisorOptions
            {
                StateDirectory = directory,
                ApiDll = Path.GetFullPath(parse.GetRequiredValue(api)),
                FuseDll = parse.GetValue(fuse) is { } f ? Path.GetFullPath(f) : null,
                DataServers = parse.GetValue(dataServers),
                AdminToken = token,
                StartTimeout = TimeSpan.FromSeconds(parse.GetValue(startTimeout)),
                StopTimeout = TimeSpan.FromSeconds(parse.GetValue(stopTimeout)),
            };
            var options = new DashboardOptions
            {
                MetaUrl = new Uri($"http://127.0.0.1:{plan.MetaPort.ToString(CultureInfo.InvariantCulture)}"),
                Port = plan.WebPort,
                Mode = DashboardMode.Local,
                AdminToken = token,
            };
            return await RunAsync(DashboardHost.Build(options, supervisor, plan), options.Port, directory, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(WebApplication app, int port, string? stateDirectory, CancellationToken cancellationToken)
    {
        try
        {
            await app.RunAsync();
            return Environment.ExitCode;
        }
        catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            var message = $"cannot listen on 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}: {ex.Message}";
            await Console.Error.WriteLineAsync($"error: {message}");
            if (stateDirectory is not null)
            {
                TryWriteFailed(stateDirectory, message);
            }

            return 2;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static void TryWriteFailed(string stateDirectory, string reason)
    {
        try
        {
            if (Directory.Exists(stateDirectory))
            {
                StartupReport.WriteFailed(stateDirectory, "web", reason);
            }
        }
        catch (IOException)
        {
            // The message is on stderr (logs/web.log) as well.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    private static Option<int> PortOption()
    {
        var port = new Option<int>("--port") { Description = "Port to listen on, on 127.0.0.1.", DefaultValueFactory = _ => DashboardOptions.DefaultPort };
        port.Validators.Add(r =>
        {
            if (r.TryGetValue(out int parsed) && parsed is < 1 or > 65535)
            {
                r.AddError("--port must be between 1 and 65535.");
            }
        });
        return port;
    }

    private static Option<int> Seconds(string name, string description, int defaultValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (r.TryGetValue(out int parsed) && parsed is < 1 or > 3600)
            {
                r.AddError($"{name} must be between 1 and 3600 seconds.");
            }
        });
        return option;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Uri? ParseHttpUrl(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        result.AddError($"'{text}' is not an absolute http:// or https:// URL.");
        return null;
    }
}
