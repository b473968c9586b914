using CustomerHealth.Infrastructure.Coordination;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Telemetry;
using CustomerHealth.Server.Hosting;

namespace CustomerHealth.Server.Health;

/// <summary>
/// Keeps scores fresh: every <see cref="HealthOptions.RecomputeInterval"/> it recomputes the accounts that writes
/// marked dirty, in batches until none is due; on the first pass of each UTC day (by the app's clock) it first marks
/// every account. With several replicas on one database, one of them does this at a time: the one holding the lease
/// <see cref="ReplicaLeases.Names.HealthRecompute"/>, renewed at every tick; the daily marking happens once per day in
/// all (lease <see cref="ReplicaLeases.Names.HealthDailyPass"/>, held until the day's end).
/// </summary>
public sealed class HealthWorker(
    IServiceScopeFactory scopes, HealthOptions options, TimeProvider clock, ReplicaLeases leases,
    ServiceMetrics metrics, ILogger<HealthWorker> logger) : BackgroundService
{
    private DateOnly? _lastDailyPass;

    /// <summary>
    /// How long the recompute lease lasts unrenewed: a replica that stops is replaced within this long.
    /// </summary>
    private TimeSpan LeaseLength => ReplicaLeases.LengthFor(options.RecomputeInterval);

    // A failed pass leaves the marks, so the next one recomputes those accounts again.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        LeasedLoop.RunAsync(leases, clock, ReplicaLeases.Names.HealthRecompute, options.RecomputeInterval, LeaseLength,
            PassAsync, logger, "Health recompute", stoppingToken);

    private async Task PassAsync(CancellationToken stoppingToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        if (options.DailyPass && _lastDailyPass != today)
        {
            // Held until the day's end: whichever replica marks first today, the others find the lease taken.
            if (await leases.TryHoldUntilAsync(
                ReplicaLeases.Names.HealthDailyPass, today.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
                stoppingToken))
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<HealthRecomputer>().MarkAllAsync(stoppingToken);
            }
            _lastDailyPass = today;
        }
        int recomputed;
        var first = true;
        do
        {
            await using var scope = scopes.CreateAsyncScope();
            var recomputer = scope.ServiceProvider.GetRequiredService<HealthRecomputer>();
            if (first)
            {
                var (accounts, oldestDue) = await recomputer.BacklogAsync(stoppingToken);
                metrics.RecomputeBacklog(accounts, oldestDue);
                first = false;
            }
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            recomputed = await recomputer.RecomputeDueAsync(options.BatchSize, stoppingToken);
            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            if (recomputed > 0) metrics.BatchRecomputed(recomputed, elapsed);
        }
        while (recomputed == options.BatchSize && !stoppingToken.IsCancellationRequested);
    }
}
