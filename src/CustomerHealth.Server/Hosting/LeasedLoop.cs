using CustomerHealth.Infrastructure.Coordination;

namespace CustomerHealth.Server.Hosting;

/// <summary>
/// The loop of a background job that one replica at a time runs: every <c>interval</c> (timed by <c>clock</c>), take
/// or renew the lease, and run a pass while holding it. A failed pass is logged and tried again at a later tick (the
/// work it left stays queued), after pauses that grow while failures repeat (<see cref="FailureBackoff"/>: an outage
/// of the database is waited out, not hammered); the lease is given up when the loop ends; cancellation ends the loop
/// quietly, whether the host stops or never started.
/// </summary>
internal static class LeasedLoop
{
    public static async Task RunAsync(
        ReplicaLeases leases, TimeProvider clock, string lease, TimeSpan interval, TimeSpan leaseLength,
        Func<CancellationToken, Task> pass, ILogger logger, string work, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, clock);
        var backoff = new FailureBackoff(clock, logger, work);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (await leases.TryHoldAsync(lease, leaseLength, stoppingToken)) await pass(stoppingToken);
                    backoff.Succeeded();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    await backoff.FailedAsync(ex, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await leases.ReleaseAsync(lease);
        }
    }
}
