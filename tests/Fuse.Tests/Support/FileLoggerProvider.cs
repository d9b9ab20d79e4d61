using Microsoft.Extensions.Logging;

namespace ReplicaFs.Fuse.Tests.Support;

/// <summary>Log lines appended to a file: for mounts that outlive a single test (fixtures), whose output has no test.</summary>
internal sealed class FileLoggerProvider(string path) : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly StreamWriter _writer = new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };

    public string Path { get; } = path;

    public static ILoggerFactory CreateFactory(string path, out FileLoggerProvider provider)
    {
        var created = new FileLoggerProvider(path);
        provider = created;
        return LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(created));
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The last lines written, for failure messages.</summary>
    public string Tail(int characters = 20_000)
    {
        try
        {
            using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd();
            return text.Length > characters ? text[^characters..] : text;
        }
        catch (IOException e)
        {
            return $"(log unavailable: {e.Message})";
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }

    private void Write(string line)
    {
        lock (_gate)
        {
            try
            {
                _writer.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Logged after the mount was torn down.
            }
        }
    }

    private sealed class Logger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Write($"{DateTime.Now:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
    }
}
