using System.CommandLine;
using ReplicaFs.Contracts.CommandLine;

namespace ReplicaFs.Cli.Commands;

/// <summary>The <c>--timeout SECONDS</c> option of the commands that wait for the cluster (kill, restore, scrub).</summary>
internal static class WaitTimeoutOption
{
    /// <summary>--timeout SECONDS, 1 to 86400, defaulting to <paramref name="seconds"/>.</summary>
    public static Option<int> Create(int seconds)
    {
        var option = new Option<int>("--timeout")
        {
            Description = "Seconds to wait at most.",
            DefaultValueFactory = _ => seconds,
        };
        option.Validators.Add(r =>
        {
            if (r.TryGetValue(out int parsed) && parsed is < 1 or > 86_400)
            {
                r.AddError("--timeout must be between 1 and 86400 seconds.");
            }
        });
        return option;
    }
}
