using ReplicaFs.Fuse;

return await MountCommand.Create().Parse(args).InvokeAsync();
