using CustomerHealth.Infrastructure.Coordination;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Server.Hosting;

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
        var backoff = new FailureBackoff(clock, logger, "The retention purge");
        do
        {
            try
            {
                // Slightly shorter than the interval, so this replica's next tick finds it expired and can take it
                // again.
                if (!await leases.TryHoldAsync(
                    ReplicaLeases.Names.RetentionPurge, options.PurgeInterval * 0.9, stoppingToken)) continue;
                await using var scope = scopes.CreateAsyncScope();
                var purged = await scope.ServiceProvider.GetRequiredService<UsageStore>()
                    .PurgeExpiredEventsAsync(stoppingToken);
                if (purged > 0) logger.LogInformation(
                    "Purged {Count} raw events older than {Days} days.", purged, options.RawEventRetentionDays);
                backoff.Succeeded();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A later tick tries again; a failed purge loses nothing.
                await backoff.FailedAsync(ex, stoppingToken);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
