using System.Text;

namespace ReplicaFs.Fuse.Mounting;

/// <summary>Builds the argv that <c>fuse_session_new</c> parses from <see cref="FuseMountOptions"/>.</summary>
internal static class MountArguments
{
    /// <summary>argv[0], <c>-o opt,opt,...</c> and, for debugging, <c>-d</c>.</summary>
    public static IReadOnlyList<string> Build(FuseMountOptions options)
    {
        Validate(options);
        var mountOptions = new List<string>();
        if (options.AllowOther)
        {
            mountOptions.Add("allow_other");
        }

        if (options.DefaultPermissions)
        {
            mountOptions.Add("default_permissions");
        }

        if (options.AutoUnmount)
        {
            mountOptions.Add("auto_unmount");
        }

        if (options.NoAtime)
        {
            mountOptions.Add("noatime");
        }

        mountOptions.Add(options.ReadOnly ? "ro" : "rw");
        mountOptions.Add("fsname=" + Escape(options.FileSystemName));
        mountOptions.Add("subtype=" + options.Subtype);

        var arguments = new List<string> { options.ProgramName, "-o", string.Join(',', mountOptions) };
        if (options.Debug)
        {
            arguments.Add("-d");
        }

        return arguments;
    }

    private static void Validate(FuseMountOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ProgramName))
        {
            throw new FuseMountException("The program name (argv[0]) must not be empty.");
        }

        if (string.IsNullOrEmpty(options.FileSystemName) || options.FileSystemName.Any(char.IsControl))
        {
            throw new FuseMountException("The file-system name must be non-empty and without control characters.");
        }

        if (string.IsNullOrEmpty(options.Subtype) || !options.Subtype.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw new FuseMountException($"The subtype \"{options.Subtype}\" may only contain ASCII letters, digits, '.', '_' and '-'.");
        }

        if (options.MaxThreads is < 1 or > 1000)
        {
            throw new FuseMountException("MaxThreads must be between 1 and 1000.");
        }
    }

    /// <summary>libfuse's option parser splits on commas; a backslash escapes one (as fuse_opt_add_opt_escaped does).</summary>
    private static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is ',' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
