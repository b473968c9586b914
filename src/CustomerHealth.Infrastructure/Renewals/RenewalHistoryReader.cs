using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Renewals;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Renewals;

/// <summary>
/// Reads <see cref="RenewalHistory"/> for many (account, instant) pairs with one set-based query per source
/// (key-feature day rollups, NPS answers, tickets, touchpoints, renewed contracts) over the span from the earliest
/// window start to the latest instant; each pair keeps only what its own instant allows, so nothing recorded after it
/// can reach its row. The daily rollups are not read here: <see cref="RenewalFeatureReader"/> asks <see
/// cref="SignalReader.ReadManyAsync"/> for <see cref="RenewalHistory.UsageDays"/> days of them. Meant, like that
/// reader, for chunks of requests sorted by instant or holding every request of a few accounts.
/// </summary>
public sealed class RenewalHistoryReader(CustomerHealthDbContext db, EventCatalogueStore catalogues)
{
    public async Task<IReadOnlyList<RenewalHistory>> ReadManyAsync(IReadOnlyList<SignalRequest> requests,
        CancellationToken ct)
    {
        if (requests.Count == 0) return [];
        var ids = requests.Select(r => r.AccountId).Distinct(StringComparer.Ordinal).ToArray();
        var latestAt = requests.Max(r => r.AsOf.UtcDateTime);
        var earliestAt = requests.Min(r => r.AsOf.UtcDateTime);
        var sources = await ReadSignalsAsync(ids, earliestAt, latestAt, ct);
        var catalogue = await catalogues.GetAsync(ct);
        var keyFeatures = catalogue.KeyFeatures.ToArray();
        var featureDays = await ReadKeyFeatureDaysAsync(ids, keyFeatures, earliestAt, latestAt, ct);
        sources = sources with { KeyFeatureCount = keyFeatures.Length, FeatureDays = featureDays };
        return [.. requests.Select(r => HistoryAt(r, sources))];
    }

    /// <summary>One request's history: only what its own instant allows, from rows read for the whole span.</summary>
    private static RenewalHistory HistoryAt(SignalRequest request, Sources sources)
    {
        var (id, asOf) = request;
        var at = asOf.UtcDateTime;
        var day = DateOnly.FromDateTime(at);
        var ownNpsFrom = at.AddDays(-RenewalHistory.NpsDays);
        var ownTicketsFrom = at.AddDays(-RenewalHistory.TicketDays);
        var ownFeaturesFrom = day.AddDays(-(RenewalHistory.FeatureDays - 1));
        var last = sources.Renewed[id].Where(c => c.DecisionDate <= day)
            .OrderBy(c => c.DecisionDate).ThenBy(c => c.EndDate).LastOrDefault();
        return new RenewalHistory(
            [],
            sources.Answers[id].Where(n => n.AnsweredAt.UtcDateTime > ownNpsFrom && n.AnsweredAt.UtcDateTime <= at)
                .ToArray(),
            sources.Tickets[id].Where(t => t.OpenedAt.UtcDateTime > ownTicketsFrom && t.OpenedAt.UtcDateTime <= at)
                .Select(t => t.ClosedAt is { } c && c.UtcDateTime > at ? t with { ClosedAt = null } : t).ToArray(),
            sources.Touchpoints[id].Where(t => t.UtcDateTime > ownTicketsFrom && t.UtcDateTime <= at).ToArray(),
            last is { ArrAmount: > 0 } ? (double)(last.NewArr / last.ArrAmount) - 1 : null,
            SpanReads.Window(sources.FeatureDays.GetValueOrDefault(id) ?? [], f => f.Day, ownFeaturesFrom, day),
            sources.KeyFeatureCount,
            sources.FirstActive.TryGetValue(id, out var first) && first <= day ? first : null);
    }

    /// <summary>NPS answers, tickets, touchpoints, renewed contracts and first active days of the accounts over the
    /// span from the earliest window start to the latest instant, one query each.</summary>
    private async Task<Sources> ReadSignalsAsync(string[] ids, DateTime earliestAt, DateTime latestAt,
        CancellationToken ct)
    {
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
            .ToLookup(t => t.AccountId,
                t => new TicketSummary(t.Severity, Utc(t.OpenedAt), t.ClosedAt is { } c ? Utc(c) : null),
                StringComparer.Ordinal);
        var touchpoints = (await db.Touchpoints.AsNoTracking()
                .Where(t => ids.Contains(t.AccountId) && t.OccurredAt > ticketsFrom && t.OccurredAt <= latestAt)
                .Select(t => new { t.AccountId, t.OccurredAt })
                .ToListAsync(ct))
            .ToLookup(t => t.AccountId, t => Utc(t.OccurredAt), StringComparer.Ordinal);
        var renewed = (await db.Contracts.AsNoTracking()
                .Where(c => ids.Contains(c.AccountId) && c.Outcome != null
                    && c.Outcome.Kind == RenewalOutcomeKind.Renewed && c.Outcome.DecisionDate <= latestDay)
                .Select(c => new Renewal(c.AccountId, c.ArrAmount, c.Outcome!.NewArr, c.Outcome.DecisionDate,
                    c.EndDate))
                .ToListAsync(ct))
            .ToLookup(c => c.AccountId, StringComparer.Ordinal);
        // The first active day ever recorded: when it is after a request's day, that request saw no use at all.
        var firstActive = await db.AccountDailyUsage.AsNoTracking()
            .Where(d => ids.Contains(d.AccountId) && d.ActiveUsers > 0)
            .GroupBy(d => d.AccountId)
            .Select(g => new { AccountId = g.Key, Day = g.Min(d => d.Day) })
            .ToDictionaryAsync(d => d.AccountId, d => d.Day, StringComparer.Ordinal, ct);
        return new Sources(answers, tickets, touchpoints, renewed, firstActive, 0, NoFeatureDays());
    }

    /// <summary>The key features' day rollups of the accounts over the span (none when the catalogue has no key
    /// feature), each account's in day order: through a data reader on SQLite and PostgreSQL (<see
    /// cref="SpanReads"/>), EF Core on SQL Server.</summary>
    private async Task<Dictionary<string, KeyFeatureDay[]>> ReadKeyFeatureDaysAsync(string[] ids,
        string[] keyFeatures, DateTime earliestAt, DateTime latestAt, CancellationToken ct)
    {
        if (keyFeatures.Length == 0) return NoFeatureDays();
        var latestDay = DateOnly.FromDateTime(latestAt);
        var featuresFrom = DateOnly.FromDateTime(earliestAt).AddDays(-(RenewalHistory.FeatureDays - 1));
        if (SpanReads.Supports(db))
            return SpanReads.InDayOrder(
                await SpanReads.ReadFeatureDaysAsync(db, ids, keyFeatures, featuresFrom, latestDay, ct),
                f => new KeyFeatureDay(f.Day, f.Feature, f.Events), f => f.Day);
        return (await db.AccountFeatureDailyUsage.AsNoTracking()
                .Where(f => ids.Contains(f.AccountId) && f.Day >= featuresFrom && f.Day <= latestDay && f.Events > 0
                    && keyFeatures.Contains(f.Feature))
                .Select(f => new { f.AccountId, f.Feature, f.Day, f.Events })
                .ToListAsync(ct))
            .GroupBy(f => f.AccountId, f => new KeyFeatureDay(f.Day, f.Feature, f.Events), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => SpanReads.InDayOrder(g, f => f.Day), StringComparer.Ordinal);
    }

    private static Dictionary<string, KeyFeatureDay[]> NoFeatureDays() => new(StringComparer.Ordinal);

    /// <summary>A renewed contract: its ARR before and after, when the renewal was decided and when it ended.</summary>
    private sealed record Renewal(string AccountId, decimal ArrAmount, decimal NewArr, DateOnly DecisionDate,
        DateOnly EndDate);

    /// <summary>What the span's queries read, by account.</summary>
    private sealed record Sources(
        ILookup<string, NpsAnswer> Answers,
        ILookup<string, TicketSummary> Tickets,
        ILookup<string, DateTimeOffset> Touchpoints,
        ILookup<string, Renewal> Renewed,
        Dictionary<string, DateOnly> FirstActive,
        int KeyFeatureCount,
        Dictionary<string, KeyFeatureDay[]> FeatureDays);

    private static DateTimeOffset Utc(DateTime instant) => new(DateTime.SpecifyKind(instant, DateTimeKind.Utc));
}
