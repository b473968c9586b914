using CustomerHealth.Infrastructure.Coordination;
using CustomerHealth.Infrastructure.Engagement;

namespace CustomerHealth.Server.Engagement;

/// <summary>
/// Purges raw usage events older than the retention window, every <see cref="EngagementOptions.PurgeInterval"/>.
/// With several replicas on one database, one purges per interval: the one that takes the lease
/// <see cref="ReplicaLeases.Names.RetentionPurge"/> (held for the interval). The purge is idempotent anyway.
/// </summary>
public sealed class RetentionPurgeService(
    IServiceScopeFactory scopes, EngagementOptions options, TimeProvider clock, ReplicaLeases leases,
    ILogger<RetentionPurgeService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PurgeInterval, clock);
        do
        {
            try
            {
                // Slightly shorter than the interval, so this replica's next tick finds it expired and can take it again.
                if (!await leases.TryHoldAsync(ReplicaLeases.Names.RetentionPurge, options.PurgeInterval * 0.9, stoppingToken)) continue;
                await using var scope = scopes.CreateAsyncScope();
                var purged = await scope.ServiceProvider.GetRequiredService<UsageStore>().PurgeExpiredEventsAsync(stoppingToken);
                if (purged > 0) logger.LogInformation("Purged {Count} raw events older than {Days} days.", purged, options.RawEventRetentionDays);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next tick tries again; a failed purge loses nothing.
                logger.LogWarning(ex, "The retention purge failed; it runs again in {Interval}.", options.PurgeInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
