namespace ReplicaFs.Cli;

/// <summary>
/// What a command may touch of its process: its output streams, environment variables and current directory.
/// Tests run commands in-process with their own writers and environment.
/// </summary>
/// <param name="Out">Results (tables, JSON).</param>
/// <param name="Error">Errors, warnings and progress.</param>
/// <param name="Environment">Reads an environment variable (null when unset).</param>
/// <param name="CurrentDirectory">Relative paths are taken from here.</param>
/// <param name="OutIsTerminal">Whether <paramref name="Out"/> is a terminal (the screen is redrawn by <c>status --watch</c>).</param>
/// <param name="ErrorIsTerminal">Whether <paramref name="Error"/> is a terminal (progress rewrites one line).</param>
internal sealed record CliContext(
    TextWriter Out,
    TextWriter Error,
    Func<string, string?> Environment,
    string CurrentDirectory,
    bool OutIsTerminal,
    bool ErrorIsTerminal)
{
    /// <summary>The real process: the console, its environment and current directory.</summary>
    public static CliContext FromProcess() => new(
        Console.Out,
        Console.Error,
        System.Environment.GetEnvironmentVariable,
        Directory.GetCurrentDirectory(),
        !Console.IsOutputRedirected,
        !Console.IsErrorRedirected);

    /// <summary>An absolute path for <paramref name="path"/>, taken from <see cref="CurrentDirectory"/> when relative.</summary>
    public string FullPath(string path) => Path.GetFullPath(path, CurrentDirectory);
}
