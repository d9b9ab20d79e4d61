using ReplicaFs.Cli;

using var signals = new ProcessSignals();
return await CliApplication.RunAsync(args, CliContext.FromProcess(), signals.Token);
