using System.IO.Hashing;
using System.Text;

namespace ReplicaFs.Api.Data.Storage;

/// <summary>
/// Serialises changes to one chunk key (rename into place, unlink, in-place corruption) so that the disk and
/// the index change together. Keys are striped over a fixed set of semaphores; a caller holds one at a time.
/// </summary>
internal sealed class KeyLocks : IDisposable
{
    private const int Stripes = 256;
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>Waits for the lock of <paramref name="key"/>; dispose the result to release it.</summary>
    public async ValueTask<Releaser> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        var stripe = _stripes[XxHash3.HashToUInt64(Encoding.ASCII.GetBytes(key)) % Stripes];
        await stripe.WaitAsync(cancellationToken);
        return new Releaser(stripe);
    }

    /// <summary>
    /// Waits for the lock of every key (in a fixed order, so it cannot deadlock with callers that hold one lock);
    /// dispose the result to release them all.
    /// </summary>
    public async ValueTask<AllReleaser> AcquireAllAsync(CancellationToken cancellationToken)
    {
        var taken = 0;
        try
        {
            for (; taken < Stripes; taken++)
            {
                await _stripes[taken].WaitAsync(cancellationToken);
            }
        }
        catch
        {
            for (var i = 0; i < taken; i++)
            {
                _stripes[i].Release();
            }

            throw;
        }

        return new AllReleaser(_stripes);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var stripe in _stripes)
        {
            stripe.Dispose();
        }
    }

    /// <summary>Releases a key lock.</summary>
    internal readonly struct Releaser(SemaphoreSlim stripe) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => stripe.Release();
    }

    /// <summary>Releases every key lock.</summary>
    internal readonly struct AllReleaser(SemaphoreSlim[] stripes) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose()
        {
            foreach (var stripe in stripes)
            {
                stripe.Release();
            }
        }
    }
}
