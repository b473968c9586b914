using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Metrics;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Metrics;

/// <summary>
/// Reads <see cref="PortfolioInputs"/> for a report: four set-based queries over the accounts the filter selects (used
/// as a sub-select, never an id list), returning one row per account, per contract, per milestone of the few accounts
/// whose onboarding is judged in the period, and per NPS score; never raw events, never the user-day or daily rollups,
/// never a query per account. What varies per account and day (band, stage, effective flag, monthly active users) is
/// pre-aggregated by the health recompute into <c>health_scores</c> (today) and <c>health_snapshots</c> (each past
/// day), and so are the first active and first-value days (in <c>health_scores</c>, good for every day), so a report
/// reads one stored row per account instead of millions of rollup rows. Memory grows with the number of accounts and
/// contracts only.
/// </summary>
public sealed partial class PortfolioInputsReader(
    CustomerHealthDbContext db, StreamingReadContexts contexts, TimeProvider clock)
{
    /// <summary>Today (UTC) by the service's clock: the default as-of day.</summary>
    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>
    /// Reads the inputs; on a transient failure (the server engines' execution strategy) the whole read starts over.
    /// </summary>
    public Task<PortfolioInputs> ReadAsync(ReportingPeriod period, PortfolioFilter filter, CancellationToken ct) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(token => ReadOnceAsync(period, filter, token), ct);

    /// <summary>
    /// The four reads are independent, so they run at once, each on its own connection and streaming context (see <see
    /// cref="StreamingReadContexts"/>): the database answers one while this process folds the rows of another. Like
    /// queries run one after the other, they see the database at slightly different moments (no shared transaction).
    /// </summary>
    private async Task<PortfolioInputs> ReadOnceAsync(
        ReportingPeriod period, PortfolioFilter filter, CancellationToken ct)
    {
        var today = Today;
        var accounts = OnOwnContextAsync(other => ReadAccountsAsync(other, filter, period.End, today, ct));
        var contracts = OnOwnContextAsync(other => ReadContractsAsync(other, filter, ct));
        var onboarding = OnOwnContextAsync(other => ReadOnboardingAsync(other, filter, period, ct));
        var nps = OnOwnContextAsync(other => ReadNpsAsync(other, filter, period, ct));
        try
        {
            await Task.WhenAll(accounts, contracts, onboarding, nps);
        }
        finally
        {
            // On failure or cancellation, let the other reads finish before their contexts go away.
            await ((Task)Task.WhenAll(accounts, contracts, onboarding, nps))
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var facts = accounts.Result;
        if (facts.Count == 0) return PortfolioInputs.Empty;
        // Contracts and rows of accounts created after the account read are left out (the domain wants each contract's
        // account).
        var contractFacts = contracts.Result.Where(c => facts.ContainsKey(c.AccountId)).ToList();
        foreach (var c in contractFacts)
        {
            var b = facts[c.AccountId];
            if (!(b.FirstContractStart <= c.Start)) b.FirstContractStart = c.Start;
        }
        foreach (var (id, o) in onboarding.Result)
            if (facts.TryGetValue(id, out var b)
                && PortfolioMetrics.InOnboardingCohort(b.FirstContractStart, period)) (b.MilestonesDue,
                b.MilestonesOnTime) = (o.Due, o.OnTime);
        foreach (var n in nps.Result)
            if (facts.TryGetValue(n.AccountId, out var b))
                (b.NpsScores ??= []).AddRange(Enumerable.Repeat(n.Score, n.Answers));
        return new PortfolioInputs(facts.Values.Select(b => b.Build()).ToArray(), contractFacts);
    }

    private async Task<T> OnOwnContextAsync<T>(Func<CustomerHealthDbContext, Task<T>> read)
    {
        await Task.Yield(); // the caller goes on starting the other reads
        await using var context = contexts.Create();
        return await read(context);
    }

    /// <summary>
    /// The accounts the filter selects, as a query the other queries use as a sub-select (no id list in memory).
    /// </summary>
    private static IQueryable<Account> Selected(CustomerHealthDbContext db, PortfolioFilter filter)
    {
        var accounts = db.Accounts.AsNoTracking();
        if (filter.Tier is { } tier) accounts = accounts.Where(a => a.EffectiveTier == tier);
        if (filter.Segment is { } segment) accounts = accounts.Where(a => a.Segment == segment);
        if (filter.Owner is { } owner) accounts = accounts.Where(a => a.Owner == owner);
        if (filter.AccountIds is { } ids) accounts = accounts.Where(a => ids.Contains(a.Id));
        return accounts;
    }

    /// <summary>
    /// One row per selected account with its health as of <paramref name="asOf"/>: from today on, the current score;
    /// for a past day, the account's latest daily snapshot on or before it (one backward index seek per account on the
    /// snapshots' key, account and day). The first active day and the first-value day come from the current score
    /// either way: as days that only ever move earlier they answer for any earlier day too (see <see
    /// cref="Health.HealthScoreRow.FirstActiveDay"/>).
    /// </summary>
    private static async Task<Dictionary<string, Builder>> ReadAccountsAsync(
        CustomerHealthDbContext db, PortfolioFilter filter, DateOnly asOf, DateOnly today, CancellationToken ct)
    {
        var facts = new Dictionary<string, Builder>(StringComparer.Ordinal);
        if (asOf >= today && await TryReadTodayRowsAsync(db, filter, ct) is { } todayRows)
        {
            foreach (var r in todayRows) facts[r.Id] = ToBuilder(r, asOf);
            return facts;
        }

        var withScores =
            from a in Selected(db, filter)
            join s in db.HealthScores.AsNoTracking() on a.Id equals s.AccountId into scores
            from s in scores.DefaultIfEmpty()
            select new { Account = a, Score = s };

        IQueryable<AccountRow> rows = asOf >= today
            ? withScores.Select(x => new AccountRow(
                x.Account.Id, x.Account.EffectiveTier, x.Account.Segment, x.Account.Owner,
                (HealthBand?)x.Score!.Band, (LifecycleStage?)x.Score.Stage, (bool?)x.Score.EffectiveAccount,
                    x.Score.MonthlyActiveUsers,
                x.Score.FirstActiveDay, x.Score.FirstValueDay))
            : db.Database.IsSqlite()
            // SQLite has no LATERAL (EF would number every snapshot up to the day instead): join on the latest day, a
            // correlated max that SQLite answers with one backward seek per account on the snapshots' key.
            ? from x in withScores
              join p in db.HealthSnapshots.AsNoTracking()
                  on new
                  {
                      Id = x.Account.Id,
                      Day = db.HealthSnapshots.Where(q => q.AccountId == x.Account.Id && q.Day <= asOf)
                      .Max(q => (DateOnly?)q.Day)
                  }
                  equals new { Id = p.AccountId, Day = (DateOnly?)p.Day } into latest
              from p in latest.DefaultIfEmpty()
              select new AccountRow(
                  x.Account.Id, x.Account.EffectiveTier, x.Account.Segment, x.Account.Owner,
                  (HealthBand?)p!.Band, (LifecycleStage?)p.Stage, p.EffectiveAccount, p.MonthlyActiveUsers,
                  x.Score!.FirstActiveDay, x.Score.FirstValueDay)
            : from x in withScores
              from p in db.HealthSnapshots.AsNoTracking()
                  .Where(p => p.AccountId == x.Account.Id && p.Day <= asOf)
                  .OrderByDescending(p => p.Day)
                  .Take(1)
                  .DefaultIfEmpty()
              select new AccountRow(
                  x.Account.Id, x.Account.EffectiveTier, x.Account.Segment, x.Account.Owner,
                  (HealthBand?)p!.Band, (LifecycleStage?)p.Stage, p.EffectiveAccount, p.MonthlyActiveUsers,
                  x.Score!.FirstActiveDay, x.Score.FirstValueDay);

        await foreach (var r in rows.AsAsyncEnumerable().WithCancellation(ct)) facts[r.Id] = ToBuilder(r, asOf);
        return facts;
    }

    private static Builder ToBuilder(AccountRow r, DateOnly asOf) => new()
    {
        AccountId = r.Id,
        Tier = r.Tier,
        Segment = r.Segment,
        Owner = r.Owner,
        Band = r.Band is HealthBand.Unspecified ? null : r.Band,
        Stage = r.Stage is LifecycleStage.Unspecified ? null : r.Stage,
        Effective = r.Effective ?? false,
        MonthlyActiveUsers = Math.Max(0, r.MonthlyActiveUsers ?? 0),
        // Nothing dated after the as-of day: a first active (or value) day after it means none up to it.
        FirstActiveOn = r.FirstActiveDay <= asOf ? r.FirstActiveDay : null,
        FirstValueOn = r.FirstValueDay <= asOf ? r.FirstValueDay : null,
    };

    /// <summary>The selected accounts' contracts with their outcomes, only the columns the metrics use.</summary>
    private static async Task<List<ContractFacts>> ReadContractsAsync(
        CustomerHealthDbContext db, PortfolioFilter filter, CancellationToken ct)
    {
        if (await TryReadContractRowsAsync(db, filter, ct) is { } read) return read;
        var ids = Selected(db, filter).Select(a => a.Id);
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
        }
        return contracts;
    }

    /// <summary>
    /// The onboarding milestones of the period's onboarding cohort (the accounts whose first contract started from 90
    /// days before the period to 90 days before its end: a grouped sub-select over contracts), counted per account: due
    /// within the first 90 days, and of those done on or before their due date (by the as-of day). Other accounts'
    /// milestones are not read: the metrics use the counts of the cohort only.
    /// </summary>
    private static async Task<Dictionary<string, OnboardingFacts>> ReadOnboardingAsync(
        CustomerHealthDbContext db, PortfolioFilter filter, ReportingPeriod period, CancellationToken ct)
    {
        var asOf = period.End;
        var (from, to) = PortfolioMetrics.OnboardingCohortStarts(period);
        var facts = new Dictionary<string, OnboardingFacts>(StringComparer.Ordinal);
        void Add(string accountId, DateOnly due, DateOnly? doneOn)
        {
            var onTime = doneOn <= asOf && doneOn <= due; // nothing dated after the as-of day
            var o = facts.GetValueOrDefault(accountId);
            facts[accountId] = new OnboardingFacts(o.Due + 1, o.OnTime + (onTime ? 1 : 0));
        }
        if (await TryReadMilestoneRowsAsync(db, filter, from, to, ct) is { } read)
        {
            foreach (var (accountId, due, doneOn) in read) Add(accountId, due, doneOn);
            return facts;
        }

        var ids = Selected(db, filter).Select(a => a.Id);
        var cohort = db.Contracts.AsNoTracking()
            .GroupBy(c => c.AccountId)
            .Where(g => g.Min(c => c.StartDate) >= from && g.Min(c => c.StartDate) <= to)
            .Select(g => g.Key);
        var rows = db.OnboardingMilestones.AsNoTracking()
            .Where(
                m => ids.Contains(m.AccountId) && cohort.Contains(m.AccountId)
                && m.DueDay <= PortfolioMetrics.OnboardingWindowDays)
            .Select(m => new { m.AccountId, m.DueDate, m.CompletedAt });
        await foreach (var m in rows.AsAsyncEnumerable().WithCancellation(ct))
            Add(m.AccountId, m.DueDate, m.CompletedAt is { } at ? DateOnly.FromDateTime(at) : null);
        return facts;
    }

    /// <summary>NPS answers given within the period, counted per account and score.</summary>
    private static async Task<List<NpsCount>> ReadNpsAsync(
        CustomerHealthDbContext db, PortfolioFilter filter, ReportingPeriod period, CancellationToken ct)
    {
        var ids = Selected(db, filter).Select(a => a.Id);
        var (from, until) = (period.Start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), period.End.AddDays(1)
            .ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        return await db.NpsResponses.AsNoTracking()
            .Where(n => ids.Contains(n.AccountId) && n.AnsweredAt >= from && n.AnsweredAt < until)
            .GroupBy(n => new { n.AccountId, n.Score })
            .Select(g => new NpsCount(g.Key.AccountId, g.Key.Score, g.Count()))
            .ToListAsync(ct);
    }

    /// <summary>An account's milestones due within its first 90 days, and of those done on time.</summary>
    private readonly record struct OnboardingFacts(int Due, int OnTime);

    private sealed record NpsCount(string AccountId, int Score, int Answers);

    /// <summary>
    /// An account with its stored health figures as of the report's day (null where there is no score or snapshot).
    /// </summary>
    private sealed record AccountRow(
        string Id, CsTier Tier, string? Segment, string? Owner,
        HealthBand? Band, LifecycleStage? Stage, bool? Effective, int? MonthlyActiveUsers, DateOnly? FirstActiveDay,
            DateOnly? FirstValueDay);

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
        public DateOnly? FirstValueOn { get; init; }
        public DateOnly? FirstContractStart { get; set; }
        public int MilestonesDue { get; set; }
        public int MilestonesOnTime { get; set; }
        /// <summary>Null until the account's first NPS answer (most accounts have none in a period).</summary>
        public List<int>? NpsScores { get; set; }

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
                NpsScores = NpsScores ?? [],
                MonthlyActiveUsers = MonthlyActiveUsers,
            };
        }
    }
}
