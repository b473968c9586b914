using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Domain.Health;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Health;

public sealed partial class SignalReader
{
    private const int UsageFacts30 = 30;

    /// <summary>The windows the signals as of one instant are taken over.</summary>
    private readonly record struct Windows(
        DateTime At,
        DateOnly Day,
        DateOnly Last30From,
        DateOnly Previous30From,
        DateOnly HistoryFrom,
        DateTime NpsFrom,
        DateTime TicketsFrom)
    {
        public DateOnly Previous30To => Last30From.AddDays(-1);

        public static Windows Of(DateTimeOffset asOf, int usageHistoryDays)
        {
            var at = asOf.UtcDateTime;
            var day = DateOnly.FromDateTime(at);
            return new Windows(
                at,
                day,
                Last30From: day.AddDays(-(UsageFacts30 - 1)),
                Previous30From: day.AddDays(-(2 * UsageFacts30 - 1)),
                HistoryFrom: day.AddDays(-(Math.Max(usageHistoryDays, 2 * UsageFacts30) - 1)),
                NpsFrom: at.AddDays(-HealthScorer.NpsWindowDays),
                TicketsFrom: at.AddDays(-HealthScorer.SupportWindowDays));
        }
    }

    /// <summary>A batch's earliest and latest instants: sources are read from one to the other.</summary>
    private readonly record struct ReadSpan(Windows Earliest, Windows Latest)
    {
        /// <summary>Every instant on one day: distinct counts over day windows can be left to the database.</summary>
        public bool OneDay => Earliest.Day == Latest.Day;

        public bool OneInstant => Earliest.At == Latest.At;
    }

    private sealed record AccountFacts(string Id, CsTier Tier, DateTime CreatedAt);

    /// <summary>What was read for a batch, by account; each pair takes what its own windows allow.</summary>
    private sealed record Sources(
        Dictionary<string, AccountFacts> Accounts,
        ILookup<string, Contract> Contracts,
        Dictionary<string, List<DailyUsage>> Days,
        Func<string, Windows, (int Last30, int Previous30)> ActiveUsers,
        Func<string, Windows, int> KeyFeaturesUsed,
        int KeyFeaturesInCatalogue,
        Dictionary<string, OnboardingSummary> Plans,
        ILookup<string, NpsAnswer> Answers,
        ILookup<string, TicketSummary> Tickets,
        Func<string, DateTime, DateTimeOffset?> LastTouchpoint)
    {
        /// <summary>The catalogue's metric events and ratios, with their day counts over the batch's
        /// lookback.</summary>
        public (EventCatalogue Catalogue, Dictionary<string, MetricDay[]> Days)? Metrics { get; init; }
    }

    /// <summary>Every source of <paramref name="ids"/> over <paramref name="span"/>; null without accounts.</summary>
    private async Task<Sources?> ReadSourcesAsync(
        AccountSelection ids, ReadSpan span, bool metrics, CancellationToken ct)
    {
        await WithoutJitAsync(ct);
        var accounts = await ids.Keep(db.Accounts.AsNoTracking(), a => a.Id)
            .Select(a => new AccountFacts(a.Id, a.EffectiveTier, a.CreatedAt))
            .ToDictionaryAsync(a => a.Id, StringComparer.Ordinal, ct);
        if (accounts.Count == 0) return null;
        // Contracts, answers and tickets in key order, whichever plan reads them: a range and an id list give each
        // account's rows in the same order (the score sums answers' weights in it).
        var contracts = (await ids.Keep(db.Contracts.AsNoTracking(), c => c.AccountId)
                .OrderBy(c => c.AccountId).ThenBy(c => c.StartDate).ThenBy(c => c.Id).ToListAsync(ct))
            .ToLookup(c => c.AccountId, StringComparer.Ordinal);
        var (historyFrom, latestDay) = (span.Earliest.HistoryFrom, span.Latest.Day);
        var days = ReadsDirectly ? await ReadDaysDirectlyAsync(ids, historyFrom, latestDay, ct)
            : await ReadDaysAsync(ids, historyFrom, latestDay, ct);
        var activeUsers = await ReadActiveUsersAsync(ids, span, ct);
        var catalogue = await catalogues.GetAsync(ct);
        var keyFeatures = catalogue.KeyFeatures.ToArray();
        var keyFeaturesUsed = await ReadKeyFeaturesUsedAsync(ids, keyFeatures, span, ct);
        var plans = ReadsDirectly ? await ReadPlansDirectlyAsync(ids, ct)
            : await ids.Keep(db.OnboardingPlans.AsNoTracking().Include(p => p.Milestones), p => p.AccountId)
                .ToDictionaryAsync(p => p.AccountId, OnboardingSummary.Of, StringComparer.Ordinal, ct);
        var (answers, tickets) = (await ReadNpsAnswersAsync(ids, span, ct), await ReadTicketsAsync(ids, span, ct));
        var lastTouchpoint = await ReadLastTouchpointsAsync(ids, span, ct);
        return new Sources(
            accounts, contracts, days, activeUsers, keyFeaturesUsed, keyFeatures.Length, plans, answers, tickets,
            lastTouchpoint)
        {
            Metrics = metrics ? (catalogue, await ReadMetricDaysAsync(ids, catalogue, span, ct)) : null,
        };
    }

    /// <summary>
    /// On PostgreSQL, in the batch's snapshot transaction: no JIT compilation for the rest of it. The planner's cost of
    /// a batch's rollup reads crosses the default <c>jit_above_cost</c> for some batches, and compiling their
    /// expressions cost more server time than running the statements (docs/adr/0069). The server's settings are left
    /// as they are; <c>SET LOCAL</c> ends with the transaction.
    /// </summary>
    private async Task WithoutJitAsync(CancellationToken ct)
    {
        if (db.Database.IsNpgsql() && db.Database.CurrentTransaction is not null)
            await db.Database.ExecuteSqlRawAsync("SET LOCAL jit = off", ct);
    }

    /// <summary>Each account's daily rollups from <paramref name="from"/> to <paramref name="to"/>, through EF
    /// Core.</summary>
    private async Task<Dictionary<string, List<DailyUsage>>> ReadDaysAsync(
        AccountSelection ids, DateOnly from, DateOnly to, CancellationToken ct) =>
        (await ids.Keep(db.AccountDailyUsage.AsNoTracking(), u => u.AccountId)
            .Where(u => u.Day >= from && u.Day <= to)
            .Select(u => new { u.AccountId, u.Day, u.ActiveUsers, u.Events })
            .ToListAsync(ct))
        .GroupBy(u => u.AccountId, u => new DailyUsage(u.Day, u.ActiveUsers, u.Events), StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

    /// <summary>
    /// The feature-rollup rows of the catalogue's metric events over the usage-rate lookback of every pair (the 56 days
    /// up to its day), for the usage-rate metrics, each account's in day order; each pair keeps its own days (<see
    /// cref="SpanReads.Window"/>).
    /// </summary>
    private async Task<Dictionary<string, MetricDay[]>> ReadMetricDaysAsync(
        AccountSelection ids, EventCatalogue catalogue, ReadSpan span, CancellationToken ct)
    {
        var events = catalogue.MetricEvents.ToArray();
        if (events.Length == 0) return new Dictionary<string, MetricDay[]>(StringComparer.Ordinal);
        var (from, to) = (span.Earliest.Day.AddDays(-(UsageRates.LookbackDays - 1)), span.Latest.Day);
        if (ReadsDirectly)
            return SpanReads.InDayOrder(await SpanReads.ReadFeatureDaysAsync(db, ids, events, from, to, ct),
                f => new MetricDay(f.Day, f.Feature, f.Events), d => d.Day);
        return (await ids.Keep(db.AccountFeatureDailyUsage.AsNoTracking(), f => f.AccountId)
                .Where(f => f.Day >= from && f.Day <= to && f.Events > 0
                    && events.Contains(f.Feature))
                .Select(f => new { f.AccountId, f.Day, f.Feature, f.Events })
                .ToListAsync(ct))
            .GroupBy(f => f.AccountId, f => new MetricDay(f.Day, f.Feature, f.Events), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => SpanReads.InDayOrder(g, d => d.Day), StringComparer.Ordinal);
    }

    /// <summary>
    /// Distinct users active in a pair's last 30 days and in the 30 before them, from the active-day blocks (a
    /// window of 30 days lies in at most two blocks of 63, and a user has one row per block), not from every user-day
    /// row. When every instant is on one day the database counts both windows in one pass; otherwise the blocks are
    /// counted per pair.
    /// </summary>
    private async Task<Func<string, Windows, (int Last30, int Previous30)>> ReadActiveUsersAsync(
        AccountSelection ids, ReadSpan span, CancellationToken ct)
    {
        var older = ActiveDayBlocks.BlockOf(span.Earliest.Previous30From);
        var newer = ActiveDayBlocks.BlockOf(span.Latest.Day);
        var blocks = ids.Keep(db.UserActiveDays.AsNoTracking(), u => u.AccountId)
            .Where(u => u.Block >= older && u.Block <= newer);
        if (!span.OneDay)
        {
            var rows = ReadsDirectly ? await SpanReads.ReadActiveDayBlocksAsync(db, ids, older, newer, ct)
                : (await blocks.ToListAsync(ct)).ToLookup(
                    u => u.AccountId,
                    u => new ActiveDayBlock(u.AccountId, u.UserId, u.Block, u.Days),
                    StringComparer.Ordinal);
            return (id, w) => (
                ActiveDayBlocks.DistinctUsers(rows[id], w.Last30From, w.Day),
                ActiveDayBlocks.DistinctUsers(rows[id], w.Previous30From, w.Previous30To));
        }
        var w = span.Latest;
        var lastOlder = ActiveDayBlocks.Mask(older, w.Last30From, w.Day);
        var lastNewer = ActiveDayBlocks.Mask(newer, w.Last30From, w.Day);
        var previousOlder = ActiveDayBlocks.Mask(older, w.Previous30From, w.Previous30To);
        var previousNewer = ActiveDayBlocks.Mask(newer, w.Previous30From, w.Previous30To);
        var counts = await blocks
            .GroupBy(u => u.AccountId)
            .Select(g => new
            {
                AccountId = g.Key,
                Last30 = g
                    .Where(u => (u.Block == older && (u.Days & lastOlder) != 0)
                        || (u.Block == newer && (u.Days & lastNewer) != 0))
                    .Select(u => u.UserId).Distinct().Count(),
                Previous30 = g
                    .Where(u => (u.Block == older && (u.Days & previousOlder) != 0)
                        || (u.Block == newer && (u.Days & previousNewer) != 0))
                    .Select(u => u.UserId).Distinct().Count(),
            })
            .ToDictionaryAsync(x => x.AccountId, x => (x.Last30, x.Previous30), StringComparer.Ordinal, ct);
        return (id, _) => counts.GetValueOrDefault(id);
    }

    /// <summary>
    /// Distinct key features used in a pair's last 30 days: counted by the database when every instant is on one day,
    /// otherwise from the (account, feature, day) rows per pair.
    /// </summary>
    private async Task<Func<string, Windows, int>> ReadKeyFeaturesUsedAsync(
        AccountSelection ids, string[] keyFeatures, ReadSpan span, CancellationToken ct)
    {
        if (keyFeatures.Length == 0) return (_, _) => 0;
        var (from, to) = (span.Earliest.Last30From, span.Latest.Day);
        var used = ids.Keep(db.AccountFeatureDailyUsage.AsNoTracking(), f => f.AccountId)
            .Where(f => f.Day >= from && f.Day <= to && f.Events > 0
                && keyFeatures.Contains(f.Feature));
        if (span.OneDay)
        {
            var counts = await used
                .GroupBy(f => f.AccountId)
                .Select(g => new { AccountId = g.Key, Features = g.Select(f => f.Feature).Distinct().Count() })
                .ToDictionaryAsync(x => x.AccountId, x => x.Features, StringComparer.Ordinal, ct);
            return (id, _) => counts.GetValueOrDefault(id);
        }
        var featureDays = ReadsDirectly
            ? SpanReads.InDayOrder(await SpanReads.ReadFeatureDaysAsync(db, ids, keyFeatures, from, to, ct),
                f => (f.Feature, f.Day), f => f.Day)
            : (await used.Select(f => new { f.AccountId, f.Feature, f.Day }).ToListAsync(ct))
                .GroupBy(f => f.AccountId, f => (f.Feature, f.Day), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => SpanReads.InDayOrder(g, f => f.Day), StringComparer.Ordinal);
        return (id, w) => featureDays.TryGetValue(id, out var days)
            ? SpanReads.Window(days, f => f.Day, w.Last30From, w.Day).Select(f => f.Feature)
                .Distinct(StringComparer.Ordinal).Count()
            : 0;
    }

    private async Task<ILookup<string, NpsAnswer>> ReadNpsAnswersAsync(
        AccountSelection ids, ReadSpan span, CancellationToken ct)
    {
        var (from, to) = (span.Earliest.NpsFrom, span.Latest.At);
        return (await ids.Keep(db.NpsResponses.AsNoTracking(), n => n.AccountId)
                .Where(n => n.AnsweredAt > from && n.AnsweredAt <= to)
                .OrderBy(n => n.AccountId).ThenBy(n => n.AnsweredAt).ThenBy(n => n.Id)
                .Select(n => new { n.AccountId, n.Score, n.AnsweredAt })
                .ToListAsync(ct))
            .ToLookup(n => n.AccountId, n => new NpsAnswer(n.Score, Utc(n.AnsweredAt)), StringComparer.Ordinal);
    }

    /// <summary>Tickets opened by the latest instant and not closed before the earliest one's support window.</summary>
    private async Task<ILookup<string, TicketSummary>> ReadTicketsAsync(
        AccountSelection ids, ReadSpan span, CancellationToken ct)
    {
        var (from, to) = (span.Earliest.TicketsFrom, span.Latest.At);
        return (await ids.Keep(db.SupportTickets.AsNoTracking(), t => t.AccountId)
                .Where(t => t.OpenedAt <= to && (t.ClosedAt == null || t.ClosedAt > from))
                .OrderBy(t => t.AccountId).ThenBy(t => t.OpenedAt).ThenBy(t => t.Id)
                .Select(t => new { t.AccountId, t.Severity, t.OpenedAt, t.ClosedAt })
                .ToListAsync(ct))
            .ToLookup(
                t => t.AccountId,
                t => new TicketSummary(t.Severity, Utc(t.OpenedAt), t.ClosedAt is { } c ? Utc(c) : null),
                StringComparer.Ordinal);
    }

    /// <summary>
    /// Each account's last touchpoint at or before a pair's instant: the database's latest one up to the earliest
    /// instant and (when the instants differ) the touchpoints between the earliest and the latest, compared per pair.
    /// </summary>
    private async Task<Func<string, DateTime, DateTimeOffset?>> ReadLastTouchpointsAsync(
        AccountSelection ids, ReadSpan span, CancellationToken ct)
    {
        var (earliest, latest) = (span.Earliest.At, span.Latest.At);
        var upToEarliest = await ids.Keep(db.Touchpoints.AsNoTracking(), t => t.AccountId)
            .Where(t => t.OccurredAt <= earliest)
            .GroupBy(t => t.AccountId)
            .Select(g => new { AccountId = g.Key, Last = g.Max(t => t.OccurredAt) })
            .ToDictionaryAsync(x => x.AccountId, x => x.Last, StringComparer.Ordinal, ct);
        if (span.OneInstant) return (id, _) => upToEarliest.TryGetValue(id, out var last) ? Utc(last) : null;
        var later = (await ids.Keep(db.Touchpoints.AsNoTracking(), t => t.AccountId)
                .Where(t => t.OccurredAt > earliest && t.OccurredAt <= latest)
                .Select(t => new { t.AccountId, t.OccurredAt })
                .ToListAsync(ct))
            .ToLookup(t => t.AccountId, t => t.OccurredAt, StringComparer.Ordinal);
        return (id, at) =>
        {
            var last = later[id].Where(t => t <= at).DefaultIfEmpty(DateTime.MinValue).Max();
            if (upToEarliest.TryGetValue(id, out var before) && before > last) last = before;
            return last == DateTime.MinValue ? null : Utc(last);
        };
    }
}
