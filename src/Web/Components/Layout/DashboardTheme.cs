using MudBlazor;

namespace ReplicaFs.Web.Components.Layout;

/// <summary>The dashboard's look: a calm palette where green, amber and red stand out, and system fonts (no web fonts to fetch).</summary>
public static class DashboardTheme
{
    /// <summary>The theme.</summary>
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fa8",
            Secondary = "#5c6bc0",
            AppbarBackground = "#16243a",
            AppbarText = "#ffffff",
            Background = "#f4f6f9",
            Surface = "#ffffff",
            DrawerBackground = "#ffffff",
            Success = "#2e7d32",
            Warning = "#ed8b00",
            Error = "#c62828",
            Info = "#0277bd",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#6ea8fe",
            Secondary = "#9fa8da",
            AppbarBackground = "#0f1726",
            Background = "#121a27",
            Surface = "#1b2535",
            DrawerBackground = "#161f2e",
            Success = "#66bb6a",
            Warning = "#ffa726",
            Error = "#ef5350",
            Info = "#4fc3f7",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
            },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "6px" },
    };
}
