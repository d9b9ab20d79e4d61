using FsCheck;
using FsCheck.Fluent;
using ReplicaFs.Client.Tests.Fakes;

namespace ReplicaFs.Client.Tests.Files;

/// <summary>
/// Random sequences of writes, truncates and reads through the real client (direct calls and handles) on a fake
/// cluster, compared byte for byte with a plain in-memory file: segment math, read-modify-write, zero-fill of holes
/// and of chunk tails, truncate clamping, write-behind and read-your-writes all have to agree with the model.
/// </summary>
[FsCheck.Xunit.Properties(Replay = "(20261124,11)", MaxTest = 60)]
public sealed class FileIoModelTests
{
    private const int ChunkSize = 64 * 1024 * 2;

    public enum Kind
    {
        Write,
        HandleWrite,
        Truncate,
        Flush,
        Read,
        HandleRead,
    }

    public sealed record Op(Kind Kind, int Offset, int Length, byte Fill)
    {
        public override string ToString() => $"{Kind}({Offset}, {Length}, {Fill})";
    }

    private static readonly Gen<Op> Ops =
        from kind in Gen.Frequency((3, Gen.Constant(Kind.Write)), (3, Gen.Constant(Kind.HandleWrite)), (1, Gen.Constant(Kind.Truncate)), (1, Gen.Constant(Kind.Flush)), (2, Gen.Constant(Kind.Read)), (2, Gen.Constant(Kind.HandleRead)))
        from offset in Gen.Frequency((3, Gen.Choose(0, 5 * ChunkSize)), (1, Gen.Elements(0, ChunkSize, 2 * ChunkSize, ChunkSize - 1, 65536)))
        from length in Gen.Frequency((3, Gen.Choose(0, 70_000)), (1, Gen.Choose(0, 3 * ChunkSize)), (1, Gen.Elements(ChunkSize, 1, 65536)))
        from fill in Gen.Choose(1, 255)
        select new Op(kind, offset, length, (byte)fill);

    [FsCheck.Xunit.Property]
    public Property Every_read_returns_what_a_plain_file_would() =>
        Prop.ForAll(Gen.ListOf(Ops).Select(l => l.ToList()).ToArbitrary(), ops => RunAsync(ops).GetAwaiter().GetResult());

    private static async Task<bool> RunAsync(List<Op> ops)
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster(servers: 4, replicas: 4, chunkSize: ChunkSize);
        await using var client = await cluster.ConnectAsync();
        var ino = cluster.Meta.NewFile();
        var model = new List<byte>();
        var handle = await client.OpenFileAsync(ino, ct);
        try
        {
            foreach (var op in ops)
            {
                switch (op.Kind)
                {
                    case Kind.Write:
                        // Direct writes bypass the handle: commit what it buffered first, as an application would.
                        await handle.FlushAsync(ct);
                        await client.WriteAsync(ino, op.Offset, Pattern(op), ct);
                        Apply(model, op.Offset, Pattern(op));
                        break;
                    case Kind.HandleWrite:
                        await handle.WriteAsync(op.Offset, Pattern(op), ct);
                        Apply(model, op.Offset, Pattern(op));
                        break;
                    case Kind.Truncate:
                        await handle.TruncateAsync(op.Offset, ct);
                        Resize(model, op.Offset);
                        break;
                    case Kind.Flush:
                        await handle.FlushAsync(ct);
                        break;
                    case Kind.Read:
                    case Kind.HandleRead:
                        var buffer = new byte[op.Length];
                        var count = op.Kind == Kind.Read
                            ? await client.ReadAsync(ino, op.Offset, buffer, ct)
                            : await handle.ReadAsync(op.Offset, buffer, ct);
                        var expected = model.Skip(op.Offset).Take(op.Length).ToArray();
                        if (count != expected.Length || !buffer.AsSpan(0, count).SequenceEqual(expected))
                        {
                            return false;
                        }

                        break;
                }
            }

            await handle.CloseAsync(ct);

            // After close, a fresh handle and a direct read see everything.
            await using var reopened = await client.OpenFileAsync(ino, ct);
            var all = new byte[model.Count + 10];
            var n1 = await reopened.ReadAsync(0, all, ct);
            var direct = new byte[model.Count + 10];
            var n2 = await client.ReadAsync(ino, 0, direct, ct);
            return n1 == model.Count && n2 == model.Count && all.AsSpan(0, n1).SequenceEqual(model.ToArray()) && direct.AsSpan(0, n2).SequenceEqual(model.ToArray())
                && cluster.Meta.SizeOf(ino) == model.Count;
        }
        finally
        {
            await handle.DisposeAsync();
        }
    }

    private static byte[] Pattern(Op op)
    {
        var bytes = new byte[op.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(op.Fill + (i * 31));
        }

        return bytes;
    }

    private static void Apply(List<byte> model, int offset, byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return;
        }

        if (model.Count < offset + bytes.Length)
        {
            Resize(model, offset + bytes.Length);
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            model[offset + i] = bytes[i];
        }
    }

    private static void Resize(List<byte> model, int size)
    {
        if (size < model.Count)
        {
            model.RemoveRange(size, model.Count - size);
        }
        else
        {
            model.AddRange(new byte[size - model.Count]);
        }
    }
}
