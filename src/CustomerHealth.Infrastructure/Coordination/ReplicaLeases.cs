using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CustomerHealth.Infrastructure.Coordination;

/// <summary>
/// This replica's side of the database leases (<see cref="LeaseStore"/>): one holder name for the life of the process,
/// and a scope per call, for the background workers, which are singletons.
/// </summary>
public sealed class ReplicaLeases(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ReplicaLeases> logger)
{
    /// <summary>The names of the leases the service's workers take.</summary>
    public static class Names
    {
        public const string HealthRecompute = "health-recompute";
        public const string HealthDailyPass = "health-daily-pass";
        public const string OnboardingEvaluation = "onboarding-evaluation";
        public const string RetentionPurge = "retention-purge";
        public const string RenewalPredictions = "renewal-predictions";
        public const string RenewalTraining = "renewal-training";
        public const string WebhookDispatch = "webhook-dispatch";
    }

    /// <summary>
    /// How long a worker's lease lasts unrenewed: five of its ticks, and at least <paramref name="atLeast"/> (15 s by
    /// default), so a replica that stops is replaced within that long and a slow tick never loses the lease.
    /// </summary>
    public static TimeSpan LengthFor(TimeSpan tick, TimeSpan? atLeast = null)
    {
        var floor = atLeast ?? TimeSpan.FromSeconds(15);
        return tick * 5 > floor ? tick * 5 : floor;
    }

    /// <summary>
    /// The host, the process and a random part: unique per process, and readable in <c>work_leases</c>.
    /// </summary>
    public string Holder { get; } = Truncate($"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}");

    /// <summary>
    /// Takes or renews the lease for <paramref name="length"/> from now; true when this replica holds it.
    /// </summary>
    public async Task<bool> TryHoldAsync(string name, TimeSpan length, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LeaseStore>()
            .TryHoldAsync(name, Holder, clock.GetUtcNow().UtcDateTime + length, ct);
    }

    /// <summary>
    /// Takes the lease until <paramref name="until"/> (for work done once per period, such as once per UTC day).
    /// </summary>
    public async Task<bool> TryHoldUntilAsync(string name, DateTime until, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LeaseStore>().TryHoldAsync(name, Holder, until, ct);
    }

    /// <summary>
    /// Gives the lease up (at shutdown), so that another replica takes the work over at its next tick rather than when
    /// the lease expires. Best effort: if the database cannot be reached, the lease simply expires.
    /// </summary>
    public async Task ReleaseAsync(string name)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<LeaseStore>()
                .ReleaseAsync(name, Holder, CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbException or DbUpdateException or InvalidOperationException or TimeoutException
            || Persistence.DatabaseOutages.IsUnavailable(ex))
        {
            logger.LogInformation(ex, "Could not release the lease {Lease}; it expires by itself.", name);
        }
    }

    private static string Truncate(string holder) =>
        holder.Length <= WorkLease.MaxHolderLength ? holder : holder[..WorkLease.MaxHolderLength];
}
