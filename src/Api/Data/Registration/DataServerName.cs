namespace ReplicaFs.Api.Data.Registration;

/// <summary>
/// The display name of a data server (<c>--name</c>), e.g. "data-2": what the launcher calls its state directory,
/// what the metadata server shows, and who data server events and replica reports come from.
/// </summary>
internal static class DataServerName
{
    /// <summary>Longest name accepted.</summary>
    public const int MaxLength = 64;

    /// <summary>The rule, for error messages.</summary>
    public const string Rule = "A name is 1-64 characters from [a-z0-9-].";

    /// <summary>Whether <paramref name="name"/> follows <see cref="Rule"/>.</summary>
    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength } && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>The name meta gives a server that did not choose one.</summary>
    public static string Default(int serverId) => $"data-{serverId}";
}
