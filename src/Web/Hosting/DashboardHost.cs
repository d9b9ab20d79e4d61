using System.Net;
using Microsoft.AspNetCore.DataProtection;
using MudBlazor;
using MudBlazor.Services;
using ReplicaFs.Web.Components;
using ReplicaFs.Web.Supervision;

namespace ReplicaFs.Web.Hosting;

/// <summary>Builds the dashboard's web application (and, locally, the supervisor inside it).</summary>
public static class DashboardHost
{
    /// <summary>Builds the app for <paramref name="options"/>; with <paramref name="supervisor"/> it also runs the local cluster.</summary>
    public static WebApplication Build(DashboardOptions options, SupervisorOptions? supervisor = null, ClusterPlan? plan = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(DashboardHost).Assembly.GetName().Name,
            // The launcher starts the dashboard from anywhere: content (and the static asset manifests) live beside the dll.
            ContentRootPath = AppContext.BaseDirectory,
        });

        // blazor.web.js, MudBlazor's and our own assets are described by the build's static web assets manifest. ASP.NET
        // Core reads it only in Development; read it in every environment, so that running the build output works
        // (a published app has no such manifest and serves wwwroot, which this leaves alone).
        builder.WebHost.UseStaticWebAssets();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, options.Port);
        });

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = supervisor is null
            ? TimeSpan.FromSeconds(10)
            : (supervisor.StopTimeout * 3) + TimeSpan.FromSeconds(60));
        // Keys for circuits and antiforgery live in memory: nothing is written to ~/.aspnet, and a restarted dashboard
        // simply starts new circuits.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddDashboard(options);
        if (supervisor is not null)
        {
            builder.Services.AddSupervisor(supervisor, plan ?? throw new ArgumentNullException(nameof(plan)));
        }

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices(mud =>
        {
            mud.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            mud.SnackbarConfiguration.PreventDuplicates = false;
            mud.SnackbarConfiguration.VisibleStateDuration = 8000;
            mud.SnackbarConfiguration.ShowCloseIcon = true;
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks();

        var app = builder.Build();
        app.UseExceptionHandler("/Error", createScopeForErrors: true);
        app.UseWhen(
            context => !context.Request.Path.StartsWithSegments("/api"),
            pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapHealthChecks("/healthz");
        if (supervisor is not null)
        {
            app.MapSupervisorEndpoints(supervisor.AdminToken);
        }

        return app;
    }
}
