using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Web.Components.Events;

/// <summary>The event page's filter: kind prefix, lowest severity, server and free text (all optional, combined with AND).</summary>
/// <param name="KindPrefix">"replica." matches every replica event; empty matches all.</param>
/// <param name="MinimumSeverity">Only events at least this severe.</param>
/// <param name="ServerId">Only events about this data server.</param>
/// <param name="Text">Case-insensitive text in the message, kind, source or path.</param>
public sealed record EventFilter(string? KindPrefix = null, EventSeverity MinimumSeverity = EventSeverity.Info, int? ServerId = null, string? Text = null)
{
    /// <summary>Whether the filter lets everything through.</summary>
    public bool IsEmpty => string.IsNullOrWhiteSpace(KindPrefix) && MinimumSeverity == EventSeverity.Info && ServerId is null && string.IsNullOrWhiteSpace(Text);

    /// <summary>Whether <paramref name="e"/> passes.</summary>
    public bool Matches(ClusterEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!string.IsNullOrWhiteSpace(KindPrefix) && !e.Kind.StartsWith(KindPrefix.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (e.Severity < MinimumSeverity)
        {
            return false;
        }

        if (ServerId is { } server && e.ServerId != server)
        {
            return false;
        }

        if (!string.IsNullOrWhiteSpace(Text))
        {
            var text = Text.Trim();
            return e.Message.Contains(text, StringComparison.OrdinalIgnoreCase)
                || e.Kind.Contains(text, StringComparison.OrdinalIgnoreCase)
                || e.Source.Contains(text, StringComparison.OrdinalIgnoreCase)
                || (e.Path?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false);
        }

        return true;
    }
}
