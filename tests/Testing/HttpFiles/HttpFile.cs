namespace ReplicaFs.Testing.HttpFiles;

/// <summary>A parsed REST Client (<c>.http</c>) file: its file variables and its requests in order.</summary>
/// <param name="Path">Where the text came from, for messages.</param>
/// <param name="Variables">File variables (<c>@name = value</c>), values not yet expanded.</param>
/// <param name="Requests">The requests, top to bottom.</param>
public sealed record HttpFile(string Path, IReadOnlyDictionary<string, string> Variables, IReadOnlyList<HttpRequestTemplate> Requests);
