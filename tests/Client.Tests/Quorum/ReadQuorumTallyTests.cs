using FsCheck;
using FsCheck.Fluent;
using ReplicaFs.Client.Quorum;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Client.Tests.Quorum;

/// <summary>
/// The quorum-read decision under any mix of replica behaviours and any order of answers: the coordinator loop is
/// simulated exactly as <see cref="QuorumReader"/> drives the tally.
/// </summary>
[FsCheck.Xunit.Properties(Replay = "(20261124,7)", MaxTest = 1000)]
public sealed class ReadQuorumTallyTests
{
    /// <summary>What a replica really holds and does.</summary>
    public enum Truth
    {
        Good,
        Stale,
        Corrupt,
        Missing,
        Down,
        Failing,
        ServesBadBytes,
        DropsTransfers,
        CorruptElsewhereButRangeVerifies,
    }

    private static readonly Gen<Scenario> Scenarios =
        from replicas in Gen.Choose(1, 6)
        from readQuorum in Gen.Choose(1, replicas)
        from truths in Gen.ArrayOf(Gen.Elements(Enum.GetValues<Truth>()), replicas)
        from preference in Gen.Shuffle(Enumerable.Range(0, replicas).ToArray())
        from seed in Gen.Choose(0, int.MaxValue)
        select new Scenario(readQuorum, truths, preference, seed);

    [FsCheck.Xunit.Property]
    public Property The_outcome_is_right_bad_bytes_are_never_served_and_exactly_the_bad_replicas_are_repaired() =>
        Prop.ForAll(Scenarios.ToArbitrary(), scenario =>
        {
            var run = Simulate(scenario);
            var truths = scenario.Truths;
            var good = truths.Count(t => t == Truth.Good);
            var mayAgree = truths.Count(t => t is Truth.Good or Truth.DropsTransfers or Truth.ServesBadBytes);

            if (run.Deadlocked)
            {
                return false.Label("the coordinator waited with nothing pending");
            }

            if (run.Succeeded)
            {
                // Served bytes come from a replica whose digest agreed and whose bytes verified.
                if (truths[run.Source] != Truth.Good)
                {
                    return false.Label($"served bytes from a {truths[run.Source]} replica");
                }

                if (run.AgreeingAtDecision < scenario.ReadQuorum)
                {
                    return false.Label("succeeded below Qr");
                }
            }

            if (good >= scenario.ReadQuorum && !run.Succeeded)
            {
                return false.Label("failed although Qr good replicas exist");
            }

            if ((mayAgree < scenario.ReadQuorum || good == 0) && run.Succeeded)
            {
                return false.Label("succeeded without a possible quorum");
            }

            // Repairs: every stale, corrupt or missing replica, and every one caught serving bad bytes; nothing else.
            for (var i = 0; i < truths.Length; i++)
            {
                var finding = run.Findings.Where(f => f.Replica == i).Select(f => (ReplicaState?)f.State).SingleOrDefault();
                ReplicaState? expected = truths[i] switch
                {
                    Truth.Stale => ReplicaState.Stale,
                    Truth.Corrupt or Truth.CorruptElsewhereButRangeVerifies => ReplicaState.Corrupt,
                    Truth.Missing => ReplicaState.Missing,
                    Truth.ServesBadBytes when run.Fetched.Contains(i) => ReplicaState.Corrupt,
                    _ => null,
                };
                if (finding != expected)
                {
                    return false.Label($"replica {i} ({truths[i]}): finding {finding?.ToString() ?? "none"}, expected {expected?.ToString() ?? "none"}");
                }
            }

            // Repair sources are replicas whose digest agreed.
            return run.Sources.All(s => truths[s] is Truth.Good or Truth.DropsTransfers or Truth.ServesBadBytes && !(truths[s] == Truth.ServesBadBytes && run.Fetched.Contains(s)))
                .Label("a repair source did not agree");
        });

    [Fact]
    public void One_corrupt_replica_of_four_with_Qr_3_succeeds_and_is_repaired()
    {
        var run = Simulate(new Scenario(3, [Truth.Corrupt, Truth.Good, Truth.Good, Truth.Good], [0, 1, 2, 3], 1));
        Assert.True(run.Succeeded);
        Assert.NotEqual(0, run.Source);
        Assert.Equal([(0, ReplicaState.Corrupt)], run.Findings.Select(f => (f.Replica, f.State)));
    }

    [Fact]
    public void Two_corrupt_replicas_of_four_with_Qr_3_fail()
    {
        var run = Simulate(new Scenario(3, [Truth.Corrupt, Truth.Good, Truth.Corrupt, Truth.Good], [0, 1, 2, 3], 2));
        Assert.False(run.Succeeded);
        Assert.Equal([0, 2], run.Findings.Select(f => f.Replica).Order());
    }

    [Fact]
    public void A_replica_serving_bad_bytes_is_replaced_by_another_byte_source_and_repaired()
    {
        var run = Simulate(new Scenario(2, [Truth.ServesBadBytes, Truth.Good, Truth.Good], [0, 1, 2], 3));
        Assert.True(run.Succeeded);
        Assert.NotEqual(0, run.Source);
        Assert.Contains(run.Findings, f => f.Replica == 0 && f.State == ReplicaState.Corrupt);
    }

    [Fact]
    public void Unreachable_replicas_are_never_repaired()
    {
        var run = Simulate(new Scenario(2, [Truth.Down, Truth.Good, Truth.Failing, Truth.Good], [0, 1, 2, 3], 4));
        Assert.True(run.Succeeded);
        Assert.Empty(run.Findings);
    }

    private static Run Simulate(Scenario scenario)
    {
        var random = new Random(scenario.Seed);
        var truths = scenario.Truths;
        var tally = new ReadQuorumTally(truths.Length, scenario.ReadQuorum);
        var arrivals = Enumerable.Range(0, truths.Length).Select(i => (Replica: i, Digest: true)).OrderBy(_ => random.Next()).ToList();
        var cancelled = new HashSet<int>();
        var fetched = new HashSet<int>();
        var run = new Run { Fetched = fetched };
        while (true)
        {
            var decision = tally.Next(scenario.Preference);
            switch (decision.Step)
            {
                case ReadStep.FetchBytes:
                    if (tally.DigestVerdict(decision.Replica) is not (ReplicaVerdict.Pending or ReplicaVerdict.Ok))
                    {
                        run.Deadlocked = true; // fetching from a known-bad replica is a bug too
                        return run;
                    }

                    tally.StartBytes(decision.Replica);
                    arrivals.Insert(random.Next(arrivals.Count + 1), (decision.Replica, false));
                    continue;
                case ReadStep.CancelBytes:
                    cancelled.Add(decision.Replica);
                    continue;
                case ReadStep.Succeeded:
                    run.Succeeded = true;
                    run.Source = decision.Replica;
                    run.AgreeingAtDecision = tally.Agreeing;
                    break;
                case ReadStep.Failed:
                    break;
                default:
                    // The hedge timer may fire at any point while the byte source is slow.
                    if (tally.SlowSource(scenario.Preference) is var slow and >= 0 && random.Next(3) == 0)
                    {
                        if (tally.AbandonSlowSource(scenario.Preference) != slow)
                        {
                            run.Deadlocked = true;
                            return run;
                        }

                        cancelled.Add(slow);
                        continue;
                    }

                    if (arrivals.Count == 0)
                    {
                        run.Deadlocked = true;
                        return run;
                    }

                    var (replica, digest) = arrivals[0];
                    arrivals.RemoveAt(0);
                    if (digest)
                    {
                        var (verdict, detail) = DigestOf(truths[replica]);
                        tally.RecordDigest(replica, verdict, detail);
                    }
                    else
                    {
                        var abandoned = cancelled.Remove(replica);
                        var (verdict, detail) = abandoned ? (ReplicaVerdict.Unreachable, "abandoned") : BytesOf(truths[replica]);
                        if (!abandoned)
                        {
                            fetched.Add(replica);
                        }

                        tally.RecordBytes(replica, verdict, detail);
                    }

                    continue;
            }

            break;
        }

        // Stragglers: the remaining digests still arrive and feed repair (the byte fetch is done or cancelled).
        foreach (var (replica, digest) in arrivals)
        {
            if (digest)
            {
                var (verdict, detail) = DigestOf(truths[replica]);
                tally.RecordDigest(replica, verdict, detail);
            }
            else
            {
                tally.RecordBytes(replica, ReplicaVerdict.Unreachable, "abandoned");
            }
        }

        run.Findings = tally.Findings();
        run.Sources = tally.GoodReplicas();
        return run;
    }

    private static (ReplicaVerdict, string) DigestOf(Truth truth) => truth switch
    {
        Truth.Good or Truth.ServesBadBytes or Truth.DropsTransfers => (ReplicaVerdict.Ok, "ok"),
        Truth.Stale => (ReplicaVerdict.Stale, "holds version 3"),
        Truth.Corrupt or Truth.CorruptElsewhereButRangeVerifies => (ReplicaVerdict.Corrupt, "hashes to something else"),
        Truth.Missing => (ReplicaVerdict.Missing, "404"),
        Truth.Down => (ReplicaVerdict.Unreachable, "connection refused"),
        _ => (ReplicaVerdict.Failed, "500"),
    };

    private static (ReplicaVerdict, string) BytesOf(Truth truth) => truth switch
    {
        Truth.Good or Truth.CorruptElsewhereButRangeVerifies => (ReplicaVerdict.Ok, "verified"),
        Truth.ServesBadBytes or Truth.Corrupt => (ReplicaVerdict.Corrupt, "bytes do not verify"),
        Truth.Stale => (ReplicaVerdict.Stale, "served version 3"),
        Truth.Missing => (ReplicaVerdict.Missing, "404"),
        Truth.Down or Truth.DropsTransfers => (ReplicaVerdict.Unreachable, "connection reset"),
        _ => (ReplicaVerdict.Failed, "500"),
    };

    public sealed record Scenario(int ReadQuorum, Truth[] Truths, int[] Preference, int Seed)
    {
        public override string ToString() => $"Qr={ReadQuorum} [{string.Join(", ", Truths)}] preference [{string.Join(", ", Preference)}] seed {Seed}";
    }

    private sealed class Run
    {
        public bool Succeeded { get; set; }

        public bool Deadlocked { get; set; }

        public int Source { get; set; } = -1;

        public int AgreeingAtDecision { get; set; }

        public List<ReadFinding> Findings { get; set; } = [];

        public List<int> Sources { get; set; } = [];

        /// <summary>Replicas whose bytes were fetched to the end (not abandoned), so their verification counted.</summary>
        public required HashSet<int> Fetched { get; init; }
    }
}
