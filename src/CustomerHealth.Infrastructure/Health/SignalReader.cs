using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Domain.Health;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>An account's signals with the contract that sets its ARR and renewal date (null without one).</summary>
public sealed record AccountSignalsRead(string AccountId, AccountSignals Signals, Contract? CurrentContract);

/// <summary>
/// Builds <see cref="AccountSignals"/> for a batch of accounts as of an instant from the stored aggregates: one set-based
/// query per source for the whole batch (daily rollups, active-day blocks, feature-day rollups, contracts, onboarding
/// plans, NPS answers, tickets, touchpoints), never raw events and never a query per account.
/// </summary>
public sealed partial class SignalReader(CustomerHealthDbContext db, EventCatalogueStore catalogues)
{
    /// <summary>The signals of those of <paramref name="accountIds"/> that exist (unknown ids are left out).</summary>
    public async Task<IReadOnlyList<AccountSignalsRead>> ReadAsync(IReadOnlyCollection<string> accountIds, DateTimeOffset asOf, int usageHistoryDays, CancellationToken ct)
    {
        var ids = accountIds.Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0) return [];
        var at = asOf.UtcDateTime;
        var day = DateOnly.FromDateTime(at);
        var last30From = day.AddDays(-(UsageFacts30 - 1));
        var previous30From = day.AddDays(-(2 * UsageFacts30 - 1));
        var historyFrom = day.AddDays(-(Math.Max(usageHistoryDays, 2 * UsageFacts30) - 1));

        var accounts = await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id))
            .Select(a => new { a.Id, a.EffectiveTier, a.CreatedAt }).ToListAsync(ct);
        if (accounts.Count == 0) return [];

        var contracts = (await db.Contracts.AsNoTracking().Where(c => ids.Contains(c.AccountId)).ToListAsync(ct))
            .ToLookup(c => c.AccountId, StringComparer.Ordinal);

        var days = (await db.AccountDailyUsage.AsNoTracking()
                .Where(u => ids.Contains(u.AccountId) && u.Day >= historyFrom && u.Day <= day)
                .Select(u => new { u.AccountId, u.Day, u.ActiveUsers, u.Events })
                .ToListAsync(ct))
            .ToLookup(u => u.AccountId, u => new DailyUsage(u.Day, u.ActiveUsers, u.Events), StringComparer.Ordinal);

        // Both windows in one pass over the active-day blocks (a window of 30 days lies in at most two blocks of 63, and
        // a user has one row per block), not over every user-day row of 60 days: distinct users active in the last 30
        // days and in the 30 before them.
        var (older, newer) = (ActiveDayBlocks.BlockOf(previous30From), ActiveDayBlocks.BlockOf(day));
        var (lastOlder, lastNewer) = (ActiveDayBlocks.Mask(older, last30From, day), ActiveDayBlocks.Mask(newer, last30From, day));
        var (previousOlder, previousNewer) = (ActiveDayBlocks.Mask(older, previous30From, last30From.AddDays(-1)), ActiveDayBlocks.Mask(newer, previous30From, last30From.AddDays(-1)));
        var activeUsers = (await db.UserActiveDays.AsNoTracking()
                .Where(u => ids.Contains(u.AccountId) && u.Block >= older && u.Block <= newer)
                .GroupBy(u => u.AccountId)
                .Select(g => new
                {
                    AccountId = g.Key,
                    Last30 = g.Where(u => (u.Block == older && (u.Days & lastOlder) != 0) || (u.Block == newer && (u.Days & lastNewer) != 0))
                        .Select(u => u.UserId).Distinct().Count(),
                    Previous30 = g.Where(u => (u.Block == older && (u.Days & previousOlder) != 0) || (u.Block == newer && (u.Days & previousNewer) != 0))
                        .Select(u => u.UserId).Distinct().Count(),
                })
                .ToListAsync(ct))
            .ToDictionary(x => x.AccountId, x => (x.Last30, x.Previous30), StringComparer.Ordinal);

        var catalogue = await catalogues.GetAsync(ct);
        var keyFeatures = catalogue.KeyFeatures.ToArray();
        var featuresUsed = keyFeatures.Length == 0
            ? new Dictionary<string, int>(StringComparer.Ordinal)
            : (await db.AccountFeatureDailyUsage.AsNoTracking()
                    .Where(f => ids.Contains(f.AccountId) && f.Day >= last30From && f.Day <= day && f.Events > 0 && keyFeatures.Contains(f.Feature))
                    .GroupBy(f => f.AccountId)
                    .Select(g => new { AccountId = g.Key, Features = g.Select(f => f.Feature).Distinct().Count() })
                    .ToListAsync(ct))
                .ToDictionary(x => x.AccountId, x => x.Features, StringComparer.Ordinal);

        var plans = (await db.OnboardingPlans.AsNoTracking().Include(p => p.Milestones).Where(p => ids.Contains(p.AccountId)).ToListAsync(ct))
            .ToDictionary(p => p.AccountId, OnboardingSummary.Of, StringComparer.Ordinal);

        var npsFrom = at.AddDays(-HealthScorer.NpsWindowDays);
        var answers = (await db.NpsResponses.AsNoTracking()
                .Where(n => ids.Contains(n.AccountId) && n.AnsweredAt > npsFrom && n.AnsweredAt <= at)
                .Select(n => new { n.AccountId, n.Score, n.AnsweredAt })
                .ToListAsync(ct))
            .ToLookup(n => n.AccountId, n => new NpsAnswer(n.Score, Utc(n.AnsweredAt)), StringComparer.Ordinal);

        var ticketsFrom = at.AddDays(-HealthScorer.SupportWindowDays);
        var tickets = (await db.SupportTickets.AsNoTracking()
                .Where(t => ids.Contains(t.AccountId) && t.OpenedAt <= at && (t.ClosedAt == null || t.ClosedAt > ticketsFrom))
                .Select(t => new { t.AccountId, t.Severity, t.OpenedAt, t.ClosedAt })
                .ToListAsync(ct))
            .ToLookup(t => t.AccountId, t => new TicketSummary(t.Severity, Utc(t.OpenedAt), t.ClosedAt is { } c ? Utc(c) : null), StringComparer.Ordinal);

        var lastTouchpoints = (await db.Touchpoints.AsNoTracking()
                .Where(t => ids.Contains(t.AccountId) && t.OccurredAt <= at)
                .GroupBy(t => t.AccountId)
                .Select(g => new { AccountId = g.Key, Last = g.Max(t => t.OccurredAt) })
                .ToListAsync(ct))
            .ToDictionary(x => x.AccountId, x => Utc(x.Last), StringComparer.Ordinal);

        return accounts.Select(a =>
        {
            var own = contracts[a.Id].ToArray();
            var current = Contract.CurrentOf(own, day);
            var signals = new AccountSignals
            {
                AsOf = asOf,
                Tier = a.EffectiveTier,
                AccountCreatedOn = DateOnly.FromDateTime(a.CreatedAt),
                Contracts = ContractsOf(own, current, day),
                Usage = new UsageSignals(
                    days[a.Id].ToArray(),
                    activeUsers.GetValueOrDefault(a.Id).Last30,
                    activeUsers.GetValueOrDefault(a.Id).Previous30,
                    featuresUsed.GetValueOrDefault(a.Id),
                    keyFeatures.Length),
                Onboarding = plans.GetValueOrDefault(a.Id),
                NpsAnswers = answers[a.Id].ToArray(),
                Tickets = tickets[a.Id].ToArray(),
                LastTouchpointAt = lastTouchpoints.TryGetValue(a.Id, out var last) ? last : null,
            };
            return new AccountSignalsRead(a.Id, signals, current);
        }).ToArray();
    }

    private const int UsageFacts30 = 30;

    /// <summary>The contracts in figures as of <paramref name="day"/>; outcomes count once decided by that day.</summary>
    private static ContractSignals? ContractsOf(Contract[] contracts, Contract? current, DateOnly day)
    {
        if (contracts.Length == 0) return null;
        // No current contract once every contract has churned and ended: the last one still dates the relationship (and
        // its churn makes the account churned, not a lead).
        current ??= contracts.MaxBy(c => c.StartDate)!;
        var covering = contracts.Where(c => c.CoversDay(day)).ToArray();
        var decided = contracts.Where(c => c.Outcome is { } o && o.DecisionDate <= day).Select(c => c.Outcome!.Kind).ToArray();
        return new ContractSignals(
            FirstStart: contracts.Min(c => c.StartDate),
            CurrentStart: current.StartDate,
            RenewalDate: current.EndDate,
            Seats: covering.Sum(c => c.Seats),
            HasActiveContract: covering.Length > 0,
            Renewals: decided.Count(k => k == RenewalOutcomeKind.Renewed),
            Churns: decided.Count(k => k == RenewalOutcomeKind.Churned));
    }

    private static DateTimeOffset Utc(DateTime instant) => new(DateTime.SpecifyKind(instant, DateTimeKind.Utc));
}
