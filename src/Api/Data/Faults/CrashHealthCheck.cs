using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ReplicaFs.Api.Data.Faults;

/// <summary><c>/healthz</c> of a crashed server: the process is alive but unhealthy (503) until it is restored.</summary>
internal sealed class CrashHealthCheck(ServerCrashState state) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.Crashed
            ? HealthCheckResult.Unhealthy("Crashed (fault injection): holds no data and serves nothing until restored.")
            : HealthCheckResult.Healthy());
}
