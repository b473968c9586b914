using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Webhooks;

/// <summary>A delivery due now, with what its attempt needs: where, the secret, and the body.</summary>
public sealed record WebhookDispatch(
    long DeliveryId, long SubscriptionId, string Url, string Secret, string EventId, string EventType, string Body,
    int Attempts);

/// <summary>How one attempt went: a 2xx answer, or the status (null when none came) and a short reason.</summary>
public sealed record WebhookAttempt(long DeliveryId, bool Succeeded, int? StatusCode, string? Error);

/// <summary>A dead letter with its event.</summary>
public sealed record WebhookDeadLetter(WebhookDeliveryRow Delivery, WebhookEventRow Event);

/// <summary>
/// The dispatcher's side of the outbox (docs/adr/0071-webhook-dispatch-retries-and-dead-letters.md): fans new events
/// out to deliveries, hands out the ones due, records each attempt (retry later, delivered, or dead after the last
/// attempt), and the admin's reads and re-deliveries of dead letters.
/// </summary>
public sealed class WebhookDeliveryStore(CustomerHealthDbContext db, TimeProvider clock)
{
    /// <summary>
    /// Turns up to <paramref name="batchSize"/> events not fanned out yet into one pending delivery per active
    /// subscription of their type (due at once), stamping the events in the same transaction; returns how many events.
    /// </summary>
    public async Task<int> FanOutAsync(int batchSize, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // Most passes find nothing: look first, so that an idle dispatcher takes no write lock (on SQLite a
        // transaction begins with BEGIN IMMEDIATE) every tick.
        if (!await db.WebhookEvents.AsNoTracking().AnyAsync(e => e.FannedOutAt == null, ct)) return 0;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var events = await db.WebhookEvents.Where(e => e.FannedOutAt == null).OrderBy(e => e.Id)
                .Take(batchSize).ToListAsync(ct);
            if (events.Count == 0) return 0;
            var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => !s.Paused).ToListAsync(ct);
            foreach (var e in events)
            {
                foreach (var s in subscriptions.Where(s => s.EventTypeList.Contains(e.Type, StringComparer.Ordinal)))
                {
                    db.WebhookDeliveries.Add(new WebhookDeliveryRow
                    {
                        SubscriptionId = s.Id, EventId = e.Id, State = WebhookDeliveryState.Pending,
                        NextAttemptAt = now,
                    });
                }
                e.FannedOutAt = now;
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return events.Count;
        });
    }

    /// <summary>Up to <paramref name="batchSize"/> pending deliveries due now to subscriptions not paused, the
    /// longest waiting first.</summary>
    public async Task<IReadOnlyList<WebhookDispatch>> DueAsync(int batchSize, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await (
                from d in db.WebhookDeliveries.AsNoTracking()
                join s in db.WebhookSubscriptions on d.SubscriptionId equals s.Id
                join e in db.WebhookEvents on d.EventId equals e.Id
                where d.State == WebhookDeliveryState.Pending && d.NextAttemptAt <= now && !s.Paused
                orderby d.NextAttemptAt, d.Id
                select new WebhookDispatch(d.Id, s.Id, s.Url, s.Secret, e.EventId, e.Type, e.Body, d.Attempts))
            .Take(batchSize).ToListAsync(ct);
    }

    /// <summary>
    /// Records attempts: delivered, or retried after <paramref name="delayAfter"/>(attempts so far), or dead once
    /// <paramref name="maxAttempts"/> were made. Deliveries deleted meanwhile (with their subscription) are skipped.
    /// Returns how many went dead.
    /// </summary>
    public async Task<int> RecordAsync(IReadOnlyList<WebhookAttempt> attempts, int maxAttempts,
        Func<int, TimeSpan> delayAfter, CancellationToken ct)
    {
        if (attempts.Count == 0) return 0;
        var now = clock.GetUtcNow().UtcDateTime;
        db.ChangeTracker.Clear();
        var ids = attempts.Select(a => a.DeliveryId).ToArray();
        var rows = await db.WebhookDeliveries.Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, ct);
        var dead = 0;
        foreach (var attempt in attempts)
        {
            if (!rows.TryGetValue(attempt.DeliveryId, out var row)) continue;
            row.Attempts++;
            (row.LastAttemptAt, row.LastStatusCode) = (now, attempt.StatusCode);
            row.LastError = attempt.Error is { Length: > WebhookDeliveryRow.MaxErrorLength } e
                ? e[..WebhookDeliveryRow.MaxErrorLength] : attempt.Error;
            if (attempt.Succeeded) (row.State, row.DeliveredAt) = (WebhookDeliveryState.Delivered, now);
            else if (row.Attempts >= maxAttempts) (row.State, dead) = (WebhookDeliveryState.Dead, dead + 1);
            else row.NextAttemptAt = now + delayAfter(row.Attempts);
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return dead;
    }

    /// <summary>Up to <paramref name="pageSize"/> + 1 dead letters with an id above <paramref name="afterId"/>, of one
    /// subscription or (null) of all, oldest first.</summary>
    public async Task<IReadOnlyList<WebhookDeadLetter>> DeadLettersAsync(long? subscriptionId, long afterId,
        int pageSize, CancellationToken ct)
    {
        var query = db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.State == WebhookDeliveryState.Dead && d.Id > afterId);
        if (subscriptionId is { } id) query = query.Where(d => d.SubscriptionId == id);
        return await (from d in query
                      join e in db.WebhookEvents on d.EventId equals e.Id
                      orderby d.Id
                      select new WebhookDeadLetter(d, e))
            .Take(pageSize + 1).ToListAsync(ct);
    }

    /// <summary>
    /// Queues dead letters again with a fresh count of attempts, due now: those of <paramref name="deliveryIds"/>, or
    /// when it is empty every one of <paramref name="subscriptionId"/>. Audited with the change; returns how many.
    /// </summary>
    public async Task<int> RedeliverAsync(IReadOnlyList<long> deliveryIds, long subscriptionId, Caller caller,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var dead = db.WebhookDeliveries.Where(d => d.State == WebhookDeliveryState.Dead);
            dead = deliveryIds.Count > 0
                ? dead.Where(d => deliveryIds.Contains(d.Id))
                : dead.Where(d => d.SubscriptionId == subscriptionId);
            var requeued = await dead.ExecuteUpdateAsync(s => s
                .SetProperty(d => d.State, WebhookDeliveryState.Pending)
                .SetProperty(d => d.Attempts, 0)
                .SetProperty(d => d.NextAttemptAt, now), ct);
            var target = deliveryIds.Count > 0
                ? null : subscriptionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var change = new AuditedChange(AuditAction.WebhookDeliveriesRequeued, AuditTargets.WebhookSubscription,
                target, Details: new { deliveryIds, requeued });
            await AuditTrail.WriteAsync(db, caller, change, now, ct);
            await transaction.CommitAsync(ct);
            return requeued;
        });
    }

    /// <summary>
    /// Deletes deliveries delivered before <paramref name="deliveredBefore"/>, dead letters last tried before
    /// <paramref name="deadBefore"/>, and the fanned-out events no delivery refers to any more; returns the rows.
    /// </summary>
    public async Task<int> PurgeAsync(DateTime deliveredBefore, DateTime deadBefore, CancellationToken ct)
    {
        var deleted = await db.WebhookDeliveries
            .Where(d => d.State == WebhookDeliveryState.Delivered && d.DeliveredAt < deliveredBefore)
            .ExecuteDeleteAsync(ct);
        deleted += await db.WebhookDeliveries
            .Where(d => d.State == WebhookDeliveryState.Dead && d.LastAttemptAt < deadBefore)
            .ExecuteDeleteAsync(ct);
        deleted += await db.WebhookEvents
            .Where(e => e.FannedOutAt != null && e.FannedOutAt < deliveredBefore
                && !db.WebhookDeliveries.Any(d => d.EventId == e.Id))
            .ExecuteDeleteAsync(ct);
        return deleted;
    }
}
