using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Metrics;
using CustomerHealth.Domain.Onboarding;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Metrics;

/// <summary>
/// Reads <see cref="PortfolioInputs"/> for a report: a few set-based queries over the accounts the filter selects (used as a
/// sub-select, never an id list), each returning at most one row per account or per contract, or per milestone of the
/// few accounts whose onboarding is judged in the period; never raw events, never the user-day rollups, never a query per
/// account. What varies per account and day (band, stage, effective flag, monthly active users, first active day) is
/// pre-aggregated by the health recompute into <c>health_scores</c> (today) and <c>health_snapshots</c> (each past day),
/// so a report reads one stored row per account instead of millions of rollup rows. Memory grows with the number of
/// accounts and contracts only.
/// </summary>
public sealed class PortfolioInputsReader(CustomerHealthDbContext db, TimeProvider clock)
{
    /// <summary>Today (UTC) by the service's clock: the default as-of day.</summary>
    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public async Task<PortfolioInputs> ReadAsync(ReportingPeriod period, PortfolioFilter filter, CancellationToken ct)
    {
        var selected = Selected(filter);
        var facts = await ReadAccountsAsync(selected, period.End, ct);
        if (facts.Count == 0) return PortfolioInputs.Empty;

        var ids = selected.Select(a => a.Id);
        var contracts = await ReadContractsAsync(ids, facts, ct);
        await ReadOnboardingAsync(ids, period, facts, ct);
        await ReadNpsAsync(ids, period, facts, ct);
        return new PortfolioInputs(facts.Values.Select(b => b.Build()).ToArray(), contracts);
    }

    /// <summary>The accounts the filter selects, as a query the other queries use as a sub-select (no id list in memory).</summary>
    private IQueryable<Account> Selected(PortfolioFilter filter)
    {
        var accounts = db.Accounts.AsNoTracking();
        if (filter.Tier is { } tier) accounts = accounts.Where(a => a.EffectiveTier == tier);
        if (filter.Segment is { } segment) accounts = accounts.Where(a => a.Segment == segment);
        if (filter.Owner is { } owner) accounts = accounts.Where(a => a.Owner == owner);
        return accounts;
    }

    /// <summary>
    /// One row per selected account with its health as of <paramref name="asOf"/>: from today on, the current score; for a
    /// past day, the account's latest daily snapshot on or before it (one backward index seek per account on the snapshots'
    /// key, account and day). The first active day comes from the current score either way: as the earliest active day it
    /// answers for any earlier day too (see <see cref="Health.HealthScoreRow.FirstActiveDay"/>).
    /// </summary>
    private async Task<Dictionary<string, Builder>> ReadAccountsAsync(IQueryable<Account> selected, DateOnly asOf, CancellationToken ct)
    {
        var withScores =
            from a in selected
            join s in db.HealthScores.AsNoTracking() on a.Id equals s.AccountId into scores
            from s in scores.DefaultIfEmpty()
            select new { Account = a, Score = s };

        IQueryable<AccountRow> rows = asOf >= Today
            ? withScores.Select(x => new AccountRow(
                x.Account.Id, x.Account.EffectiveTier, x.Account.Segment, x.Account.Owner,
                (HealthBand?)x.Score!.Band, (LifecycleStage?)x.Score.Stage, (bool?)x.Score.EffectiveAccount, x.Score.MonthlyActiveUsers,
                x.Score.FirstActiveDay))
            : from x in withScores
              from p in db.HealthSnapshots.AsNoTracking()
                  .Where(p => p.AccountId == x.Account.Id && p.Day <= asOf)
                  .OrderByDescending(p => p.Day)
                  .Take(1)
                  .DefaultIfEmpty()
              select new AccountRow(
                  x.Account.Id, x.Account.EffectiveTier, x.Account.Segment, x.Account.Owner,
                  (HealthBand?)p!.Band, (LifecycleStage?)p.Stage, p.EffectiveAccount, p.MonthlyActiveUsers,
                  x.Score!.FirstActiveDay);

        var facts = new Dictionary<string, Builder>(StringComparer.Ordinal);
        await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            facts[r.Id] = new Builder
            {
                AccountId = r.Id,
                Tier = r.Tier,
                Segment = r.Segment,
                Owner = r.Owner,
                Band = r.Band is HealthBand.Unspecified ? null : r.Band,
                Stage = r.Stage is LifecycleStage.Unspecified ? null : r.Stage,
                Effective = r.Effective ?? false,
                MonthlyActiveUsers = Math.Max(0, r.MonthlyActiveUsers ?? 0),
                // Nothing dated after the as-of day: a first active day after it means none up to it.
                FirstActiveOn = r.FirstActiveDay <= asOf ? r.FirstActiveDay : null,
            };
        }
        return facts;
    }

    /// <summary>The selected accounts' contracts with their outcomes (only the columns the metrics use); sets each account's first contract start.</summary>
    private async Task<List<ContractFacts>> ReadContractsAsync(IQueryable<string> ids, Dictionary<string, Builder> facts, CancellationToken ct)
    {
        var contracts = new List<ContractFacts>();
        var rows = db.Contracts.AsNoTracking()
            .Where(c => ids.Contains(c.AccountId))
            .Select(c => new
            {
                c.Id,
                c.AccountId,
                c.ArrAmount,
                c.Currency,
                c.StartDate,
                c.EndDate,
                Outcome = (RenewalOutcomeKind?)c.Outcome!.Kind,
                NewArr = (decimal?)c.Outcome.NewArr,
                DecidedOn = (DateOnly?)c.Outcome.DecisionDate,
            });
        await foreach (var c in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            var outcome = c.Outcome ?? RenewalOutcomeKind.Unspecified;
            contracts.Add(new ContractFacts
            {
                ContractId = c.Id,
                AccountId = c.AccountId,
                Arr = new Money(c.ArrAmount, c.Currency),
                Start = c.StartDate,
                End = c.EndDate,
                Outcome = outcome,
                NewArr = outcome == RenewalOutcomeKind.Renewed ? c.NewArr : null,
                DecidedOn = c.DecidedOn,
            });
            if (facts.TryGetValue(c.AccountId, out var b) && !(b.FirstContractStart <= c.StartDate)) b.FirstContractStart = c.StartDate;
        }
        return contracts;
    }

    /// <summary>
    /// Onboarding, in one query: every selected account's first-value milestone done by the as-of day (one row per plan at
    /// most), and all milestones of the period's onboarding cohort (the accounts whose first contract started 90 days before
    /// the period or within its first days, found by a grouped sub-select over contracts), counted here: due within the
    /// first 90 days, and of those done on or before their due date. Needs the first contract starts (contracts read first).
    /// </summary>
    private async Task ReadOnboardingAsync(IQueryable<string> ids, ReportingPeriod period, Dictionary<string, Builder> facts, CancellationToken ct)
    {
        var asOf = period.End;
        var asOfEnd = asOf.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var (from, to) = PortfolioMetrics.OnboardingCohortStarts(period);
        var cohort = db.Contracts.AsNoTracking()
            .GroupBy(c => c.AccountId)
            .Where(g => g.Min(c => c.StartDate) >= from && g.Min(c => c.StartDate) <= to)
            .Select(g => g.Key);
        var rows = db.OnboardingMilestones.AsNoTracking()
            .Where(m => ids.Contains(m.AccountId)
                        && ((m.Rule.Kind == MilestoneRuleKind.FirstValue && m.CompletedAt != null && m.CompletedAt < asOfEnd) || cohort.Contains(m.AccountId)))
            .Select(m => new { m.AccountId, m.DueDay, m.DueDate, m.CompletedAt, m.Rule.Kind });
        await foreach (var m in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            if (!facts.TryGetValue(m.AccountId, out var b)) continue;
            DateOnly? doneOn = m.CompletedAt is { } at ? DateOnly.FromDateTime(at) : null;
            if (doneOn > asOf) doneOn = null; // nothing dated after the as-of day
            if (m.Kind == MilestoneRuleKind.FirstValue && doneOn is { } valueOn && !(b.FirstValueOn <= valueOn)) b.FirstValueOn = valueOn;
            if (m.DueDay <= PortfolioMetrics.OnboardingWindowDays && PortfolioMetrics.InOnboardingCohort(b.FirstContractStart, period))
            {
                b.MilestonesDue++;
                if (doneOn <= m.DueDate) b.MilestonesOnTime++;
            }
        }
    }

    /// <summary>NPS answers given within the period, counted per account and score.</summary>
    private async Task ReadNpsAsync(IQueryable<string> ids, ReportingPeriod period, Dictionary<string, Builder> facts, CancellationToken ct)
    {
        var (from, until) = (period.Start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), period.End.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        var nps = await db.NpsResponses.AsNoTracking()
            .Where(n => ids.Contains(n.AccountId) && n.AnsweredAt >= from && n.AnsweredAt < until)
            .GroupBy(n => new { n.AccountId, n.Score })
            .Select(g => new { g.Key.AccountId, g.Key.Score, Answers = g.Count() })
            .ToListAsync(ct);
        foreach (var n in nps)
            if (facts.TryGetValue(n.AccountId, out var b)) b.NpsScores.AddRange(Enumerable.Repeat(n.Score, n.Answers));
    }

    /// <summary>An account with its stored health figures as of the report's day (null where there is no score or snapshot).</summary>
    private sealed record AccountRow(
        string Id, CsTier Tier, string? Segment, string? Owner,
        HealthBand? Band, LifecycleStage? Stage, bool? Effective, int? MonthlyActiveUsers, DateOnly? FirstActiveDay);

    /// <summary>An account's facts while its rows are folded in.</summary>
    private sealed class Builder
    {
        public required string AccountId { get; init; }
        public CsTier Tier { get; init; }
        public string? Segment { get; init; }
        public string? Owner { get; init; }
        public HealthBand? Band { get; init; }
        public LifecycleStage? Stage { get; init; }
        public bool Effective { get; init; }
        public int MonthlyActiveUsers { get; init; }
        public DateOnly? FirstActiveOn { get; init; }
        public DateOnly? FirstContractStart { get; set; }
        public DateOnly? FirstValueOn { get; set; }
        public int MilestonesDue { get; set; }
        public int MilestonesOnTime { get; set; }
        public List<int> NpsScores { get; } = [];

        public AccountFacts Build()
        {
            // First value is never before day 0 (a plan started before the first contract would say otherwise), and the
            // live day is the earlier of the first active day and the first-value day.
            var firstValue = FirstValueOn is { } v && FirstContractStart is { } s && v < s ? s : FirstValueOn;
            if (FirstContractStart is null) firstValue = null;
            var liveOn = (FirstActiveOn, firstValue) switch
            {
                ({ } a, { } f) => a < f ? a : f,
                (null, { } f) => f,
                var (a, _) => a,
            };
            return new AccountFacts
            {
                AccountId = AccountId,
                Tier = Tier,
                Segment = Segment,
                Owner = Owner,
                Band = Band,
                Stage = Stage,
                Effective = Effective,
                FirstContractStart = FirstContractStart,
                FirstValueOn = firstValue,
                MilestonesDue = MilestonesDue,
                MilestonesOnTime = MilestonesOnTime,
                LiveOn = liveOn,
                NpsScores = NpsScores,
                MonthlyActiveUsers = MonthlyActiveUsers,
            };
        }
    }
}
