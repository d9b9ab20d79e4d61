using System.Buffers;
using System.Globalization;
using ReplicaFs.Api.Data.Storage;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Api.Tests.Reliability;

/// <summary>
/// Reads a data directory straight from disk, without a server: every file under <c>chunks/</c> must be a complete
/// chunk file whose header, block table and every payload block check out, named after the version it holds.
/// </summary>
internal static class ChunkDirectoryCheck
{
    /// <summary>What a data directory holds.</summary>
    /// <param name="Chunks">Every chunk file that verified: (key, version) → checksum.</param>
    /// <param name="Problems">Every file that did not, with the reason.</param>
    /// <param name="TempFiles">Files in <c>tmp/</c>.</param>
    /// <param name="Quarantined">Files in <c>quarantine/</c>.</param>
    public sealed record Result(Dictionary<(string Key, long Version), string> Chunks, List<string> Problems, int TempFiles, int Quarantined);

    /// <summary>Verifies every chunk file of the data directory at <paramref name="dataDir"/>.</summary>
    public static Result Verify(string dataDir)
    {
        var chunks = new Dictionary<(string, long), string>();
        var problems = new List<string>();
        var chunkRoot = Path.Combine(dataDir, "chunks");
        var files = Directory.Exists(chunkRoot) ? Directory.EnumerateFiles(chunkRoot, "*", SearchOption.AllDirectories) : [];
        foreach (var path in files)
        {
            var name = Path.GetFileName(path);
            var parts = name.Split('.');
            if (parts.Length != 3 || parts[2] != "chunk" || !ChunkKey.IsValid(parts[0])
                || !long.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var version))
            {
                problems.Add($"{path}: not a chunk file name");
                continue;
            }

            try
            {
                using var file = ChunkFile.Open(path);
                if (file.Header.Version != version)
                {
                    problems.Add($"{path}: holds version {file.Header.Version}");
                    continue;
                }

                if (VerifyPayload(file) is { } problem)
                {
                    problems.Add($"{path}: {problem}");
                    continue;
                }

                chunks[(parts[0], version)] = ChunkChecksum.Format(file.Header.Checksum);
            }
            catch (InvalidChunkFileException ex)
            {
                problems.Add($"{path}: {ex.Message}");
            }
        }

        return new Result(chunks, problems, Count(Path.Combine(dataDir, "tmp")), Count(Path.Combine(dataDir, "quarantine")));
    }

    private static string? VerifyPayload(ChunkFile file)
    {
        var header = file.Header;
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkChecksum.BlockSize);
        try
        {
            for (var block = 0; block < header.BlockCount; block++)
            {
                var start = (long)block * ChunkChecksum.BlockSize;
                var count = (int)Math.Min(ChunkChecksum.BlockSize, header.Length - start);
                if (ChunkFile.ReadFully(file.Handle, buffer.AsSpan(0, count), header.PayloadOffset + start) != count)
                {
                    return $"block {block} is short";
                }

                if (ChunkChecksum.HashBlock(buffer.AsSpan(0, count)) != file.BlockHashes[block])
                {
                    return $"block {block} does not hash to its table entry";
                }
            }

            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int Count(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Count() : 0;
}
