using System.Text;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;

namespace ReplicaFs.Fuse.ReplicaFs;

/// <summary>
/// Extended attributes, stored by the metadata server. The <c>security.</c> and <c>system.</c> namespaces are not
/// stored: the kernel asks for <c>security.capability</c> before every write() to a file (to clear file
/// capabilities), and answering that locally saves a metadata round trip per write. Setting one is EOPNOTSUPP,
/// as on a file system without that namespace.
/// </summary>
public sealed partial class ReplicaFileSystem
{
    /// <inheritdoc />
    public override async ValueTask<Errno> SetXattrAsync(RequestContext context, ulong nodeId, ReadOnlyMemory<byte> name, ReadOnlyMemory<byte> value, XattrOptions flags)
    {
        var mode = flags switch
        {
            XattrOptions.None => ExtendedAttributeMode.Any,
            XattrOptions.Create => ExtendedAttributeMode.Create,
            XattrOptions.Replace => ExtendedAttributeMode.Replace,
            _ => (ExtendedAttributeMode?)null,
        };
        if (mode is null)
        {
            return Errno.EINVAL;
        }

        var errno = XattrName(name, out var text);
        if (errno != Errno.None)
        {
            return errno == Errno.ENODATA ? Errno.EOPNOTSUPP : errno;
        }

        try
        {
            await _client.SetExtendedAttributeAsync((long)nodeId, text, value, mode.Value);
            return Errno.None;
        }
        catch (Exception e)
        {
            return Fail(e, "setxattr", nodeId);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<FuseResult<int>> GetXattrAsync(RequestContext context, ulong nodeId, ReadOnlyMemory<byte> name, Memory<byte> buffer)
    {
        var errno = XattrName(name, out var text);
        if (errno != Errno.None)
        {
            return errno;
        }

        try
        {
            var value = await _client.GetExtendedAttributeAsync((long)nodeId, text);
            if (!buffer.IsEmpty && value.Length <= buffer.Length)
            {
                value.CopyTo(buffer);
            }

            return value.Length;
        }
        catch (Exception e)
        {
            return Fail(e, "getxattr", nodeId);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<FuseResult<int>> ListXattrAsync(RequestContext context, ulong nodeId, Memory<byte> buffer)
    {
        try
        {
            var names = await _client.ListExtendedAttributesAsync((long)nodeId);
            var length = names.Sum(n => Encoding.UTF8.GetByteCount(n) + 1);
            if (!buffer.IsEmpty && length <= buffer.Length)
            {
                var span = buffer.Span;
                foreach (var name in names)
                {
                    var written = Encoding.UTF8.GetBytes(name, span);
                    span[written] = 0;
                    span = span[(written + 1)..];
                }
            }

            return length;
        }
        catch (Exception e)
        {
            return Fail(e, "listxattr", nodeId);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<Errno> RemoveXattrAsync(RequestContext context, ulong nodeId, ReadOnlyMemory<byte> name)
    {
        var errno = XattrName(name, out var text);
        if (errno != Errno.None)
        {
            return errno;
        }

        try
        {
            await _client.RemoveExtendedAttributeAsync((long)nodeId, text);
            return Errno.None;
        }
        catch (Exception e)
        {
            return Fail(e, "removexattr", nodeId);
        }
    }

    /// <summary>
    /// Decodes an attribute name. ENODATA for names that cannot be stored here (not UTF-8, or in the security. and
    /// system. namespaces): such an attribute does not exist. ERANGE for a name over 255 bytes, as the kernel says.
    /// </summary>
    private static Errno XattrName(ReadOnlyMemory<byte> name, out string text)
    {
        text = string.Empty;
        var span = name.Span;
        if (span.StartsWith("security."u8) || span.StartsWith("system."u8))
        {
            return Errno.ENODATA;
        }

        var errno = EntryNames.Decode(span, out text);
        return errno switch
        {
            Errno.None => span.IsEmpty ? Errno.ERANGE : Errno.None,
            Errno.ENAMETOOLONG => Errno.ERANGE,
            _ => Errno.ENODATA,
        };
    }
}
