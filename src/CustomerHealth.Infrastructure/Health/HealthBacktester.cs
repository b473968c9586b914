using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Health;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>
/// A backtest's figures (<see cref="BacktestResult"/>) with where its scores came from (<see cref="FromSnapshots"/> and
/// <see cref="Computed"/> count distinct account-days). <see cref="Skipped"/> counts the outcomes without a score on
/// their lead day: the day is still ahead, or the score that day was unknown. <see cref="NoData"/> counts, apart from
/// them, the outcomes whose account had no usage data on or before the lead day.
/// </summary>
public sealed record BacktestReport(
    int LeadDays, BacktestResult Result, int Skipped, int FromSnapshots, int Computed, int NoData = 0);

/// <summary>
/// Backtests the health score against recorded renewal outcomes: for each contract with an outcome (renewed or
/// churned), the account's score as of <c>lead days</c> before the contract's end date, from that day's stored snapshot
/// when there is one, else computed for that day by <see cref="HealthRecomputer.ComputeDayAsync"/> (the path of an
/// as-of recompute, not stored). Snapshots are read and scores computed per batch of accounts, never per contract. An
/// outcome whose account has no daily usage rollup on or before its lead day is left out as "no data": before the
/// account's first recorded use, its usage was not tracked yet (an event log that starts later, an integration
/// connected mid-contract), and scoring it would read that absence as zero use and put it in the critical band. An
/// account that truly never used the product is left out too; the report counts them so the reader sees how many.
/// </summary>
public sealed class HealthBacktester(CustomerHealthDbContext db, HealthRecomputer recomputer, TimeProvider clock)
{
    public const int DefaultLeadDays = 90;
    public const int MaxLeadDays = 730;
    private const int BatchSize = 500;

    /// <summary>
    /// Backtests the outcomes of contracts ending from <paramref name="from"/> to <paramref name="to"/> (both included;
    /// null: open).
    /// </summary>
    public async Task<BacktestReport> RunAsync(int leadDays, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var query = db.Contracts.AsNoTracking();
        if (from is { } f) query = query.Where(c => c.EndDate >= f);
        if (to is { } t) query = query.Where(c => c.EndDate <= t);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var outcomes = (await query.ToListAsync(ct))
            .Where(c => c.Outcome is { Kind: RenewalOutcomeKind.Renewed or RenewalOutcomeKind.Churned })
            .Select(c =>
                (c.AccountId, Day: c.EndDate.AddDays(-leadDays),
                Renewed: c.Outcome!.Kind == RenewalOutcomeKind.Renewed))
            .ToArray();
        var due = outcomes.Where(o => o.Day <= today).ToArray();
        var firstUse = await FirstUsageDaysAsync(
            due.Select(o => o.AccountId).Distinct(StringComparer.Ordinal).ToArray(), ct);
        var scoreable = due.Where(o => firstUse.TryGetValue(o.AccountId, out var first) && first <= o.Day).ToArray();
        var noData = due.Length - scoreable.Length;

        var scores = new Dictionary<(string AccountId, DateOnly Day), (double? Score, HealthBand Band)>();
        foreach (var chunk in scoreable.Select(o => o.AccountId).Distinct(StringComparer.Ordinal).Chunk(BatchSize))
        {
            var accounts = chunk.ToHashSet(StringComparer.Ordinal);
            var days = scoreable.Where(o => accounts.Contains(o.AccountId)).Select(o => o.Day).Distinct().ToArray();
            var snapshots = await db.HealthSnapshots.AsNoTracking()
                .Where(s => chunk.Contains(s.AccountId) && days.Contains(s.Day))
                .Select(s => new { s.AccountId, s.Day, s.Score, s.Band })
                .ToListAsync(ct);
            foreach (var s in snapshots) scores[(s.AccountId, s.Day)] = (s.Score, s.Band);
        }
        var wanted = scoreable.Select(o => (o.AccountId, o.Day)).Distinct().ToArray();
        var fromSnapshots = wanted.Count(scores.ContainsKey);

        var computed = 0;
        foreach (var day in wanted.Where(w => !scores.ContainsKey(w)).GroupBy(w => w.Day))
        {
            foreach (var chunk in day.Select(w => w.AccountId).Chunk(BatchSize))
            {
                foreach (var s in await recomputer.ComputeDayAsync(chunk, day.Key, ct))
                {
                    scores[(s.AccountId, day.Key)] = (s.Score, s.Band);
                    computed++;
                }
            }
        }

        var cases = new List<BacktestCase>(scoreable.Length);
        foreach (var o in scoreable)
        {
            if (scores.TryGetValue((o.AccountId, o.Day), out var s) && s.Score is { } score)
                cases.Add(new BacktestCase(score, s.Band, o.Renewed));
        }
        return new BacktestReport(
            leadDays, HealthBacktest.Evaluate(cases), outcomes.Length - noData - cases.Count, fromSnapshots, computed,
                noData);
    }

    /// <summary>
    /// Each account's first day with a usage rollup (events or active users), for those that have one.
    /// </summary>
    private async Task<Dictionary<string, DateOnly>> FirstUsageDaysAsync(string[] accountIds, CancellationToken ct)
    {
        var first = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        foreach (var chunk in accountIds.Chunk(BatchSize))
        {
            var days = await db.AccountDailyUsage.AsNoTracking()
                .Where(d => chunk.Contains(d.AccountId) && (d.Events > 0 || d.ActiveUsers > 0))
                .GroupBy(d => d.AccountId)
                .Select(g => new { AccountId = g.Key, Day = g.Min(d => d.Day) })
                .ToListAsync(ct);
            foreach (var d in days) first[d.AccountId] = d.Day;
        }
        return first;
    }
}
