using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Web.Actions;
using ReplicaFs.Web.Files;

namespace ReplicaFs.Web.Tests.Fakes;

/// <summary>Answers verifications with a prepared report and single-replica checks with a prepared condition.</summary>
public sealed class FakeFileRepair : IFileRepair
{
    public List<(long Ino, bool Repair)> Verifications { get; } = [];

    public Func<long, bool, FileCheckReport>? Report { get; set; }

    public ReplicaCondition ReplicaCondition { get; set; } = ReplicaCondition.Corrupt;

    public string? Failure { get; set; }

    public Task<FileCheckReport> VerifyAsync(long ino, bool repair, CancellationToken cancellationToken)
    {
        Verifications.Add((ino, repair));
        if (Failure is { } failure)
        {
            return Task.FromException<FileCheckReport>(new DashboardActionException(failure));
        }

        return Task.FromResult(Report?.Invoke(ino, repair) ?? new FileCheckReport(ino, repair, [], TimeSpan.FromMilliseconds(5)));
    }

    public Task<ReplicaCheck> CheckReplicaAsync(ChunkInfo chunk, ReplicaInfo replica, CancellationToken cancellationToken) =>
        Task.FromResult(new ReplicaCheck(replica.ServerId, replica.Url, ReplicaCondition, "computed checksum 0000000000000000 differs from the committed one", DateTimeOffset.UnixEpoch));
}
