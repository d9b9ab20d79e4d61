using ReplicaFs.Fuse;

return await MountCommand.RunAsync(args);
