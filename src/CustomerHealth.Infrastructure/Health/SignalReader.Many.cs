using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Domain.Health;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>One account's signals wanted as of one instant.</summary>
public readonly record struct SignalRequest(string AccountId, DateTimeOffset AsOf);

public sealed partial class SignalReader
{
    /// <summary>
    /// The signals of many (account, instant) pairs, each exactly what <see cref="ReadAsync"/> gives for that account and
    /// instant, with one set-based query per source for the whole set: each source is read over the span from the earliest
    /// window start to the latest instant, and every pair keeps only what its own instant allows. Meant for sets whose
    /// instants are close together (callers sort by instant and chunk); renewal training reads each outcome as of its own
    /// lead day this way. Pairs of unknown accounts come back null, in request order.
    /// </summary>
    public async Task<IReadOnlyList<AccountSignalsRead?>> ReadManyAsync(IReadOnlyList<SignalRequest> requests, int usageHistoryDays, CancellationToken ct)
    {
        if (requests.Count == 0) return [];
        var ids = requests.Select(r => r.AccountId).Distinct(StringComparer.Ordinal).ToArray();
        var latestAt = requests.Max(r => r.AsOf.UtcDateTime);
        var earliestAt = requests.Min(r => r.AsOf.UtcDateTime);
        var latestDay = DateOnly.FromDateTime(latestAt);
        var earliestDay = DateOnly.FromDateTime(earliestAt);
        var historyFrom = earliestDay.AddDays(-(Math.Max(usageHistoryDays, 2 * UsageFacts30) - 1));
        var usersFrom = earliestDay.AddDays(-(2 * UsageFacts30 - 1));
        var featuresFrom = earliestDay.AddDays(-(UsageFacts30 - 1));

        var accounts = (await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id))
                .Select(a => new { a.Id, a.EffectiveTier, a.CreatedAt }).ToListAsync(ct))
            .ToDictionary(a => a.Id, StringComparer.Ordinal);
        var contracts = (await db.Contracts.AsNoTracking().Where(c => ids.Contains(c.AccountId)).ToListAsync(ct))
            .ToLookup(c => c.AccountId, StringComparer.Ordinal);
        var days = (await db.AccountDailyUsage.AsNoTracking()
                .Where(u => ids.Contains(u.AccountId) && u.Day >= historyFrom && u.Day <= latestDay)
                .Select(u => new { u.AccountId, u.Day, u.ActiveUsers, u.Events })
                .ToListAsync(ct))
            .ToLookup(u => u.AccountId, u => new DailyUsage(u.Day, u.ActiveUsers, u.Events), StringComparer.Ordinal);
        var (firstBlock, lastBlock) = (ActiveDayBlocks.BlockOf(usersFrom), ActiveDayBlocks.BlockOf(latestDay));
        var activeDays = (await db.UserActiveDays.AsNoTracking()
                .Where(u => ids.Contains(u.AccountId) && u.Block >= firstBlock && u.Block <= lastBlock)
                .ToListAsync(ct))
            .ToLookup(u => u.AccountId, u => new ActiveDayBlock(u.AccountId, u.UserId, u.Block, u.Days), StringComparer.Ordinal);

        var catalogue = await catalogues.GetAsync(ct);
        var keyFeatures = catalogue.KeyFeatures.ToArray();
        var featureDays = keyFeatures.Length == 0
            ? Enumerable.Empty<(string AccountId, string Feature, DateOnly Day)>().ToLookup(f => f.AccountId, f => (f.Feature, f.Day))
            : (await db.AccountFeatureDailyUsage.AsNoTracking()
                    .Where(f => ids.Contains(f.AccountId) && f.Day >= featuresFrom && f.Day <= latestDay && f.Events > 0 && keyFeatures.Contains(f.Feature))
                    .Select(f => new { f.AccountId, f.Feature, f.Day })
                    .ToListAsync(ct))
                .ToLookup(f => f.AccountId, f => (f.Feature, f.Day), StringComparer.Ordinal);

        var plans = (await db.OnboardingPlans.AsNoTracking().Include(p => p.Milestones).Where(p => ids.Contains(p.AccountId)).ToListAsync(ct))
            .ToDictionary(p => p.AccountId, OnboardingSummary.Of, StringComparer.Ordinal);

        var npsFrom = earliestAt.AddDays(-HealthScorer.NpsWindowDays);
        var answers = (await db.NpsResponses.AsNoTracking()
                .Where(n => ids.Contains(n.AccountId) && n.AnsweredAt > npsFrom && n.AnsweredAt <= latestAt)
                .Select(n => new { n.AccountId, n.Score, n.AnsweredAt })
                .ToListAsync(ct))
            .ToLookup(n => n.AccountId, n => new NpsAnswer(n.Score, Utc(n.AnsweredAt)), StringComparer.Ordinal);

        var ticketsFrom = earliestAt.AddDays(-HealthScorer.SupportWindowDays);
        var tickets = (await db.SupportTickets.AsNoTracking()
                .Where(t => ids.Contains(t.AccountId) && t.OpenedAt <= latestAt && (t.ClosedAt == null || t.ClosedAt > ticketsFrom))
                .Select(t => new { t.AccountId, t.Severity, t.OpenedAt, t.ClosedAt })
                .ToListAsync(ct))
            .ToLookup(t => t.AccountId, t => new TicketSummary(t.Severity, Utc(t.OpenedAt), t.ClosedAt is { } c ? Utc(c) : null), StringComparer.Ordinal);

        var touchpoints = (await db.Touchpoints.AsNoTracking()
                .Where(t => ids.Contains(t.AccountId) && t.OccurredAt <= latestAt)
                .Select(t => new { t.AccountId, t.OccurredAt })
                .ToListAsync(ct))
            .ToLookup(t => t.AccountId, t => Utc(t.OccurredAt), StringComparer.Ordinal);

        var result = new AccountSignalsRead?[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            var (id, asOf) = requests[i];
            if (!accounts.TryGetValue(id, out var a)) continue;
            var at = asOf.UtcDateTime;
            var day = DateOnly.FromDateTime(at);
            var last30From = day.AddDays(-(UsageFacts30 - 1));
            var previous30From = day.AddDays(-(2 * UsageFacts30 - 1));
            var ownHistoryFrom = day.AddDays(-(Math.Max(usageHistoryDays, 2 * UsageFacts30) - 1));
            var own = contracts[id].ToArray();
            var current = Contract.CurrentOf(own, day);
            var users = activeDays[id];
            var ownNpsFrom = at.AddDays(-HealthScorer.NpsWindowDays);
            var ownTicketsFrom = at.AddDays(-HealthScorer.SupportWindowDays);
            var lastTouchpoint = touchpoints[id].Where(t => t.UtcDateTime <= at).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
            var signals = new AccountSignals
            {
                AsOf = asOf,
                Tier = a.EffectiveTier,
                AccountCreatedOn = DateOnly.FromDateTime(a.CreatedAt),
                Contracts = ContractsOf(own, current, day),
                Usage = new UsageSignals(
                    days[id].Where(u => u.Day >= ownHistoryFrom && u.Day <= day).ToArray(),
                    ActiveDayBlocks.DistinctUsers(users, last30From, day),
                    ActiveDayBlocks.DistinctUsers(users, previous30From, last30From.AddDays(-1)),
                    featureDays[id].Where(f => f.Day >= last30From && f.Day <= day).Select(f => f.Feature).Distinct(StringComparer.Ordinal).Count(),
                    keyFeatures.Length),
                Onboarding = plans.GetValueOrDefault(id),
                NpsAnswers = answers[id].Where(n => n.AnsweredAt.UtcDateTime > ownNpsFrom && n.AnsweredAt.UtcDateTime <= at).ToArray(),
                Tickets = tickets[id].Where(t => t.OpenedAt.UtcDateTime <= at && (t.ClosedAt is null || t.ClosedAt.Value.UtcDateTime > ownTicketsFrom)).ToArray(),
                LastTouchpointAt = lastTouchpoint == DateTimeOffset.MinValue ? null : lastTouchpoint,
            };
            result[i] = new AccountSignalsRead(id, signals, current);
        }
        return result;
    }
}
