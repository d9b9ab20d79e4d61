using ReplicaFs.Api.Hosting;

return await ServerCommand.Create().Parse(args).InvokeAsync();
