using System.Globalization;

namespace ReplicaFs.SystemTests.Launcher;

/// <summary>A process in the launcher's run record (<c>STATE/run</c>: <c>process NAME PID START-TICKS URL</c> lines).</summary>
internal sealed record RecordedProcess(string Name, int Pid, Uri Url)
{
    /// <summary>The processes recorded in <paramref name="stateDirectory"/>, or none when there is no record.</summary>
    public static IReadOnlyList<RecordedProcess> Read(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, "run");
        if (!File.Exists(path))
        {
            return [];
        }

        return [.. File.ReadAllLines(path)
            .Select(line => line.Split(' ', 5))
            .Where(fields => fields is ["process", _, _, _, _])
            .Select(fields => new RecordedProcess(fields[1], int.Parse(fields[2], CultureInfo.InvariantCulture), new Uri(fields[4])))];
    }

    /// <summary>Whether the process still runs (a zombie waiting to be reaped does not count).</summary>
    public bool IsRunning
    {
        get
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{Pid}/stat");
                var state = stat[(stat.LastIndexOf(')') + 2)..][0];
                return state is not ('Z' or 'X');
            }
            catch (IOException)
            {
                return false;
            }
        }
    }
}
