using CustomerHealth.Infrastructure.Engagement;

namespace CustomerHealth.Server.Engagement;

/// <summary>
/// Purges raw usage events older than the retention window, every <see cref="EngagementOptions.PurgeInterval"/>.
/// Idempotent: several replicas running it at once delete the same rows, which costs a little and breaks nothing.
/// </summary>
public sealed class RetentionPurgeService(IServiceScopeFactory scopes, EngagementOptions options, ILogger<RetentionPurgeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PurgeInterval);
        do
        {
            try
            {
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
