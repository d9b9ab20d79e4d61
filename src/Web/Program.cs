using ReplicaFs.Web.Hosting;

return await WebCommand.RunAsync(args);
