using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using ReplicaFs.Api.Data;
using ReplicaFs.Api.Data.Registration;
using ReplicaFs.Api.Meta;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.CommandLine;

namespace ReplicaFs.Api.Hosting;

/// <summary>The command line of <c>ReplicaFs.Api</c>: one executable, two roles.</summary>
public static class ServerCommand
{
    /// <summary>Builds the root command with the <c>meta</c> and <c>data</c> subcommands.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("ReplicaFs server: run the metadata server (meta) or a data server (data).");
        root.Subcommands.Add(CreateMetaCommand());
        root.Subcommands.Add(CreateDataCommand());
        return root;
    }

    private static Command CreateMetaCommand()
    {
        var common = new CommonOptions(MetaServerOptions.DefaultPort);
        var replicas = new Option<int>("--replicas")
        {
            Description = "Replicas per chunk (R), fixed when the cluster is created.",
            DefaultValueFactory = _ => 3,
        };
        replicas.Validators.Add(r =>
        {
            if (r.TryGetValue(out int parsed) && parsed is < 1 or > 16)
            {
                r.AddError("--replicas must be between 1 and 16.");
            }
        });
        var chunkSize = new Option<int>("--chunk-size")
        {
            Description = "Bytes per chunk, a multiple of 65536 between 64 KiB and 64 MiB; fixed when the cluster is created.",
            DefaultValueFactory = _ => MetaServerOptions.DefaultChunkSize,
        };
        chunkSize.Validators.Add(r =>
        {
            if (r.TryGetValue(out int value) && (value < ChunkChecksum.BlockSize || value > DataServerOptions.MaxChunkBytes || value % ChunkChecksum.BlockSize != 0))
            {
                r.AddError($"--chunk-size must be a multiple of {ChunkChecksum.BlockSize} between {ChunkChecksum.BlockSize} and {DataServerOptions.MaxChunkBytes}.");
            }
        });
        var heartbeatInterval = new Option<int>("--heartbeat-interval-ms")
        {
            Description = "How often data servers heartbeat.",
            DefaultValueFactory = _ => 1000,
        };
        var heartbeatTimeout = new Option<int>("--heartbeat-timeout-ms")
        {
            Description = "Silence after which a data server is marked down.",
            DefaultValueFactory = _ => 5000,
        };
        heartbeatTimeout.Validators.Add(r =>
        {
            if (r.TryGetValue(out int parsed) && parsed < 100)
            {
                r.AddError("--heartbeat-timeout-ms must be at least 100.");
            }
        });

        var reReplicateAfter = new Option<int>("--rereplicate-after-seconds")
        {
            Description = "How long a data server may stay down or crashed before its replicas are copied to other servers (0: never).",
            DefaultValueFactory = _ => 300,
        };
        reReplicateAfter.Validators.Add(r =>
        {
            if (r.TryGetValue(out int parsed) && parsed < 0)
            {
                r.AddError("--rereplicate-after-seconds cannot be negative.");
            }
        });
        var garbageGrace = new Option<int>("--garbage-grace-seconds")
        {
            Description = "Age after which a chunk version that was never committed is deleted as the leftover of a failed write.",
            DefaultValueFactory = _ => 600,
        };
        garbageGrace.Validators.Add(r =>
        {
            if (r.TryGetValue(out int parsed) && parsed < 1)
            {
                r.AddError("--garbage-grace-seconds must be at least 1.");
            }
        });

        var command = new Command("meta", "Run the metadata server: namespace, chunk map, membership and event log (SQLite).");
        common.AddTo(command);
        command.Options.Add(replicas);
        command.Options.Add(chunkSize);
        command.Options.Add(heartbeatInterval);
        command.Options.Add(heartbeatTimeout);
        command.Options.Add(reReplicateAfter);
        command.Options.Add(garbageGrace);
        common.AddValidators(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            // Checked here rather than in a validator: command validators do not see default values.
            if (parse.GetValue(heartbeatInterval) is var interval && (interval < 50 || interval >= parse.GetValue(heartbeatTimeout)))
            {
                await Console.Error.WriteLineAsync("error: --heartbeat-interval-ms must be at least 50 and below --heartbeat-timeout-ms.");
                return 2;
            }

            var options = common.Fill(parse, new MetaServerOptions
            {
                DataDir = parse.GetRequiredValue(common.DataDir),
                Replicas = parse.GetValue(replicas),
                ChunkSize = parse.GetValue(chunkSize),
                HeartbeatInterval = TimeSpan.FromMilliseconds(parse.GetValue(heartbeatInterval)),
                HeartbeatTimeout = TimeSpan.FromMilliseconds(parse.GetValue(heartbeatTimeout)),
                ReReplicateAfter = TimeSpan.FromSeconds(parse.GetValue(reReplicateAfter)),
                GarbageGrace = TimeSpan.FromSeconds(parse.GetValue(garbageGrace)),
            });
            return await ServerRunner.RunAsync(MetaServer.Build(options), cancellationToken);
        });
        return command;
    }

    private static Command CreateDataCommand()
    {
        var common = new CommonOptions(DataServerOptions.DefaultPort);
        var meta = new Option<Uri>("--meta")
        {
            Description = "Base URL of the metadata server, e.g. http://127.0.0.1:51234.",
            Required = true,
            CustomParser = ParseHttpUrl,
        };
        var advertise = new Option<Uri?>("--advertise-url")
        {
            Description = "URL to advertise to the metadata server and peers (default: http://LISTEN:PORT).",
            CustomParser = ParseHttpUrl,
        };
        var scrubRate = new Option<double>("--scrub-rate")
        {
            Description = "Background scrub rate in MB/s (0 disables background scrubbing).",
            DefaultValueFactory = _ => 20,
        };
        var rebuildRate = new Option<double>("--rebuild-rate")
        {
            Description = "Rebuild and catch-up rate in MB/s (above 0).",
            DefaultValueFactory = _ => 100,
        };
        scrubRate.Validators.Add(r =>
        {
            if (r.TryGetValue(out double parsed) && parsed is < 0 or > 100_000 or double.NaN)
            {
                r.AddError("--scrub-rate must be between 0 and 100000 MB/s.");
            }
        });
        rebuildRate.Validators.Add(r =>
        {
            if (r.TryGetValue(out double parsed) && parsed is <= 0 or > 100_000 or double.NaN)
            {
                r.AddError("--rebuild-rate must be above 0 and at most 100000 MB/s (an unthrottled rebuild would starve the server's clients).");
            }
        });
        var name = new Option<string?>("--name")
        {
            Description = "Display name given to the metadata server, e.g. data-2 (1-64 characters from [a-z0-9-]; default: data-{id}).",
        };
        name.Validators.Add(r =>
        {
            if (r.TryGetValue(out string? parsed) && parsed is { } value && !DataServerName.IsValid(value))
            {
                r.AddError($"--name: '{value}' is not a valid name. {DataServerName.Rule}");
            }
        });
        var assignmentInterval = Milliseconds("--assignment-interval-ms", "How often to ask the metadata server for replicas to rebuild or catch up.", 5000, 50);
        var gcInterval = Milliseconds("--gc-interval-ms", "How often to run the garbage collector.", 30_000, 50);
        var scrubPause = Milliseconds("--scrub-pause-ms", "Pause between background scrub passes (and before the first).", 600_000, 0);

        var command = new Command("data", "Run a data server: stores chunk replicas on disk, verifies and repairs them.");
        common.AddTo(command);
        command.Options.Add(meta);
        command.Options.Add(advertise);
        command.Options.Add(name);
        command.Options.Add(scrubRate);
        command.Options.Add(rebuildRate);
        command.Options.Add(assignmentInterval);
        command.Options.Add(gcInterval);
        command.Options.Add(scrubPause);
        common.AddValidators(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = common.Fill(parse, new DataServerOptions
            {
                DataDir = parse.GetRequiredValue(common.DataDir),
                MetaUrl = parse.GetRequiredValue(meta),
                AdvertiseUrl = parse.GetValue(advertise),
                Name = parse.GetValue(name),
                ScrubRateMBps = parse.GetValue(scrubRate),
                RebuildRateMBps = parse.GetValue(rebuildRate),
                AssignmentInterval = TimeSpan.FromMilliseconds(parse.GetValue(assignmentInterval)),
                GarbageCollectionInterval = TimeSpan.FromMilliseconds(parse.GetValue(gcInterval)),
                ScrubPause = TimeSpan.FromMilliseconds(parse.GetValue(scrubPause)),
            });
            return await ServerRunner.RunAsync(DataServer.Build(options), cancellationToken);
        });
        return command;
    }

    private static Option<int> Milliseconds(string name, string description, int defaultValue, int minimum)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (r.TryGetValue(out int parsed) && parsed < minimum)
            {
                r.AddError($"{name} must be at least {minimum}.");
            }
        });
        return option;
    }

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

    /// <summary>The options both roles share.</summary>
    private sealed class CommonOptions
    {
        public CommonOptions(int defaultPort)
        {
            Port = new Option<int>("--port") { Description = "TCP port to listen on (0 picks a free one).", DefaultValueFactory = _ => defaultPort };
            Port.Validators.Add(r =>
            {
                if (r.TryGetValue(out int parsed) && parsed is < 0 or > 65535)
                {
                    r.AddError("--port must be between 0 and 65535.");
                }
            });
            Listen = new Option<IPAddress>("--listen")
            {
                Description = "Address to bind. Anything but loopback requires --cluster-token.",
                DefaultValueFactory = _ => IPAddress.Loopback,
                CustomParser = r =>
                {
                    var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;
                    if (IPAddress.TryParse(text, out var address))
                    {
                        return address;
                    }

                    r.AddError($"--listen: '{text}' is not an IP address.");
                    return null;
                },
            };
            DataDir = new Option<DirectoryInfo>("--data-dir") { Description = "Directory for the server's persistent state (created if missing).", Required = true };
            AdminToken = new Option<string?>("--admin-token") { Description = $"Bearer token for admin and fault endpoints (or ${TokenVariables.Admin})." };
            EnableFaults = new Option<bool>("--enable-faults") { Description = "Expose the fault-injection endpoints (needs an admin token)." };
            ClusterToken = new Option<string?>("--cluster-token") { Description = $"Shared secret every API call must carry (or ${TokenVariables.Cluster})." };
        }

        public Option<int> Port { get; }

        public Option<IPAddress> Listen { get; }

        public Option<DirectoryInfo> DataDir { get; }

        public Option<string?> AdminToken { get; }

        public Option<bool> EnableFaults { get; }

        public Option<string?> ClusterToken { get; }

        public void AddTo(Command command)
        {
            command.Options.Add(Port);
            command.Options.Add(Listen);
            command.Options.Add(DataDir);
            command.Options.Add(AdminToken);
            command.Options.Add(EnableFaults);
            command.Options.Add(ClusterToken);
        }

        public void AddValidators(Command command)
        {
            command.Validators.Add(r =>
            {
                if (r.TryGetValue(Listen, out var listen) && listen is not null && !IPAddress.IsLoopback(listen) && string.IsNullOrEmpty(ResolveClusterToken(r.GetValue(ClusterToken))))
                {
                    r.AddError($"Refusing to listen on {listen} without a cluster token: pass --cluster-token or set ${TokenVariables.Cluster}.");
                }

                if (r.GetValue(EnableFaults) && string.IsNullOrEmpty(ResolveAdminToken(r.GetValue(AdminToken))))
                {
                    r.AddError($"--enable-faults needs an admin token: pass --admin-token or set ${TokenVariables.Admin}.");
                }
            });
        }

        public T Fill<T>(ParseResult parse, T options)
            where T : CommonServerOptions => options with
            {
                Port = parse.GetValue(Port),
                Listen = parse.GetValue(Listen) ?? IPAddress.Loopback,
                AdminToken = ResolveAdminToken(parse.GetValue(AdminToken)),
                EnableFaults = parse.GetValue(EnableFaults),
                ClusterToken = ResolveClusterToken(parse.GetValue(ClusterToken)),
            };

        private static string? ResolveAdminToken(string? value) =>
            NullIfEmpty(value) ?? NullIfEmpty(Environment.GetEnvironmentVariable(TokenVariables.Admin));

        private static string? ResolveClusterToken(string? value) =>
            NullIfEmpty(value) ?? NullIfEmpty(Environment.GetEnvironmentVariable(TokenVariables.Cluster));

        private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
    }
}
