using ReplicaFs.Api.Meta.Healing;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>The garbage rules one by one (pure logic); <see cref="GarbageCheckTests"/> runs them in a real server.</summary>
public sealed class GarbageRulesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-03-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);
    private static readonly DateTimeOffset Old = Now - Grace - TimeSpan.FromSeconds(1);
    private static readonly DateTimeOffset Recent = Now - Grace + TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData("not-a-chunk", 1, false, nameof(GarbageRule.ForeignKeyRecent))]
    [InlineData("not-a-chunk", 1, true, nameof(GarbageRule.ForeignKeyExpired))]
    [InlineData("0000000000000005", 1, false, nameof(GarbageRule.ChunkGone))]
    [InlineData("0000000000000064", 1, true, nameof(GarbageRule.ChunkUnknown))]
    [InlineData("00000000000000A5", 1, true, nameof(GarbageRule.ForeignKeyExpired))]
    public void Keys_meta_does_not_know(string key, long version, bool old, string expected) =>
        Assert.Equal(expected, GarbageRules.Decide(new GarbageCandidate(key, version, old ? Old : Recent), null, null, 99, Now, Grace).ToString());

    [Theory]
    [InlineData(null, 5L, nameof(GarbageRule.NotInReplicaSet))]
    [InlineData(ReplicaState.Ok, 5L, nameof(GarbageRule.Committed))]
    [InlineData(ReplicaState.Corrupt, 5L, nameof(GarbageRule.Committed))]
    [InlineData(ReplicaState.Missing, 5L, nameof(GarbageRule.Committed))]
    [InlineData(ReplicaState.Ok, 3L, nameof(GarbageRule.Superseded))]
    [InlineData(ReplicaState.Stale, 3L, nameof(GarbageRule.SupersededNotCaughtUp))]
    [InlineData(ReplicaState.Rebuilding, 3L, nameof(GarbageRule.SupersededNotCaughtUp))]
    [InlineData(ReplicaState.Ok, 7L, nameof(GarbageRule.UncommittedExpired))]
    public void Versions_of_a_known_chunk(ReplicaState? state, long version, string expected) =>
        Assert.Equal(expected, GarbageRules.Decide(new GarbageCandidate(ChunkKey.FromId(5), version, Old), Facts(state), null, 99, Now, Grace).ToString());

    [Fact]
    public void An_uncommitted_version_needs_both_clocks_past_the_grace_period()
    {
        var candidate = new GarbageCandidate(ChunkKey.FromId(5), 7, Old);
        Assert.Equal(GarbageRule.UncommittedRecent, GarbageRules.Decide(candidate with { StoredAt = Recent }, Facts(ReplicaState.Ok), null, 99, Now, Grace));
        Assert.Equal(GarbageRule.UncommittedRecent, GarbageRules.Decide(candidate, Facts(ReplicaState.Ok), new LeaseRecord(5, 7, Recent), 99, Now, Grace));
        Assert.Equal(GarbageRule.UncommittedExpired, GarbageRules.Decide(candidate, Facts(ReplicaState.Ok), new LeaseRecord(5, 7, Old), 99, Now, Grace));
        // A clock in the future is "recent", never "old".
        Assert.Equal(GarbageRule.UncommittedRecent, GarbageRules.Decide(candidate with { StoredAt = Now.AddDays(1) }, Facts(ReplicaState.Ok), null, 99, Now, Grace));
    }

    [Fact]
    public void Only_the_delete_rules_delete()
    {
        var deleting = Enum.GetValues<GarbageRule>().Where(GarbageRules.Deletes).ToList();
        Assert.Equal([GarbageRule.ForeignKeyExpired, GarbageRule.ChunkGone, GarbageRule.NotInReplicaSet, GarbageRule.Superseded, GarbageRule.UncommittedExpired], deleting);
    }

    private static GarbageFacts Facts(ReplicaState? state) => new(5, 5, 100, "0123456789abcdef", state);
}
