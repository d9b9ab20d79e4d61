using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using ReplicaFs.Web.Actions;
using ReplicaFs.Web.Cluster;
using ReplicaFs.Web.Components.Live;
using ReplicaFs.Web.Events;
using ReplicaFs.Web.Files;
using ReplicaFs.Web.Hosting;
using ReplicaFs.Web.Tests.Fakes;

namespace ReplicaFs.Web.Tests.Components;

/// <summary>
/// A bUnit context with the dashboard's services replaced by test doubles: the pages get their snapshots from a
/// <see cref="FakeClusterFeed"/> exactly as from the real poller, so these tests cover the UI logic alone.
/// </summary>
public abstract class DashboardTestContext : BunitContext
{
    protected DashboardTestContext()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton<IClusterFeed>(Feed);
        Services.AddSingleton<IServerActions>(Actions);
        Services.AddSingleton<IFileBrowser>(Browser);
        Services.AddSingleton<IFileRepair>(Repair);
        Services.AddSingleton<IEventArchive>(_ => Archive);
        Services.AddSingleton(_ => Options);
        Services.AddScoped<ActionRunner>();
    }

    public FakeClusterFeed Feed { get; } = new(Snapshots.Loading());

    public FakeServerActions Actions { get; } = new(DashboardMode.Remote);

    public FakeFileBrowser Browser { get; } = new();

    public FakeFileRepair Repair { get; } = new();

    public FakeEventArchive Archive { get; set; } = new([]);

    public DashboardOptions Options { get; set; } = new() { MetaUrl = new Uri(Snapshots.MetaUrl), AdminToken = "admin-token-for-tests" };

    /// <summary>Renders the providers MudBlazor's popovers, dialogs and snackbars need; returns the dialog provider.</summary>
    protected IRenderedComponent<MudDialogProvider> RenderProviders()
    {
        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
        return Render<MudDialogProvider>();
    }

    /// <summary>Sets the mode of the actions and options (local supervisor or remote).</summary>
    protected void UseMode(DashboardMode mode)
    {
        Actions.Mode = mode;
        Options = Options with { Mode = mode };
    }

    /// <summary>Clicks the dialog's confirm button (the one with <paramref name="text"/>).</summary>
    protected static void Confirm(IRenderedComponent<MudDialogProvider> dialogs, string text)
    {
        dialogs.WaitForAssertion(() => dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == text).Click(), TimeSpan.FromSeconds(5));
    }

    /// <summary>The snackbars shown so far.</summary>
    protected IReadOnlyList<(string Message, Severity Severity)> Snackbars =>
        [.. Services.GetRequiredService<ISnackbar>().ShownSnackbars.Select(s => (s.Message ?? string.Empty, s.Severity))];
}
