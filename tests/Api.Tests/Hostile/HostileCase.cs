using System.Text;

namespace ReplicaFs.Api.Tests.Hostile;

/// <summary>How a hostile request may be answered.</summary>
internal enum Verdict
{
    /// <summary>Must be refused with a 4xx ProblemDetails document.</summary>
    Refused,

    /// <summary>A 2xx is acceptable (a read that finds nothing is still a correct answer); never a 5xx, never a write.</summary>
    MayRead,

    /// <summary>Refused before the application sees it (Kestrel's own 4xx, which has no body); never a 5xx, never a write.</summary>
    RefusedByProtocol,
}

/// <summary>One hostile request: exact request bytes and how it may be answered.</summary>
/// <param name="Operation">The operation it targets.</param>
/// <param name="Description">What is wrong with it, for failure messages.</param>
/// <param name="Method">The request method.</param>
/// <param name="Target">The request target exactly as sent (path and query, escaped or not).</param>
/// <param name="Headers">Header lines, <c>Name: value</c>.</param>
/// <param name="Body">The body bytes.</param>
/// <param name="Verdict">How it may be answered.</param>
internal sealed record HostileCase(
    ApiOperation Operation,
    string Description,
    string Method,
    string Target,
    IReadOnlyList<string> Headers,
    byte[] Body,
    Verdict Verdict)
{
    /// <summary>The request line and headers, with Host and (unless a header gives one) Content-Length.</summary>
    public string Head(Uri server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var head = new StringBuilder();
        head.Append(Method).Append(' ').Append(Target).Append(" HTTP/1.1\r\n");
        head.Append("Host: ").Append(server.Authority).Append("\r\n");
        foreach (var header in Headers)
        {
            head.Append(header).Append("\r\n");
        }

        var framed = Headers.Any(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase) || h.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase));
        if (!framed && (Body.Length > 0 || Method is "POST" or "PUT" or "PATCH"))
        {
            head.Append("Content-Length: ").Append(Body.Length).Append("\r\n");
        }

        return head.ToString();
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var target = Target.Length > 160 ? Target[..160] + $"…({Target.Length} chars)" : Target;
        return $"{Operation.OperationId}: {Description} — {Method} {target}";
    }
}
