using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Hostile;

/// <summary>
/// Hostile and malformed input on every REST endpoint of both server roles, the endpoint list taken from the live
/// servers' OpenAPI documents: every request is refused with a 4xx ProblemDetails (or, for reads, answered), never a
/// 5xx, never a dropped connection, never a crash; the cluster's state (metadata database, client sessions, every file
/// of every data directory) is exactly as before, and nothing appears outside the data directories. Seeded
/// (<c>REPLICAFS_HOSTILE_SEED</c>, printed on failure); a few thousand requests, about a minute per role.
/// </summary>
[Collection(HostileInputGroup.Name)]
public sealed class HostileInputTests(HostileInputFixture fixture)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(4);
    private readonly TestCluster _cluster = fixture.Cluster;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static int Seed =>
        int.TryParse(Environment.GetEnvironmentVariable("REPLICAFS_HOSTILE_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : 20261124;

    [Fact]
    public async Task Every_metadata_endpoint_refuses_hostile_input_and_writes_nothing()
    {
        var document = await OpenApiDocument.FetchAsync(_cluster.Http, _cluster.MetaUrl, Token);
        await AttackAsync(_cluster.MetaUrl, document);
    }

    [Fact]
    public async Task Every_data_server_endpoint_refuses_hostile_input_and_writes_nothing()
    {
        var server = _cluster.DataServers[0].Url;
        var document = await OpenApiDocument.FetchAsync(_cluster.Http, server, Token);
        await AttackAsync(server, document);
    }

    [Fact]
    public async Task The_attack_covers_every_operation_parameter_and_body_property()
    {
        var documents = new[]
        {
            await OpenApiDocument.FetchAsync(_cluster.Http, _cluster.MetaUrl, Token),
            await OpenApiDocument.FetchAsync(_cluster.Http, _cluster.DataServers[0].Url, Token),
        };
        var properties = new HashSet<string>(StringComparer.Ordinal);
        foreach (var document in documents)
        {
            var generator = new HostileInputGenerator(document, fixture.Targets, Seed);
            var bodies = new JsonBodies(document, fixture.Targets);
            foreach (var operation in document.Operations)
            {
                var cases = generator.For(operation);
                foreach (var parameter in operation.Parameters)
                {
                    Assert.Contains(cases, c => c.Description.StartsWith($"{parameter.In} {parameter.Name} = ", StringComparison.Ordinal));
                }

                if (operation.BodySchema is { } schema)
                {
                    properties.UnionWith(bodies.PropertyKeys(schema));
                    Assert.Contains(cases, c => c.Description.StartsWith("body: truncated", StringComparison.Ordinal));
                }

                Assert.Equal(operation.NeedsAdminToken, cases.Any(c => c.Description.StartsWith("Authorization", StringComparison.Ordinal)));
            }
        }

        // The tables of specially wrong values must name what the servers really have, or they would silently test nothing.
        var unknown = JsonBodies.SemanticKeys.Where(k => !properties.Contains(k)).ToList();
        Assert.True(unknown.Count == 0, $"Wrong-value table entries for properties no schema has: {string.Join(", ", unknown)}");
        var operationIds = documents.SelectMany(d => d.Operations).Select(o => o.OperationId).ToHashSet(StringComparer.Ordinal);
        var stale = HostileTargets.RequiredQueries.Keys.Where(id => !operationIds.Contains(id)).ToList();
        Assert.True(stale.Count == 0, $"Required-query table entries for operations no server has: {string.Join(", ", stale)}");
        Assert.True(documents[0].Operations.Count >= 39, $"The metadata server's document lists only {documents[0].Operations.Count} operations.");
        Assert.True(documents[1].Operations.Count >= 14, $"The data server's document lists only {documents[1].Operations.Count} operations.");
    }

    private async Task AttackAsync(Uri server, OpenApiDocument document)
    {
        var generator = new HostileInputGenerator(document, fixture.Targets, Seed);
        var failures = new List<string>();
        var errorsBefore = CountLoggedErrors();
        var clock = Stopwatch.StartNew();
        var sent = 0;
        foreach (var operation in document.Operations)
        {
            var before = await ClusterSnapshot.TakeAsync(_cluster, Token);
            var accepted = new List<string>();
            foreach (var hostile in generator.For(operation))
            {
                var response = await RawHttp.SendAsync(server, hostile.Head(server), hostile.Body, hostile.Method != "HEAD", RequestTimeout, Token);
                sent++;
                if (Judge(hostile, response) is { } problem)
                {
                    failures.Add($"{hostile}: {problem}");
                }
                else if (response.Status is >= 200 and < 300)
                {
                    accepted.Add($"{hostile.Description} → {response.Status}");
                }
            }

            var after = await ClusterSnapshot.TakeAsync(_cluster, Token);
            if (before != after)
            {
                failures.Add($"{operation}: the cluster changed{(accepted.Count > 0 ? $" (answered 2xx: {string.Join("; ", accepted.Take(5))})" : string.Empty)}:\n{ClusterSnapshot.Difference(before, after)}");
            }

            var dead = _cluster.DataServers.Select(d => d.Process).Append(_cluster.Meta).Where(p => !p.IsRunning).Select(p => p.Name).ToList();
            if (dead.Count > 0)
            {
                failures.Add($"{operation}: {string.Join(", ", dead)} died.");
                break;
            }

            Assert.True(clock.Elapsed < Budget, $"The attack took longer than {Budget.TotalMinutes} minutes ({sent} requests); {failures.Count} failures so far.");
        }

        var canaries = ClusterSnapshot.FindCanary(_cluster, fixture.Targets.Canary);
        if (canaries.Count > 0)
        {
            failures.Add($"Path traversal escaped: {string.Join(", ", canaries)} exists.");
        }

        var errors = CountLoggedErrors() - errorsBefore;
        if (errors > 0)
        {
            failures.Add($"The servers logged {errors} errors (\"fail:\" lines) during the attack.");
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{sent} hostile requests to {document.Operations.Count} operations of {server} in {clock.Elapsed.TotalSeconds:0} s (seed {Seed}).");
        Assert.True(failures.Count == 0, $"Seed {Seed}: {failures.Count} of {sent} hostile requests were mishandled:\n{string.Join("\n", failures.Take(60))}\n\n{Logs()}");
    }

    /// <summary>Why the answer to <paramref name="hostile"/> is wrong, or null when it is right.</summary>
    private static string? Judge(HostileCase hostile, RawResponse response)
    {
        if (response.Status == 0)
        {
            return $"no answer ({response.Error})";
        }

        if (response.Status >= 500)
        {
            return $"answered {response.Status}: {response.Text()}";
        }

        if (response.Status is >= 200 and < 300)
        {
            return hostile.Verdict == Verdict.MayRead ? null : $"accepted with {response.Status}: {response.Text()}";
        }

        if (response.Status < 400)
        {
            return $"answered {response.Status}";
        }

        if (hostile.Method == "HEAD" || (response.Body.Length == 0 && hostile.Verdict == Verdict.RefusedByProtocol))
        {
            return null;
        }

        if (response.MediaType != "application/problem+json")
        {
            return $"answered {response.Status} with {response.MediaType ?? "no content type"}, not a ProblemDetails document: {response.Text()}";
        }

        try
        {
            using var problem = JsonDocument.Parse(response.Body);
            if (!problem.RootElement.TryGetProperty("status", out var status) || status.GetInt32() != response.Status)
            {
                return $"answered {response.Status} with a problem whose status does not match: {response.Text()}";
            }

            if (response.Status == 400 && !problem.RootElement.TryGetProperty("errno", out _))
            {
                return $"answered 400 without an errno: {response.Text()}";
            }
        }
        catch (JsonException ex)
        {
            return $"answered {response.Status} with a malformed problem document ({ex.Message}): {response.Text()}";
        }

        return null;
    }

    private int CountLoggedErrors() =>
        _cluster.DataServers.Select(d => d.Process).Append(_cluster.Meta)
            .Sum(p => p.ReadLog().Split('\n').Count(line => line.Contains(" fail: ", StringComparison.Ordinal)));

    private string Logs()
    {
        var logs = _cluster.DumpLogs();
        return logs.Length > 6000 ? logs[^6000..] : logs;
    }
}
