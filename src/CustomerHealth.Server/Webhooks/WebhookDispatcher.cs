using CustomerHealth.Domain.Webhooks;
using CustomerHealth.Infrastructure.Coordination;
using CustomerHealth.Infrastructure.Webhooks;
using CustomerHealth.Server.Hosting;

namespace CustomerHealth.Server.Webhooks;

/// <summary>
/// Delivers queued webhook events (docs/adr/0071-webhook-dispatch-retries-and-dead-letters.md): each pass fans new
/// outbox events out to their subscriptions, sends one batch of the deliveries due, and records each attempt — a retry
/// after a growing, jittered pause, or a dead letter after the last. With several replicas, the one holding the lease
/// <see cref="ReplicaLeases.Names.WebhookDispatch"/> sends. Time is the app's <see cref="TimeProvider"/>: a retry is
/// due when that clock reaches it.
/// </summary>
public sealed class WebhookDispatcher(
    IServiceScopeFactory scopes, WebhookOptions options, WebhookSender sender, TimeProvider clock,
    ReplicaLeases leases, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromHours(1);
    private DateTimeOffset _lastPurge = DateTimeOffset.MinValue;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        LeasedLoop.RunAsync(leases, clock, ReplicaLeases.Names.WebhookDispatch, options.DispatchInterval,
            options.LeaseLength, PassAsync, logger, "Webhook dispatch", stoppingToken);

    private async Task PassAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<WebhookDeliveryStore>();
        while (await store.FanOutAsync(options.BatchSize, ct) == options.BatchSize && !ct.IsCancellationRequested)
        {
        }
        var due = await store.DueAsync(options.BatchSize, ct);
        if (due.Count > 0)
        {
            var attempts = new WebhookAttempt[due.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, due.Count),
                new ParallelOptions { MaxDegreeOfParallelism = options.MaxConcurrency, CancellationToken = ct },
                async (i, token) => attempts[i] = await sender.SendAsync(due[i], token));
            var dead = await store.RecordAsync(attempts, options.MaxAttempts, RetryDelay, ct);
            if (dead > 0)
                logger.LogWarning("{Count} webhook deliveries failed {Attempts} times and became dead letters.",
                    dead, options.MaxAttempts);
        }
        await PurgeWhenDueAsync(store, ct);
    }

    private TimeSpan RetryDelay(int attempts) =>
        WebhookRetries.DelayAfter(attempts, options.FirstRetryDelay, options.MaxRetryDelay, Random.Shared.NextDouble());

    private async Task PurgeWhenDueAsync(WebhookDeliveryStore store, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (now - _lastPurge < PurgeEvery) return;
        _lastPurge = now;
        await store.PurgeAsync((now - options.DeliveredRetention).UtcDateTime,
            (now - options.DeadLetterRetention).UtcDateTime, ct);
    }
}
