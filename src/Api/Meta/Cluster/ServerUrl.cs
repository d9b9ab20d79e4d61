using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.Cluster;

/// <summary>A data server is identified by its base URL, compared in one normalized form.</summary>
internal static class ServerUrl
{
    /// <summary>Longest URL accepted.</summary>
    public const int MaxLength = 2048;

    /// <summary>
    /// The normalized form: an absolute http or https URL without user info, query or fragment, scheme and host
    /// in lower case, and no trailing slash. Throws EINVAL for anything else.
    /// </summary>
    public static string Normalize(string? url)
    {
        var text = url?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            throw new PosixException(Errno.EINVAL, $"A data server URL is required (at most {MaxLength} characters).");
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new PosixException(Errno.EINVAL, $"'{text}' is not an absolute http:// or https:// URL.");
        }

        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new PosixException(Errno.EINVAL, $"'{text}': a data server URL has no user info, query or fragment.");
        }

        return uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }
}
