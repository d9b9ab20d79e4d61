using FsCheck;
using FsCheck.Fluent;
using ReplicaFs.Client.Quorum;

namespace ReplicaFs.Client.Tests.Quorum;

[FsCheck.Xunit.Properties(Replay = "(20261124,9)", MaxTest = 500)]
public sealed class WriteQuorumTallyTests
{
    private static readonly Gen<(int WriteQuorum, ReplicaVerdict[] Answers)> Scenarios =
        from replicas in Gen.Choose(1, 7)
        from writeQuorum in Gen.Choose(1, replicas)
        from answers in Gen.ArrayOf(Gen.Elements(ReplicaVerdict.Ok, ReplicaVerdict.Ok, ReplicaVerdict.Unreachable, ReplicaVerdict.Failed), replicas)
        select (writeQuorum, answers);

    [FsCheck.Xunit.Property]
    public Property Reached_exactly_when_Qw_acknowledged_and_impossible_as_soon_as_too_many_failed() =>
        Prop.ForAll(Scenarios.ToArbitrary(), s =>
        {
            var tally = new WriteQuorumTally(s.Answers.Length, s.WriteQuorum);
            var acks = 0;
            var failures = 0;
            for (var i = 0; i < s.Answers.Length; i++)
            {
                tally.Record(i, new ReplicaReply(s.Answers[i], "x"));
                if (s.Answers[i] == ReplicaVerdict.Ok)
                {
                    acks++;
                }
                else
                {
                    failures++;
                }

                if (tally.Reached != (acks >= s.WriteQuorum) || tally.Impossible != (s.Answers.Length - failures < s.WriteQuorum))
                {
                    return false;
                }

                // Never both: a committed write always had Qw acknowledgements.
                if (tally.Reached && tally.Impossible)
                {
                    return false;
                }
            }

            return tally.Complete && tally.Acknowledged == s.Answers.Count(a => a == ReplicaVerdict.Ok);
        });

    [Fact]
    public void A_replica_cannot_answer_twice()
    {
        var tally = new WriteQuorumTally(3, 2);
        tally.Record(0, ReplicaReply.Ok);
        Assert.Throws<InvalidOperationException>(() => tally.Record(0, ReplicaReply.Ok));
    }

    [Fact]
    public void A_replica_set_smaller_than_Qw_is_impossible_from_the_start() =>
        Assert.True(new WriteQuorumTally(2, 3).Impossible);
}
