using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using ReplicaFs.Api.Tests.Data;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Api.Tests.Reliability;

/// <summary>
/// A data server killed with SIGKILL in the middle of chunk writes and repairs, again and again on the same data
/// directory: straight after every kill, before anything starts again, every file under <c>chunks/</c> is a complete
/// chunk that verifies block by block (no torn or half-renamed file); after the restart the leftover temporary files
/// are gone, nothing was quarantined, and every acknowledged write and repair is there with its checksum.
/// Rounds: <c>REPLICAFS_DATA_CRASH_ROUNDS</c> (default 6); seeded.
/// </summary>
public sealed class DataServerCrashTests
{
    private const int Writers = 6;
    private static readonly int[] Sizes = [0, 1, 100, 65_535, 65_536, 65_537, 300_000, 1_000_000, 2_500_000];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int Rounds =>
        int.TryParse(Environment.GetEnvironmentVariable("REPLICAFS_DATA_CRASH_ROUNDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var rounds) && rounds > 0 ? rounds : 6;

    [Fact]
    public async Task Kill_9_during_writes_and_repairs_never_leaves_a_torn_chunk_and_loses_nothing_acknowledged()
    {
        await using var source = await StandaloneDataServer.StartAsync(cancellationToken: Ct);
        await using var target = await StandaloneDataServer.StartAsync(cancellationToken: Ct);
        var random = new Random(8_2026);

        // Chunks the target repairs from the source (replacing its copy, or getting a first one).
        var repairable = new List<(string Key, long Version, string Checksum)>();
        for (var i = 0; i < 24; i++)
        {
            var data = ChunkTestData.Bytes(Sizes[3 + (i % 6)], 1000 + i);
            var key = $"repair-{i}";
            await source.Http.PutNewAsync(key, 1, data, Ct);
            repairable.Add((key, 1, ChunkTestData.Checksum(data)));
        }

        var acknowledged = new Dictionary<(string Key, long Version), string>();
        var leftoverTemps = 0;
        for (var round = 0; round < Rounds; round++)
        {
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, Writers)
                .Select(w => new CrashWriter(target, source.Url, repairable, seed: (round * 100) + w, prefix: $"r{round}w{w}"))
                .ToList();
            var running = writers.Select(w => Task.Run(() => w.RunAsync(stop.Token), Ct)).ToList();
            await Task.Delay(random.Next(150, 900), Ct);
            await target.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(60), Ct);
            foreach (var writer in writers)
            {
                foreach (var (chunk, checksum) in writer.Acknowledged)
                {
                    acknowledged[chunk] = checksum;
                }
            }

            // Before anything touches the directory again: every chunk file is whole.
            var onDisk = ChunkDirectoryCheck.Verify(target.DataDir);
            Assert.True(onDisk.Problems.Count == 0, $"Round {round}: torn or damaged chunk files after kill -9:\n{string.Join('\n', onDisk.Problems)}");
            leftoverTemps += onDisk.TempFiles;

            // A leftover of our own, so that the clean-up at start is always exercised.
            await File.WriteAllBytesAsync(Path.Combine(target.DataDir, "tmp", $"planted-{round}.tmp"), [1, 2, 3], Ct);
            await target.StartAgainAsync(Ct);

            var afterStart = ChunkDirectoryCheck.Verify(target.DataDir);
            Assert.Equal(0, afterStart.TempFiles);
            Assert.Equal(0, afterStart.Quarantined);
            var missing = acknowledged.Where(a => !afterStart.Chunks.TryGetValue(a.Key, out var checksum) || checksum != a.Value).ToList();
            Assert.True(missing.Count == 0, $"Round {round}: acknowledged versions missing or different: {string.Join(", ", missing.Take(10))}");
            await VerifyThroughTheServerAsync(target, afterStart.Chunks);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"round {round}: {writers.Sum(w => w.Acknowledged.Count)} acknowledged, {writers.Sum(w => w.Attempts)} attempted, {onDisk.TempFiles} temp files left by the kill, {afterStart.Chunks.Count} chunk versions on disk");
        }

        Assert.True(acknowledged.Count > Rounds * Writers, $"Only {acknowledged.Count} writes were acknowledged in {Rounds} rounds.");
        Assert.Contains("temporary files removed", target.Process.ReadLog(), StringComparison.Ordinal);
        TestContext.Current.TestOutputHelper?.WriteLine($"{acknowledged.Count} acknowledged versions survived {Rounds} kills; the kills left {leftoverTemps} temporary files.");
    }

    /// <summary>The server's own view agrees: its index lists exactly the files on disk, and each recomputed digest is intact.</summary>
    private static async Task VerifyThroughTheServerAsync(StandaloneDataServer server, Dictionary<(string Key, long Version), string> onDisk)
    {
        var listed = new HashSet<(string, long)>();
        string? after = null;
        do
        {
            var page = await server.Api.ListChunksAsync(after, 10_000, Ct);
            listed.UnionWith(page.Chunks.Select(c => (c.Key, c.Version)));
            after = page.NextAfter;
        }
        while (after is not null);

        Assert.Equal(onDisk.Keys.ToHashSet(), listed);
        foreach (var ((key, version), checksum) in onDisk)
        {
            var digest = await server.Api.GetDigestAsync(key, version, Ct);
            Assert.True(digest.Intact && digest.Checksum == checksum, $"{key} v{version}: digest {digest.Checksum} (intact: {digest.Intact}), expected {checksum}.");
        }
    }

    /// <summary>One client writing chunks of many sizes (with and without a Content-Length) and asking for repairs, until the server dies.</summary>
    private sealed class CrashWriter(StandaloneDataServer target, Uri source, IReadOnlyList<(string Key, long Version, string Checksum)> repairable, int seed, string prefix)
    {
        private readonly Random _random = new(seed);
        private readonly HttpClient _http = new() { BaseAddress = target.Url, Timeout = TimeSpan.FromSeconds(60) };

        public List<((string Key, long Version) Chunk, string Checksum)> Acknowledged { get; } = [];

        public int Attempts { get; private set; }

        public async Task RunAsync(CancellationToken stop)
        {
            using (_http)
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    Attempts++;
                    try
                    {
                        if (_random.Next(4) == 0)
                        {
                            await RepairAsync(stop);
                        }
                        else
                        {
                            await PutAsync($"{prefix}n{n}", stop);
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
                    {
                        // The server died under this request: it may or may not have been stored, and was not acknowledged.
                        return;
                    }
                }
            }
        }

        private async Task PutAsync(string key, CancellationToken stop)
        {
            var data = new byte[Sizes[_random.Next(Sizes.Length)]];
            _random.NextBytes(data);
            var version = _random.NextInt64(1, 1L << 40);
            var checksum = ChunkTestData.Checksum(data);
            HttpContent content = _random.Next(3) == 0 ? new UnknownLengthContent(data) : new ByteArrayContent(data);
            content.Headers.ContentType = new(ChunkHeaders.OctetStream);
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/chunks/{key}?version={version.ToString(CultureInfo.InvariantCulture)}") { Content = content };
            request.Headers.Add(ChunkHeaders.Checksum, checksum);
            using var response = await _http.SendAsync(request, stop);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Acknowledged.Add(((key, version), checksum));
        }

        private async Task RepairAsync(CancellationToken stop)
        {
            var (key, version, checksum) = repairable[_random.Next(repairable.Count)];
            using var response = await _http.PostAsJsonAsync($"/api/chunks/{key}/repair", new RepairRequest(version, checksum, source.ToString()), stop);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Acknowledged.Add(((key, version), checksum));
        }
    }

    /// <summary>A body sent without Content-Length (chunked), so the server reserves room for the largest chunk and moves the payload afterwards.</summary>
    private sealed class UnknownLengthContent(byte[] data) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < data.Length; offset += 50_000)
            {
                await stream.WriteAsync(data.AsMemory(offset, Math.Min(50_000, data.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
