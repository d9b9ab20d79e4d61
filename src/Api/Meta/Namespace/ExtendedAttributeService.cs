using System.Text;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.Namespace;

/// <summary>
/// Extended attributes (getxattr, setxattr, listxattr, removexattr). Names are 1-255 UTF-8 bytes (ERANGE otherwise),
/// values at most 64 KiB (E2BIG otherwise). Name prefixes (user., trusted., ...) are the kernel's business.
/// </summary>
internal sealed class ExtendedAttributeService(IMetaDatabase database, TimeProvider clock)
{
    /// <summary>Names of an inode's extended attributes, sorted.</summary>
    public Task<ExtendedAttributeNames> ListAsync(long ino, CancellationToken cancellationToken) =>
        database.ReadAsync(tx =>
        {
            tx.RequireInode(ino);
            return new ExtendedAttributeNames(tx.Namespace.ListAttributeNames(ino));
        }, cancellationToken);

    /// <summary>The value of one attribute; ENODATA if it does not exist.</summary>
    public Task<byte[]> GetAsync(long ino, string? name, CancellationToken cancellationToken)
    {
        var valid = ValidName(name);
        return database.ReadAsync(tx =>
        {
            tx.RequireInode(ino);
            return tx.Namespace.GetAttribute(ino, valid) ?? throw NoSuchAttribute(valid);
        }, cancellationToken);
    }

    /// <summary>Sets one attribute: <see cref="ExtendedAttributeMode.Create"/> fails with EEXIST, <see cref="ExtendedAttributeMode.Replace"/> with ENODATA.</summary>
    public Task SetAsync(long ino, string? name, byte[] value, ExtendedAttributeMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        var valid = ValidName(name);
        EnsureValueFits(value.Length);
        if (!Enum.IsDefined(mode))
        {
            throw new PosixException(Errno.EINVAL, "'mode' must be Any, Create or Replace.");
        }

        return database.WriteAsync(tx =>
        {
            var inode = tx.RequireInode(ino);
            var exists = tx.Namespace.GetAttribute(ino, valid) is not null;
            if (mode == ExtendedAttributeMode.Create && exists)
            {
                throw new PosixException(Errno.EEXIST, $"Extended attribute '{valid}' already exists.");
            }

            if (mode == ExtendedAttributeMode.Replace && !exists)
            {
                throw NoSuchAttribute(valid);
            }

            tx.Namespace.SetAttribute(ino, valid, value);
            tx.Namespace.UpdateInode(inode with { Ctime = Timestamp.Now(clock) });
            return true;
        }, cancellationToken);
    }

    /// <summary>Removes one attribute; ENODATA if it does not exist.</summary>
    public Task RemoveAsync(long ino, string? name, CancellationToken cancellationToken)
    {
        var valid = ValidName(name);
        return database.WriteAsync(tx =>
        {
            var inode = tx.RequireInode(ino);
            if (!tx.Namespace.RemoveAttribute(ino, valid))
            {
                throw NoSuchAttribute(valid);
            }

            tx.Namespace.UpdateInode(inode with { Ctime = Timestamp.Now(clock) });
            return true;
        }, cancellationToken);
    }

    /// <summary>E2BIG when a value of <paramref name="length"/> bytes is too large.</summary>
    public static void EnsureValueFits(long length)
    {
        if (length > NamespaceLimits.MaxAttributeValueBytes)
        {
            throw new PosixException(Errno.E2BIG, $"An extended attribute value is at most {NamespaceLimits.MaxAttributeValueBytes} bytes.");
        }
    }

    private static string ValidName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new PosixException(Errno.ERANGE, $"An extended attribute name has 1-{NamespaceLimits.MaxAttributeNameBytes} bytes.");
        }

        if (name.Contains('\0', StringComparison.Ordinal))
        {
            throw new PosixException(Errno.EINVAL, "An extended attribute name cannot contain NUL.");
        }

        int bytes;
        try
        {
            bytes = new UTF8Encoding(false, throwOnInvalidBytes: true).GetByteCount(name);
        }
        catch (EncoderFallbackException)
        {
            throw new PosixException(Errno.EILSEQ, "The extended attribute name is not valid Unicode.");
        }

        return bytes <= NamespaceLimits.MaxAttributeNameBytes
            ? name
            : throw new PosixException(Errno.ERANGE, $"An extended attribute name has 1-{NamespaceLimits.MaxAttributeNameBytes} bytes.");
    }

    private static PosixException NoSuchAttribute(string name) => new(Errno.ENODATA, $"There is no extended attribute '{name}'.");
}
