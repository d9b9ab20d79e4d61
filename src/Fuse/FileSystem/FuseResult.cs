using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Fuse.FileSystem;

/// <summary>
/// The outcome of a file-system operation: a value, or an errno. Converts implicitly from both, so a method can
/// <c>return attributes;</c> or <c>return Errno.ENOENT;</c>.
/// </summary>
/// <typeparam name="T">The value of a successful operation.</typeparam>
public readonly struct FuseResult<T> : IEquatable<FuseResult<T>>
{
    private readonly T _value;

    /// <summary>A successful result.</summary>
    public FuseResult(T value)
    {
        _value = value;
        Error = Errno.None;
    }

    /// <summary>A failed result; <paramref name="error"/> must not be <see cref="Errno.None"/>.</summary>
    public FuseResult(Errno error)
    {
        if (error == Errno.None)
        {
            throw new ArgumentOutOfRangeException(nameof(error), "A failed result needs an errno other than None.");
        }

        _value = default!;
        Error = error;
    }

    /// <summary>The errno of a failed result, or <see cref="Errno.None"/>.</summary>
    public Errno Error { get; }

    /// <summary>Whether the operation succeeded.</summary>
    public bool IsSuccess => Error == Errno.None;

    /// <summary>The value of a successful result.</summary>
    /// <exception cref="InvalidOperationException">The result is an error.</exception>
    public T Value => IsSuccess ? _value : throw new InvalidOperationException($"The operation failed with {Error}.");

    public static implicit operator FuseResult<T>(T value) => new(value);

    public static implicit operator FuseResult<T>(Errno error) => new(error);

    public static bool operator ==(FuseResult<T> left, FuseResult<T> right) => left.Equals(right);

    public static bool operator !=(FuseResult<T> left, FuseResult<T> right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(FuseResult<T> other) =>
        Error == other.Error && EqualityComparer<T>.Default.Equals(_value, other._value);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is FuseResult<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Error, _value);

    /// <inheritdoc />
    public override string ToString() => IsSuccess ? $"Ok({_value})" : Error.ToString();
}
