using System.Diagnostics;
using ReplicaFs.Testing;

namespace ReplicaFs.SystemTests.Launcher;

/// <summary>
/// <c>./replicafs test</c> installs the packages it needs (Chromium for the dashboard's browser tests) when run as root,
/// and tells anyone else what to install. <c>dpkg-query</c> and <c>apt-get</c> are replaced by recording fakes on PATH,
/// so nothing is installed and no network is used; both runs stop at the package step, before any build.
/// </summary>
public sealed class LauncherPackagesTests(ITestOutputHelper output) : IDisposable
{
    private const int Nobody = 65534;
    private readonly string _fakes = Directory.CreateTempSubdirectory("replicafs-fake-apt-").FullName;

    [Fact(Timeout = 120_000)]
    public async Task Test_as_root_installs_a_missing_chromium_with_apt_get()
    {
        Assert.SkipUnless(Environment.UserName == "root", "needs root: this is the path CI takes");
        var cancellationToken = TestContext.Current.CancellationToken;
        WriteFakes(missing: "chromium");

        var (exitCode, stderr) = await RunTestCommandAsync(asNobody: false, cancellationToken);

        // The fake apt-get installs nothing, so the launcher notices that chromium is still missing and stops.
        Assert.Equal(1, exitCode);
        var apt = await File.ReadAllLinesAsync(Path.Combine(_fakes, "apt-get.log"), cancellationToken);
        Assert.Contains(apt, line => line.Contains(" update", StringComparison.Ordinal));
        Assert.Contains(apt, line => line.EndsWith(" install -y -q chromium", StringComparison.Ordinal));
        Assert.Contains("Installing chromium with apt-get", stderr, StringComparison.Ordinal);
        Assert.Contains("chromium is still not installed after apt-get install", stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Test_as_another_user_names_the_missing_chromium_and_how_to_install_it()
    {
        var asNobody = Environment.UserName == "root";
        Assert.SkipWhen(asNobody && !File.Exists("/usr/bin/setpriv"), "needs setpriv to run the launcher as another user");
        var cancellationToken = TestContext.Current.CancellationToken;
        WriteFakes(missing: "chromium");

        var (exitCode, stderr) = await RunTestCommandAsync(asNobody, cancellationToken);

        Assert.Equal(1, exitCode);
        Assert.Contains("missing packages: chromium (", stderr, StringComparison.Ordinal);
        Assert.Contains("chromium: the dashboard's browser tests", stderr, StringComparison.Ordinal);
        Assert.Contains("sudo apt-get update && sudo apt-get install -y chromium", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_fakes, "apt-get.log")), "apt-get ran for a user who is not root");
    }

    public void Dispose() => Directory.Delete(_fakes, recursive: true);

    /// <summary>A dpkg-query that reports every package installed except <paramref name="missing"/>, and an apt-get that only records its arguments.</summary>
    private void WriteFakes(string missing)
    {
        WriteScript("dpkg-query", $$"""
            #!/bin/sh
            # dpkg-query -W -f='${Status}' PACKAGE
            for last; do :; done
            [ "$last" = "{{missing}}" ] && exit 1
            printf 'install ok installed'
            """);
        WriteScript("apt-get", $"""
            #!/bin/sh
            echo "apt-get $*" >> {_fakes}/apt-get.log
            """);
        File.SetUnixFileMode(_fakes, (UnixFileMode)0b111_101_101);
    }

    private void WriteScript(string name, string text)
    {
        var path = Path.Combine(_fakes, name);
        File.WriteAllText(path, text.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
    }

    /// <summary>
    /// A copy of the launcher that another user can reach: a clone may sit under a directory only its owner can enter
    /// (<c>mktemp -d</c> makes them 0700), and then running the repository's own launcher as nobody fails with 126
    /// before it starts. The launcher reads nothing else from the repository before its package step.
    /// </summary>
    private string LauncherForEveryone()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_fakes, "launcher")).FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        var copy = Path.Combine(directory, "replicafs");
        File.Copy(RepositoryPaths.Launcher, copy);
        File.SetUnixFileMode(copy, (UnixFileMode)0b111_101_101);
        return copy;
    }

    private async Task<(int ExitCode, string Stderr)> RunTestCommandAsync(bool asNobody, CancellationToken cancellationToken)
    {
        var info = asNobody
            ? new ProcessStartInfo("/usr/bin/setpriv", [$"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", LauncherForEveryone(), "test"])
            : new ProcessStartInfo(RepositoryPaths.Launcher, ["test"]);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.WorkingDirectory = Path.GetTempPath();
        info.Environment["PATH"] = $"{_fakes}:{Environment.GetEnvironmentVariable("PATH")}";
        info.Environment["HOME"] = Path.GetTempPath();

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the launcher");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("./replicafs test did not stop at the package step within 60 s");
        }

        var text = await stderr;
        output.WriteLine($"exit {process.ExitCode}\nstdout:\n{await stdout}\nstderr:\n{text}");
        return (process.ExitCode, text);
    }
}
