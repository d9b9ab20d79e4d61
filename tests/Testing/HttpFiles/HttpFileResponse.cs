namespace ReplicaFs.Testing.HttpFiles;

/// <summary>What a named request received, for later <c>{{name.response.…}}</c> references.</summary>
/// <param name="Status">HTTP status code.</param>
/// <param name="Headers">Response and content headers (case-insensitive names; repeated values joined with ", ").</param>
/// <param name="Body">The body as text (UTF-8).</param>
public sealed record HttpFileResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body);
