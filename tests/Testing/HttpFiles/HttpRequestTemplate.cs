namespace ReplicaFs.Testing.HttpFiles;

/// <summary>One request of an <see cref="HttpFile"/>, before variables are expanded.</summary>
/// <param name="Line">1-based line of the request line in the file.</param>
/// <param name="Name">The <c># @name</c> other requests refer to it by, if any.</param>
/// <param name="ExpectedStatus">The <c># @expect</c> status; null means any 2xx.</param>
/// <param name="Method">HTTP method (upper case).</param>
/// <param name="Url">The URL template.</param>
/// <param name="Headers">Header templates in file order.</param>
/// <param name="Body">The body template, or null when the request has none.</param>
public sealed record HttpRequestTemplate(
    int Line,
    string? Name,
    int? ExpectedStatus,
    string Method,
    string Url,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string? Body)
{
    /// <summary>The request line as written, e.g. <c>GET {{meta}}/healthz</c>.</summary>
    public string RequestLine => $"{Method} {Url}";

    /// <summary>Whether <paramref name="status"/> is what this request expects.</summary>
    public bool Accepts(int status) => ExpectedStatus is { } expected ? status == expected : status is >= 200 and < 300;

    /// <summary>The expectation in words, for failure messages.</summary>
    public string Expectation => ExpectedStatus is { } expected ? expected.ToString(System.Globalization.CultureInfo.InvariantCulture) : "2xx";
}
