using System.CommandLine;
using System.CommandLine.Parsing;

namespace ReplicaFs.Contracts.CommandLine;

/// <summary>
/// Reading an option's value inside a validator of every ReplicaFs executable. System.CommandLine runs validators even
/// when the value did not convert (<c>--port abc</c>), and reading it there throws instead of letting the parser report
/// "Cannot parse argument 'abc' for option '--port'" (dotnet/command-line-api#2645): the process died with a stack
/// trace. A validator reads values through these methods and checks only what converted.
/// </summary>
public static class ParsedOptionValues
{
    /// <summary>The option's value (given or default); false when the given text did not convert (the parser reports that).</summary>
    public static bool TryGetValue<T>(this OptionResult result, out T value)
    {
        ArgumentNullException.ThrowIfNull(result);
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    /// <summary>The value of <paramref name="option"/> in a command validator; false when its text did not convert.</summary>
    public static bool TryGetValue<T>(this CommandResult result, Option<T> option, out T? value)
    {
        ArgumentNullException.ThrowIfNull(result);
        try
        {
            value = result.GetValue(option);
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }
}
