using Microsoft.Playwright;

namespace ReplicaFs.Web.Tests.Browser;

/// <summary>Debian's Chromium driven by Playwright; no browser is ever downloaded.</summary>
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>Launches headless Chromium; fails with the command that installs it when it is missing.</summary>
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: install Debian's Chromium with 'apt-get install -y chromium' (./replicafs test installs it when run as root).");
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath, Headless = true });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Where screenshots go: docs/images when REPLICAFS_UPDATE_SCREENSHOTS=1, else the test output folder.</summary>
    public static string ScreenshotPath(string name)
    {
        var folder = Environment.GetEnvironmentVariable("REPLICAFS_UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(Testing.RepositoryPaths.Root, "docs", "images")
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
