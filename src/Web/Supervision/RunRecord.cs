using System.Globalization;
using System.Text;

namespace ReplicaFs.Web.Supervision;

/// <summary>
/// The launcher's run record (<c>STATE/run</c>), so that <c>./replicafs down</c> can stop exactly what runs even when
/// the supervisor is gone:
/// <code>
/// boot BOOT-ID
/// process NAME PID START-TICKS URL
/// </code>
/// The supervisor writes itself as <c>web</c> first, then every child it started (with its latest pid). The file is
/// replaced atomically, so a reader never sees half of it.
/// </summary>
public static class RunRecord
{
    /// <summary>The file name inside the state directory.</summary>
    public const string FileName = "run";

    /// <summary>One <c>process</c> line.</summary>
    public sealed record Entry(string Name, int Pid, long StartTicks, string Url);

    /// <summary>The record's text for <paramref name="entries"/>.</summary>
    public static string Format(string bootId, IEnumerable<Entry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"boot {bootId}\n");
        foreach (var entry in entries)
        {
            if (entry.Name.Contains(' ', StringComparison.Ordinal) || entry.Url.Contains(' ', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Run record fields cannot contain spaces: '{entry.Name}' '{entry.Url}'.", nameof(entries));
            }

            text.Append(CultureInfo.InvariantCulture, $"process {entry.Name} {entry.Pid} {entry.StartTicks} {entry.Url}\n");
        }

        return text.ToString();
    }

    /// <summary>Replaces the record in <paramref name="stateDirectory"/>.</summary>
    public static void Write(string stateDirectory, IEnumerable<Entry> entries) =>
        AtomicFile.Write(Path.Combine(stateDirectory, FileName), Format(ProcStat.BootId(), entries));

    /// <summary>Removes the record (after a clean stop).</summary>
    public static void Remove(string stateDirectory) => File.Delete(Path.Combine(stateDirectory, FileName));
}
