using System.Globalization;

namespace ReplicaFs.Cli.Demo;

/// <summary>
/// The demo's voice: step headings, sentences, checks, and the operator commands it runs, shown as
/// <c>$ ./replicafs …</c> with their output indented below (and kept for the checks).
/// </summary>
internal sealed class DemoNarrator(CliContext context, string stateDirectory, int steps)
{
    private const string Indent = "    ";

    /// <summary>Starts step <paramref name="number"/>.</summary>
    public void Step(int number, string title)
    {
        context.Out.WriteLine();
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"== Step {number}/{steps}: {title}"));
        context.Out.Flush();
    }

    /// <summary>A sentence of narration.</summary>
    public void Say(string text)
    {
        context.Out.WriteLine(text);
        context.Out.Flush();
    }

    /// <summary>A check that held.</summary>
    public void Ok(string text) => Say("[ok] " + text);

    /// <summary>
    /// Runs an operator command on the demo's cluster as <c>./replicafs</c> would, shows it and its output, and checks its
    /// exit code against <paramref name="expectedExitCode"/>. Returns what it printed on standard output.
    /// </summary>
    public async Task<string> RunAsync(IReadOnlyList<string> arguments, int expectedExitCode, string why, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        Say("$ ./replicafs " + string.Join(' ', arguments));
        using var stdout = new IndentingWriter(context.Out, Indent);
        using var stderr = new IndentingWriter(context.Out, Indent);
        var nested = context with { Out = stdout, Error = stderr, OutIsTerminal = false, ErrorIsTerminal = false };
        var exitCode = await CliApplication.RunAsync([.. arguments, "--state-dir", stateDirectory], nested, cancellationToken);
        await context.Out.FlushAsync(cancellationToken);
        if (exitCode != expectedExitCode)
        {
            throw new DemoStepFailedException(string.Create(
                CultureInfo.InvariantCulture,
                $"'./replicafs {string.Join(' ', arguments)}' exited with {exitCode}, not {expectedExitCode} ({why})."));
        }

        return stdout.Text;
    }

    /// <summary>Fails the step with <paramref name="message"/> unless <paramref name="condition"/> holds; says <paramref name="ok"/> when it does.</summary>
    public void Check(bool condition, string ok, string message)
    {
        if (!condition)
        {
            throw new DemoStepFailedException(message);
        }

        Ok(ok);
    }
}
