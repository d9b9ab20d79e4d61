using ReplicaFs.Cli;

return await CliApplication.RunAsync(args, CliContext.FromProcess());
