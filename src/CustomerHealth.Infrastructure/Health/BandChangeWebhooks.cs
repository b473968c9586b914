using CustomerHealth.Domain.Webhooks;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Infrastructure.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>
/// The <c>data</c> of a <c>health.band_changed</c> webhook event (docs/webhooks.md#healthband_changed): the account,
/// its name and owner (for a chat message or a CRM task), the band and score before and after, the tier scored under,
/// and the instants of the score.
/// </summary>
public sealed record BandChangedData(
    string AccountId, string AccountName, string? Owner, string PreviousBand, string Band, double? PreviousScore,
    double? Score, string Tier, DateTime AsOf, DateTime ComputedAt);

/// <summary>The <c>health.band_changed</c> webhook event of each change-feed entry that changed band, written in the
/// recompute's own transaction (the outbox: docs/adr/0070-webhook-outbox-in-the-changing-transaction.md).</summary>
internal static class BandChangeWebhooks
{
    public static async Task<IReadOnlyList<WebhookEventRow>> EventsAsync(CustomerHealthDbContext db,
        IReadOnlyList<HealthChangeRow> entries, DateTime nowUtc, CancellationToken ct)
    {
        var changed = entries.Where(e => e.Reason == Domain.Health.ChangeReason.BandChanged).ToList();
        if (changed.Count == 0) return [];
        var ids = changed.Select(c => c.AccountId).Distinct().ToArray();
        var accounts = await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id))
            .Select(a => new { a.Id, a.DisplayName, a.Owner })
            .ToDictionaryAsync(a => a.Id, StringComparer.Ordinal, ct);
        return changed.Select(c =>
        {
            var account = accounts.GetValueOrDefault(c.AccountId);
            var data = new BandChangedData(c.AccountId, account?.DisplayName ?? c.AccountId, account?.Owner,
                WebhookOutbox.Name(c.PreviousBand), WebhookOutbox.Name(c.Band), c.PreviousScore, c.Score,
                WebhookOutbox.Name(c.Tier),
                DateTime.SpecifyKind(c.AsOf, DateTimeKind.Utc), DateTime.SpecifyKind(c.ComputedAt, DateTimeKind.Utc));
            return WebhookOutbox.Event(WebhookEventTypes.HealthBandChanged, data, nowUtc);
        }).ToArray();
    }
}
