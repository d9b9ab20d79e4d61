using MudBlazor;
using ReplicaFs.Web.Actions;

namespace ReplicaFs.Web.Components.Live;

/// <summary>
/// Runs a dashboard action the same way everywhere: a confirmation dialog first, then the action, then a snackbar with
/// its outcome, or with its error (never swallowed). One per circuit.
/// </summary>
public sealed class ActionRunner(IDialogService dialogs, ISnackbar snackbar)
{
    /// <summary>Asks, runs and reports; returns the outcome message, or null when cancelled or failed.</summary>
    public async Task<string?> ConfirmAndRunAsync(string title, string question, string confirmText, Func<Task<string>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var confirmed = await dialogs.ShowMessageBoxAsync(title, question, yesText: confirmText, cancelText: "Cancel");
        return confirmed == true ? await RunAsync(action) : null;
    }

    /// <summary>Runs and reports without asking (for harmless actions); returns the outcome message, or null when it failed.</summary>
    public async Task<string?> RunAsync(Func<Task<string>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            var message = await action();
            snackbar.Add(message, Severity.Success);
            return message;
        }
        catch (DashboardActionException ex)
        {
            snackbar.Add(ex.Message, Severity.Error, options => options.RequireInteraction = true);
            return null;
        }
    }
}
