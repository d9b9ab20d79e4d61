using ReplicaFs.Bench.Commands;

return await BenchCommand.Create().Parse(args).InvokeAsync();
