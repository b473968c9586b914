using System.Globalization;
using System.Text.Json;
using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Webhooks;

/// <summary>A subscription as an admin states it; a null <see cref="Secret"/> keeps the stored one.</summary>
public sealed record WebhookSubscriptionSpec(
    string Url, string? Secret, IReadOnlyList<string> EventTypes, string? Description, bool Paused);

/// <summary>
/// Webhook subscriptions: created, replaced and deleted by admins, each change audited in its own transaction without
/// the secret (which no read returns either).
/// </summary>
public sealed class WebhookSubscriptionStore(CustomerHealthDbContext db, TimeProvider clock)
{
    /// <summary>The most subscriptions the service keeps: the dispatcher matches them all in memory.</summary>
    public const int MaxSubscriptions = 100;

    public async Task<WebhookSubscriptionRow> GetAsync(long id, CancellationToken ct) =>
        await db.WebhookSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct)
        ?? throw NotFound(id);

    /// <summary>Up to <paramref name="pageSize"/> + 1 subscriptions with an id above <paramref name="afterId"/>.
    /// </summary>
    public async Task<IReadOnlyList<WebhookSubscriptionRow>> ListAsync(long afterId, int pageSize,
        CancellationToken ct) =>
        await db.WebhookSubscriptions.AsNoTracking().Where(s => s.Id > afterId).OrderBy(s => s.Id)
            .Take(pageSize + 1).ToListAsync(ct);

    public async Task<WebhookSubscriptionRow> CreateAsync(WebhookSubscriptionSpec spec, Caller caller,
        CancellationToken ct)
    {
        if (await db.WebhookSubscriptions.CountAsync(ct) >= MaxSubscriptions)
            throw new RuleViolationException("WEBHOOK_SUBSCRIPTIONS_FULL",
                $"At most {MaxSubscriptions} webhook subscriptions can exist; delete one first.");
        var now = clock.GetUtcNow().UtcDateTime;
        var row = new WebhookSubscriptionRow
        {
            Url = spec.Url, Secret = spec.Secret ?? throw new ArgumentException("A new subscription needs a secret."),
            EventTypes = string.Join(',', spec.EventTypes), Description = spec.Description, Paused = spec.Paused,
            CreatedAt = now, CreatedBy = caller.Identity, UpdatedAt = now, UpdatedBy = caller.Identity,
        };
        await InTransactionAsync(async () =>
        {
            db.WebhookSubscriptions.Add(row);
            await db.SaveChangesAsync(ct);
            await AuditAsync(caller, row.Id, null, row, new { operation = "created" }, now, ct);
        }, ct);
        return row;
    }

    public async Task<WebhookSubscriptionRow> UpdateAsync(long id, WebhookSubscriptionSpec spec, Caller caller,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        WebhookSubscriptionRow? row = null;
        await InTransactionAsync(async () =>
        {
            row = await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id, ct) ?? throw NotFound(id);
            var before = AuditJson(row);
            var secretChanged = spec.Secret is not null && spec.Secret != row.Secret;
            (row.Url, row.EventTypes, row.Description, row.Paused) =
                (spec.Url, string.Join(',', spec.EventTypes), spec.Description, spec.Paused);
            if (spec.Secret is not null) row.Secret = spec.Secret;
            (row.UpdatedAt, row.UpdatedBy) = (now, caller.Identity);
            await db.SaveChangesAsync(ct);
            await AuditAsync(caller, id, before, row, new { operation = "replaced", secretChanged }, now, ct);
        }, ct);
        return row!;
    }

    /// <summary>Deletes the subscription with its deliveries; returns how many queued or dead ones went.</summary>
    public async Task<int> DeleteAsync(long id, Caller caller, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var deleted = 0;
        await InTransactionAsync(async () =>
        {
            var row = await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id, ct) ?? throw NotFound(id);
            deleted = await db.WebhookDeliveries
                .Where(d => d.SubscriptionId == id && d.State != WebhookDeliveryState.Delivered)
                .CountAsync(ct);
            await db.WebhookDeliveries.Where(d => d.SubscriptionId == id).ExecuteDeleteAsync(ct);
            var before = AuditJson(row);
            db.WebhookSubscriptions.Remove(row);
            await db.SaveChangesAsync(ct);
            await AuditAsync(caller, id, before, null, new { operation = "deleted", deliveries = deleted }, now, ct);
        }, ct);
        return deleted;
    }

    private async Task InTransactionAsync(Func<Task> work, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await work();
            await transaction.CommitAsync(ct);
        });
    }

    private Task AuditAsync(Caller caller, long id, string? before, WebhookSubscriptionRow? after, object details,
        DateTime now, CancellationToken ct) =>
        AuditTrail.WriteAsync(db, caller, new AuditedChange(AuditAction.WebhookSubscriptionChanged,
            AuditTargets.WebhookSubscription, id.ToString(CultureInfo.InvariantCulture), before,
            after is null ? null : AuditJson(after), details), now, ct);

    /// <summary>What the audit trail keeps of a subscription: everything but its secret.</summary>
    private static string AuditJson(WebhookSubscriptionRow row) => JsonSerializer.Serialize(new
    {
        url = row.Url, eventTypes = row.EventTypeList, description = row.Description, paused = row.Paused,
    });

    private static NotFoundException NotFound(long id) =>
        new("WebhookSubscription", id.ToString(CultureInfo.InvariantCulture));
}
