using System.ComponentModel.DataAnnotations;

namespace ReplicaFs.Contracts.Cluster;

/// <summary>A client (a mount or a tool) tells the metadata server which quorums it uses, so health and the dashboard can judge them.</summary>
/// <param name="Name">What it is, e.g. "mount /home/u/fusemount" or "replicafs fsck".</param>
/// <param name="Host">Host name.</param>
/// <param name="Pid">Process id.</param>
/// <param name="ReadQuorum">Its Qr.</param>
/// <param name="WriteQuorum">Its Qw.</param>
public sealed record RegisterClientRequest([property: Required] string Name, [property: Required] string Host, int Pid, int ReadQuorum, int WriteQuorum);

/// <summary>A live client session. Sessions not renewed for three heartbeat timeouts expire.</summary>
/// <param name="Id">Session id.</param>
/// <param name="Name">What it is.</param>
/// <param name="Host">Host name.</param>
/// <param name="Pid">Process id.</param>
/// <param name="ReadQuorum">Its Qr.</param>
/// <param name="WriteQuorum">Its Qw.</param>
/// <param name="StronglyConsistent">Whether Qr + Qw exceeds the replica count.</param>
/// <param name="StartedAt">When it registered.</param>
/// <param name="LastSeen">Its last registration or renewal.</param>
public sealed record ClientSession(long Id, string Name, string Host, int Pid, int ReadQuorum, int WriteQuorum, bool StronglyConsistent, DateTimeOffset StartedAt, DateTimeOffset LastSeen);
