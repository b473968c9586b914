using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Renewals;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Renewals;

/// <summary>
/// Reads <see cref="RenewalHistory"/> for many (account, instant) pairs with one set-based query per source (key-feature day
/// rollups, NPS answers, tickets, touchpoints, renewed contracts) over the span from the earliest window start to the latest
/// instant; each pair keeps only what its own instant allows, so nothing recorded after it can reach its row. The daily
/// rollups are not read here: <see cref="RenewalFeatureReader"/> asks <see cref="SignalReader.ReadManyAsync"/> for
/// <see cref="RenewalHistory.UsageDays"/> days of them. Meant, like that reader, for chunks of requests sorted by instant.
/// </summary>
public sealed class RenewalHistoryReader(CustomerHealthDbContext db, EventCatalogueStore catalogues)
{
    public async Task<IReadOnlyList<RenewalHistory>> ReadManyAsync(IReadOnlyList<SignalRequest> requests, CancellationToken ct)
    {
        if (requests.Count == 0) return [];
        var ids = requests.Select(r => r.AccountId).Distinct(StringComparer.Ordinal).ToArray();
        var latestAt = requests.Max(r => r.AsOf.UtcDateTime);
        var earliestAt = requests.Min(r => r.AsOf.UtcDateTime);
        var latestDay = DateOnly.FromDateTime(latestAt);
        var npsFrom = earliestAt.AddDays(-RenewalHistory.NpsDays);
        var ticketsFrom = earliestAt.AddDays(-RenewalHistory.TicketDays);

        var answers = (await db.NpsResponses.AsNoTracking()
                .Where(n => ids.Contains(n.AccountId) && n.AnsweredAt > npsFrom && n.AnsweredAt <= latestAt)
                .Select(n => new { n.AccountId, n.Score, n.AnsweredAt })
                .ToListAsync(ct))
            .ToLookup(n => n.AccountId, n => new NpsAnswer(n.Score, Utc(n.AnsweredAt)), StringComparer.Ordinal);
        var tickets = (await db.SupportTickets.AsNoTracking()
                .Where(t => ids.Contains(t.AccountId) && t.OpenedAt > ticketsFrom && t.OpenedAt <= latestAt)
                .Select(t => new { t.AccountId, t.Severity, t.OpenedAt, t.ClosedAt })
                .ToListAsync(ct))
            .ToLookup(t => t.AccountId, t => new TicketSummary(t.Severity, Utc(t.OpenedAt), t.ClosedAt is { } c ? Utc(c) : null), StringComparer.Ordinal);
        var touchpoints = (await db.Touchpoints.AsNoTracking()
                .Where(t => ids.Contains(t.AccountId) && t.OccurredAt > ticketsFrom && t.OccurredAt <= latestAt)
                .Select(t => new { t.AccountId, t.OccurredAt })
                .ToListAsync(ct))
            .ToLookup(t => t.AccountId, t => Utc(t.OccurredAt), StringComparer.Ordinal);
        var catalogue = await catalogues.GetAsync(ct);
        var keyFeatures = catalogue.KeyFeatures.ToArray();
        var featuresFrom = DateOnly.FromDateTime(earliestAt).AddDays(-(RenewalHistory.FeatureDays - 1));
        var featureDays = keyFeatures.Length == 0
            ? Enumerable.Empty<KeyFeatureDay>().ToLookup(_ => "", StringComparer.Ordinal)
            : (await db.AccountFeatureDailyUsage.AsNoTracking()
                    .Where(f => ids.Contains(f.AccountId) && f.Day >= featuresFrom && f.Day <= latestDay && f.Events > 0 && keyFeatures.Contains(f.Feature))
                    .Select(f => new { f.AccountId, f.Feature, f.Day, f.Events })
                    .ToListAsync(ct))
                .ToLookup(f => f.AccountId, f => new KeyFeatureDay(f.Day, f.Feature, f.Events), StringComparer.Ordinal);
        var renewed = (await db.Contracts.AsNoTracking()
                .Where(c => ids.Contains(c.AccountId) && c.Outcome != null && c.Outcome.Kind == RenewalOutcomeKind.Renewed && c.Outcome.DecisionDate <= latestDay)
                .Select(c => new { c.AccountId, c.ArrAmount, c.Outcome!.NewArr, c.Outcome.DecisionDate, c.EndDate })
                .ToListAsync(ct))
            .ToLookup(c => c.AccountId, StringComparer.Ordinal);
        // The first active day ever recorded: when it is after a request's day, that request saw no use at all.
        var firstActive = await db.AccountDailyUsage.AsNoTracking()
            .Where(d => ids.Contains(d.AccountId) && d.ActiveUsers > 0)
            .GroupBy(d => d.AccountId)
            .Select(g => new { AccountId = g.Key, Day = g.Min(d => d.Day) })
            .ToDictionaryAsync(d => d.AccountId, d => d.Day, StringComparer.Ordinal, ct);

        var result = new RenewalHistory[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            var (id, asOf) = requests[i];
            var at = asOf.UtcDateTime;
            var day = DateOnly.FromDateTime(at);
            var ownNpsFrom = at.AddDays(-RenewalHistory.NpsDays);
            var ownTicketsFrom = at.AddDays(-RenewalHistory.TicketDays);
            var ownFeaturesFrom = day.AddDays(-(RenewalHistory.FeatureDays - 1));
            var last = renewed[id].Where(c => c.DecisionDate <= day).OrderBy(c => c.DecisionDate).ThenBy(c => c.EndDate).LastOrDefault();
            result[i] = new RenewalHistory(
                [],
                answers[id].Where(n => n.AnsweredAt.UtcDateTime > ownNpsFrom && n.AnsweredAt.UtcDateTime <= at).ToArray(),
                tickets[id].Where(t => t.OpenedAt.UtcDateTime > ownTicketsFrom && t.OpenedAt.UtcDateTime <= at)
                    .Select(t => t.ClosedAt is { } c && c.UtcDateTime > at ? t with { ClosedAt = null } : t).ToArray(),
                touchpoints[id].Where(t => t.UtcDateTime > ownTicketsFrom && t.UtcDateTime <= at).ToArray(),
                last is { ArrAmount: > 0 } ? (double)(last.NewArr / last.ArrAmount) - 1 : null,
                featureDays[id].Where(f => f.Day >= ownFeaturesFrom && f.Day <= day).ToArray(),
                keyFeatures.Length,
                firstActive.TryGetValue(id, out var first) && first <= day ? first : null);
        }
        return result;
    }

    private static DateTimeOffset Utc(DateTime instant) => new(DateTime.SpecifyKind(instant, DateTimeKind.Utc));
}
