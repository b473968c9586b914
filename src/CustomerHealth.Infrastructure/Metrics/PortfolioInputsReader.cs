using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Metrics;
using CustomerHealth.Domain.Onboarding;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Metrics;

/// <summary>
/// Reads <see cref="PortfolioInputs"/> for a report: one set-based query per source over the accounts the filter selects
/// (accounts, health scores or snapshots, contracts, onboarding milestones, daily usage, user-day activity, NPS answers),
/// never raw events and never a query per account. Rows are streamed and folded into one <see cref="AccountFacts"/> per
/// account and one <see cref="ContractFacts"/> per contract, so memory grows with the number of accounts and contracts only.
/// </summary>
public sealed class PortfolioInputsReader(CustomerHealthDbContext db, ScorecardStore scorecards, TimeProvider clock)
{
    /// <summary>Today (UTC) by the service's clock: the default as-of day.</summary>
    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public async Task<PortfolioInputs> ReadAsync(ReportingPeriod period, PortfolioFilter filter, CancellationToken ct)
    {
        var asOf = period.End;
        var selected = Selected(filter);
        var ids = selected.Select(a => a.Id);
        var facts = new Dictionary<string, Builder>(StringComparer.Ordinal);

        await foreach (var a in selected.Select(a => new { a.Id, a.EffectiveTier, a.Segment, a.Owner }).AsAsyncEnumerable().WithCancellation(ct))
            facts[a.Id] = new Builder { AccountId = a.Id, Tier = a.EffectiveTier, Segment = a.Segment, Owner = a.Owner };
        if (facts.Count == 0) return PortfolioInputs.Empty;

        await ReadHealthAsync(ids, asOf, facts, ct);

        // Contracts with their outcomes; the account's first contract start is day 0 of its onboarding and cohort.
        var contracts = new List<ContractFacts>();
        await foreach (var c in db.Contracts.AsNoTracking().Where(c => ids.Contains(c.AccountId)).AsAsyncEnumerable().WithCancellation(ct))
        {
            contracts.Add(new ContractFacts
            {
                ContractId = c.Id,
                AccountId = c.AccountId,
                Arr = c.Arr,
                Start = c.StartDate,
                End = c.EndDate,
                Outcome = c.Outcome?.Kind ?? RenewalOutcomeKind.Unspecified,
                NewArr = c.Outcome is { Kind: RenewalOutcomeKind.Renewed } o ? o.NewArr : null,
                DecidedOn = c.Outcome?.DecisionDate,
            });
            if (facts.TryGetValue(c.AccountId, out var b) && !(b.FirstContractStart <= c.StartDate)) b.FirstContractStart = c.StartDate;
        }

        // Onboarding milestones: first value, and those due within the first 90 days with their on-time completion.
        await foreach (var m in db.OnboardingMilestones.AsNoTracking().Where(m => ids.Contains(m.AccountId))
                           .Select(m => new { m.AccountId, m.DueDay, m.DueDate, m.CompletedAt, m.Rule.Kind })
                           .AsAsyncEnumerable().WithCancellation(ct))
        {
            if (!facts.TryGetValue(m.AccountId, out var b)) continue;
            DateOnly? doneOn = m.CompletedAt is { } at ? DateOnly.FromDateTime(at) : null;
            if (doneOn > asOf) doneOn = null; // nothing dated after the as-of day
            if (m.Kind == MilestoneRuleKind.FirstValue && doneOn is { } valueOn) b.FirstValueOn = valueOn;
            if (m.DueDay <= PortfolioMetrics.OnboardingWindowDays)
            {
                b.MilestonesDue++;
                if (doneOn <= m.DueDate) b.MilestonesOnTime++;
            }
        }

        // Live day: the first day with an active user (or the first-value day, if earlier).
        var firstActive = await db.AccountDailyUsage.AsNoTracking()
            .Where(u => ids.Contains(u.AccountId) && u.ActiveUsers > 0 && u.Day <= asOf)
            .GroupBy(u => u.AccountId)
            .Select(g => new { AccountId = g.Key, Day = g.Min(u => u.Day) })
            .ToListAsync(ct);
        foreach (var f in firstActive)
            if (facts.TryGetValue(f.AccountId, out var b)) b.LiveOn = f.Day;

        var activeUsers = await db.UserDailyActivity.AsNoTracking()
            .Where(u => ids.Contains(u.AccountId) && u.Day >= period.Start && u.Day <= asOf && u.ActiveEvents > 0)
            .GroupBy(u => u.AccountId)
            .Select(g => new { AccountId = g.Key, Users = g.Select(u => u.UserId).Distinct().Count() })
            .ToListAsync(ct);
        foreach (var u in activeUsers)
            if (facts.TryGetValue(u.AccountId, out var b)) b.ActiveUsers = u.Users;

        var (from, until) = (period.Start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), asOf.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        var nps = await db.NpsResponses.AsNoTracking()
            .Where(n => ids.Contains(n.AccountId) && n.AnsweredAt >= from && n.AnsweredAt < until)
            .GroupBy(n => new { n.AccountId, n.Score })
            .Select(g => new { g.Key.AccountId, g.Key.Score, Answers = g.Count() })
            .ToListAsync(ct);
        foreach (var n in nps)
            if (facts.TryGetValue(n.AccountId, out var b)) b.NpsScores.AddRange(Enumerable.Repeat(n.Score, n.Answers));

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
    /// Band, stage and the effective-account flag as of <paramref name="asOf"/>: from today on, the current scores; for a
    /// past day, each account's latest daily snapshot on or before it, and the effective flag from the daily rollups
    /// (an active user on each day of the scorecard's window), as the scorer decides it.
    /// </summary>
    private async Task ReadHealthAsync(IQueryable<string> ids, DateOnly asOf, Dictionary<string, Builder> facts, CancellationToken ct)
    {
        if (asOf >= Today)
        {
            await foreach (var s in db.HealthScores.AsNoTracking().Where(s => ids.Contains(s.AccountId))
                               .Select(s => new { s.AccountId, s.Band, s.Stage, s.EffectiveAccount }).AsAsyncEnumerable().WithCancellation(ct))
            {
                if (!facts.TryGetValue(s.AccountId, out var b)) continue;
                (b.Band, b.Stage, b.Effective) = (Known(s.Band), KnownStage(s.Stage), s.EffectiveAccount);
            }
            return;
        }

        await foreach (var s in db.HealthSnapshots.AsNoTracking()
                           .Where(s => ids.Contains(s.AccountId)
                                       && s.Day == db.HealthSnapshots.Where(x => x.AccountId == s.AccountId && x.Day <= asOf).Max(x => (DateOnly?)x.Day))
                           .Select(s => new { s.AccountId, s.Band, s.Stage }).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (!facts.TryGetValue(s.AccountId, out var b)) continue;
            (b.Band, b.Stage) = (Known(s.Band), KnownStage(s.Stage));
        }

        var window = (await scorecards.GetCurrentAsync(ct)).Scorecard.EffectiveAccountWindowDays;
        var windowStart = asOf.AddDays(-(window - 1));
        var effective = await db.AccountDailyUsage.AsNoTracking()
            .Where(u => ids.Contains(u.AccountId) && u.Day >= windowStart && u.Day <= asOf && u.ActiveUsers > 0)
            .GroupBy(u => u.AccountId)
            .Where(g => g.Count() == window)
            .Select(g => g.Key)
            .ToListAsync(ct);
        foreach (var id in effective)
            if (facts.TryGetValue(id, out var b)) b.Effective = true;
    }

    private static HealthBand? Known(HealthBand band) => band == HealthBand.Unspecified ? null : band;

    private static LifecycleStage? KnownStage(LifecycleStage stage) => stage == LifecycleStage.Unspecified ? null : stage;

    /// <summary>An account's facts while its rows are folded in.</summary>
    private sealed class Builder
    {
        public required string AccountId { get; init; }
        public CsTier Tier { get; init; }
        public string? Segment { get; init; }
        public string? Owner { get; init; }
        public HealthBand? Band { get; set; }
        public LifecycleStage? Stage { get; set; }
        public bool Effective { get; set; }
        public DateOnly? FirstContractStart { get; set; }
        public DateOnly? FirstValueOn { get; set; }
        public int MilestonesDue { get; set; }
        public int MilestonesOnTime { get; set; }
        public DateOnly? LiveOn { get; set; }
        public List<int> NpsScores { get; } = [];
        public int ActiveUsers { get; set; }

        public AccountFacts Build()
        {
            // First value is never before day 0 (a plan started before the first contract would say otherwise), and the
            // live day is the earlier of the first active day and the first-value day.
            var firstValue = FirstValueOn is { } v && FirstContractStart is { } s && v < s ? s : FirstValueOn;
            if (FirstContractStart is null) firstValue = null;
            var liveOn = (LiveOn, firstValue) switch
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
                ActiveUsers = ActiveUsers,
            };
        }
    }
}
