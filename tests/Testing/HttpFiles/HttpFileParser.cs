using System.Globalization;
using System.Text.RegularExpressions;

namespace ReplicaFs.Testing.HttpFiles;

/// <summary>
/// Parses the subset of the REST Client (<c>.http</c>) format the team uses:
/// file variables (<c>@name = value</c>), requests separated by lines starting with <c>###</c>, comment lines
/// (<c>#</c> or <c>//</c>) carrying <c># @name</c> and <c># @expect STATUS</c>, the request line
/// (<c>METHOD URL [HTTP/1.1]</c>), header lines, a blank line, and a text body up to the next separator.
/// Anything else is rejected with the file and line, so that a file never silently means something else.
/// </summary>
public static partial class HttpFileParser
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT"];

    /// <summary>Reads and parses the file at <paramref name="path"/>.</summary>
    public static HttpFile Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses <paramref name="text"/>; <paramref name="path"/> only names it in messages.</summary>
    public static HttpFile Parse(string text, string path = "(text)")
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var requests = new List<HttpRequestTemplate>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var start = 0;
        for (var i = 0; i <= lines.Length; i++)
        {
            if (i == lines.Length || IsSeparator(lines[i]))
            {
                if (ParseBlock(lines, start, i, path, variables) is { } request)
                {
                    if (request.Name is { } name && !names.Add(name))
                    {
                        throw new HttpFileFormatException(path, request.Line, $"a request named '{name}' already exists in this file");
                    }

                    requests.Add(request);
                }

                start = i + 1;
            }
        }

        return new HttpFile(path, variables, requests);
    }

    private static bool IsSeparator(string line) => line.TrimStart().StartsWith("###", StringComparison.Ordinal);

    private static bool IsComment(string trimmed) =>
        trimmed.StartsWith('#') || trimmed.StartsWith("//", StringComparison.Ordinal);

    /// <summary>Parses lines [<paramref name="from"/>, <paramref name="to"/>) holding at most one request.</summary>
    private static HttpRequestTemplate? ParseBlock(string[] lines, int from, int to, string path, Dictionary<string, string> variables)
    {
        string? name = null;
        int? expect = null;
        var metadataLine = 0;
        var i = from;

        // Before the request line: blank lines, comments (with @name / @expect), file variables.
        for (; i < to; i++)
        {
            var trimmed = lines[i].Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            if (IsComment(trimmed))
            {
                ParseMetadata(trimmed, path, i + 1, ref name, ref expect);
                metadataLine = name is not null || expect is not null ? i + 1 : metadataLine;
                continue;
            }

            if (trimmed.StartsWith('@'))
            {
                var match = VariableLine().Match(trimmed);
                if (!match.Success)
                {
                    throw new HttpFileFormatException(path, i + 1, $"expected a file variable '@name = value', found '{trimmed}'");
                }

                variables[match.Groups["name"].Value] = match.Groups["value"].Value.Trim();
                continue;
            }

            break;
        }

        if (i == to)
        {
            if (name is not null || expect is not null)
            {
                throw new HttpFileFormatException(path, metadataLine, "'# @name' or '# @expect' without a request after it");
            }

            return null;
        }

        var requestLineNumber = i + 1;
        var (method, url) = ParseRequestLine(lines[i].Trim(), path, requestLineNumber);
        i++;

        // Headers until the first blank line; comment lines in between are skipped.
        var headers = new List<KeyValuePair<string, string>>();
        for (; i < to; i++)
        {
            var trimmed = lines[i].Trim();
            if (trimmed.Length == 0)
            {
                i++;
                break;
            }

            if (IsComment(trimmed))
            {
                continue;
            }

            var header = HeaderLine().Match(trimmed);
            if (!header.Success)
            {
                throw new HttpFileFormatException(path, i + 1,
                    $"expected a header 'Name: value' or a blank line before the body, found '{trimmed}' (query continuation lines are not supported)");
            }

            headers.Add(new(header.Groups["name"].Value, header.Groups["value"].Value.Trim()));
        }

        // The body: everything up to the separator, without the blank lines that end the block.
        var end = to;
        while (end > i && lines[end - 1].Trim().Length == 0)
        {
            end--;
        }

        string? body = null;
        if (end > i)
        {
            if (lines[i].TrimStart().StartsWith("< ", StringComparison.Ordinal))
            {
                throw new HttpFileFormatException(path, i + 1, "bodies read from files ('< path') are not supported; write the body inline");
            }

            body = string.Join('\n', lines[i..end]);
        }

        return new HttpRequestTemplate(requestLineNumber, name, expect, method, url, headers, body);
    }

    private static void ParseMetadata(string comment, string path, int line, ref string? name, ref int? expect)
    {
        var match = MetadataLine().Match(comment);
        if (!match.Success)
        {
            return;
        }

        var value = match.Groups["value"].Value.Trim();
        switch (match.Groups["key"].Value)
        {
            case "name":
                if (!RequestName().IsMatch(value))
                {
                    throw new HttpFileFormatException(path, line, $"'# @name {value}': a request name is a letter or '_' followed by letters, digits, '_' or '-'");
                }

                if (name is not null)
                {
                    throw new HttpFileFormatException(path, line, $"the request already has the name '{name}'");
                }

                name = value;
                break;
            case "expect":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status is < 100 or > 599)
                {
                    throw new HttpFileFormatException(path, line, $"'# @expect {value}': expected one HTTP status code such as 404");
                }

                if (expect is not null)
                {
                    throw new HttpFileFormatException(path, line, "the request already has an '# @expect'");
                }

                expect = status;
                break;
        }
    }

    private static (string Method, string Url) ParseRequestLine(string line, string path, int lineNumber)
    {
        var match = RequestLine().Match(line);
        if (!match.Success)
        {
            throw new HttpFileFormatException(path, lineNumber, $"expected a request line 'METHOD URL [HTTP/1.1]', found '{line}'");
        }

        var method = match.Groups["method"].Success ? match.Groups["method"].Value.ToUpperInvariant() : "GET";
        if (!Methods.Contains(method, StringComparer.Ordinal))
        {
            throw new HttpFileFormatException(path, lineNumber, $"unknown HTTP method '{match.Groups["method"].Value}'");
        }

        return (method, match.Groups["url"].Value);
    }

    [GeneratedRegex(@"^@(?<name>[A-Za-z_][A-Za-z0-9_.-]*)\s*=(?<value>.*)$")]
    private static partial Regex VariableLine();

    [GeneratedRegex(@"^(?:#|//)\s*@(?<key>name|expect)(?:\s+(?<value>.*))?$")]
    private static partial Regex MetadataLine();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex RequestName();

    // The URL has no spaces except inside {{…}} (as in {{$randomInt 1 100}}).
    [GeneratedRegex(@"^(?:(?<method>[A-Za-z]+)\s+)?(?<url>(?=https?://|\{\{)(?:\{\{[^{}]*\}\}|[^\s{])+)(?:\s+HTTP/\d(?:\.\d)?)?$")]
    private static partial Regex RequestLine();

    [GeneratedRegex(@"^(?<name>[!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:(?<value>.*)$")]
    private static partial Regex HeaderLine();
}
