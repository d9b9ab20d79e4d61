using System.Diagnostics;
using System.Globalization;
using System.Text;
using ReplicaFs.Testing;

namespace ReplicaFs.Web.Tests.Hosting;

/// <summary><c>ReplicaFs.Web</c> in remote mode, started from the build output in Production as an operator would.</summary>
public sealed class DashboardProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();

    private DashboardProcess(Process process, Uri url)
    {
        Process = process;
        Url = url;
    }

    public Process Process { get; }

    public Uri Url { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the dashboard watching <paramref name="metaUrl"/>, the admin token in its environment.</summary>
    public static async Task<DashboardProcess> StartAsync(Uri metaUrl, string? adminToken, CancellationToken cancellationToken)
    {
        var port = FreePorts.Next();
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { RepositoryPaths.WebDll, "--meta", metaUrl.ToString(), "--port", port.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        // Production, as when the launcher or an operator runs the build output (no ASPNETCORE_ENVIRONMENT).
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        info.Environment.Remove("DOTNET_ENVIRONMENT");
        info.Environment["DOTNET_gcServer"] = "0";
        if (adminToken is null)
        {
            info.Environment.Remove("REPLICAFS_ADMIN_TOKEN");
        }
        else
        {
            info.Environment["REPLICAFS_ADMIN_TOKEN"] = adminToken;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the dashboard");
        var dashboard = new DashboardProcess(process, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"));
        process.OutputDataReceived += (_, e) => dashboard.Append(e.Data);
        process.ErrorDataReceived += (_, e) => dashboard.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The dashboard exited with {process.ExitCode}:\n{dashboard.Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(dashboard.Url, "/healthz"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return dashboard;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200, cancellationToken);
        }

        await dashboard.DisposeAsync();
        throw new TimeoutException($"The dashboard did not answer /healthz within 60 s:\n{dashboard.Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
