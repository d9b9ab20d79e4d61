using ReplicaFs.Client.Quorum;

namespace ReplicaFs.Client.Tests.Quorum;

public sealed class QuorumSettingsTests
{
    [Theory]
    [InlineData(3, 3, 4, true)]
    [InlineData(2, 2, 3, true)]
    [InlineData(1, 1, 3, false)]
    [InlineData(2, 2, 4, false)]
    [InlineData(1, 4, 4, true)]
    public void Strong_consistency_means_Qr_plus_Qw_above_R(int qr, int qw, int r, bool strong)
    {
        var settings = QuorumSettings.Create(qr, qw, r);
        Assert.Equal(strong, settings.IsStronglyConsistent);
        Assert.Contains(strong ? "strongly consistent" : "NOT strongly consistent", settings.Describe(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 3, 4, "read quorum Qr must be between 1 and the replica count 4 (got 0)")]
    [InlineData(5, 3, 4, "read quorum Qr must be between 1 and the replica count 4 (got 5)")]
    [InlineData(3, 0, 4, "write quorum Qw must be between 1 and the replica count 4 (got 0)")]
    [InlineData(3, 9, 4, "write quorum Qw must be between 1 and the replica count 4 (got 9)")]
    [InlineData(1, 1, 0, "replica count must be at least 1 (got 0)")]
    public void Out_of_range_quorums_are_refused_with_a_clear_message(int qr, int qw, int r, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => QuorumSettings.Create(qr, qw, r));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
