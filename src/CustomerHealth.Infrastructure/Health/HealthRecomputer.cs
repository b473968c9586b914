using CustomerHealth.Domain.Health;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>
/// Scores accounts and stores the results: the current score (one row per account) and the snapshot of the as-of UTC day
/// (the day's last score wins). Works on batches: signals are read for the whole batch, written in one transaction.
/// </summary>
public sealed class HealthRecomputer(CustomerHealthDbContext db, SignalReader signals, ScorecardStore scorecards, TimeProvider clock)
{
    /// <summary>
    /// Recomputes up to <paramref name="maxAccounts"/> accounts marked dirty (due by now), oldest mark first; returns how
    /// many. The marks an account had when the batch was read are deleted in the transaction that stores its score.
    /// </summary>
    public async Task<int> RecomputeDueAsync(int maxAccounts, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var nowUtc = now.UtcDateTime;
        var due = await db.HealthRecomputeQueue.AsNoTracking()
            .Where(q => q.DueAt <= nowUtc)
            .GroupBy(q => q.AccountId)
            .Select(g => new { AccountId = g.Key, FirstId = g.Min(q => q.Id), LastId = g.Max(q => q.Id) })
            .OrderBy(g => g.FirstId)
            .Take(maxAccounts)
            .ToListAsync(ct);
        if (due.Count == 0) return 0;

        var ids = due.Select(d => d.AccountId).ToArray();
        var lastSeen = due.Max(d => d.LastId);
        var scorecard = (await scorecards.GetCurrentAsync(ct)).Scorecard;
        var scored = await ComputeAsync(ids, now, scorecard, ct);
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await LockChangeFeedAsync(ct);
            await StoreAsync(scored, ct);
            await AppendChangesAsync(scored, scorecard, ct);
            await db.SaveChangesAsync(ct);
            await db.HealthRecomputeQueue.Where(q => ids.Contains(q.AccountId) && q.Id <= lastSeen).ExecuteDeleteAsync(ct);
            await transaction.CommitAsync(ct);
        });
        return due.Count;
    }

    /// <summary>Scores the accounts of <paramref name="accountIds"/> that exist as of <paramref name="asOf"/>, without storing anything.</summary>
    public async Task<IReadOnlyList<HealthScoreRow>> ComputeAsync(IReadOnlyCollection<string> accountIds, DateTimeOffset asOf, CancellationToken ct) =>
        await ComputeAsync(accountIds, asOf, (await scorecards.GetCurrentAsync(ct)).Scorecard, ct);

    private async Task<IReadOnlyList<HealthScoreRow>> ComputeAsync(IReadOnlyCollection<string> accountIds, DateTimeOffset asOf, Scorecard scorecard, CancellationToken ct)
    {
        var read = await signals.ReadAsync(accountIds, asOf, scorecard.UsageHistoryDays, ct);
        if (read.Count == 0) return [];
        var day = DateOnly.FromDateTime(asOf.UtcDateTime);
        var (sevenDaysAgo, thirtyDaysAgo) = (day.AddDays(-7), day.AddDays(-30));
        var ids = read.Select(r => r.AccountId).ToArray();
        var past = (await db.HealthSnapshots.AsNoTracking()
                .Where(s => ids.Contains(s.AccountId) && (s.Day == sevenDaysAgo || s.Day == thirtyDaysAgo))
                .Select(s => new { s.AccountId, s.Day, s.Score, s.Band })
                .ToListAsync(ct))
            .ToDictionary(s => (s.AccountId, s.Day), s => new ScoreSnapshot(s.Day, s.Score, s.Band));
        var computedAt = clock.GetUtcNow().UtcDateTime;

        return read.Select(r =>
        {
            var score = HealthScorer.Score(r.Signals, scorecard);
            var trend = HealthTrend.Of(score.Score, past.GetValueOrDefault((r.AccountId, sevenDaysAgo)), past.GetValueOrDefault((r.AccountId, thirtyDaysAgo)));
            return new HealthScoreRow
            {
                AccountId = r.AccountId,
                Score = score.Score,
                Band = score.Band,
                Tier = score.Tier,
                Stage = score.Stage,
                EffectiveAccount = score.EffectiveAccount,
                CompletenessShare = score.Completeness.Share,
                DetailJson = HealthJson.Serialize(HealthDetail.Of(score)),
                Change7Days = trend.Change7Days,
                Change30Days = trend.Change30Days,
                ScorecardVersion = score.ScorecardVersion,
                AsOf = score.AsOf.UtcDateTime,
                ComputedAt = computedAt,
                RenewalDate = r.CurrentContract?.EndDate,
                ArrMicros = r.CurrentContract is { } c ? (long)decimal.Round(c.ArrAmount * 1_000_000m, 0, MidpointRounding.ToEven) : null,
                Currency = r.CurrentContract?.Currency,
            };
        }).ToArray();
    }

    /// <summary>Marks every account for recompute (a new scorecard, the daily pass).</summary>
    public static Task<int> MarkAllAsync(CustomerHealthDbContext db, DateTime dueAt, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"INSERT INTO health_recompute_queue (account_id, due_at) SELECT account_id, {dueAt} FROM accounts", ct);

    /// <summary>Marks every account for recompute now.</summary>
    public Task<int> MarkAllAsync(CancellationToken ct) => MarkAllAsync(db, clock.GetUtcNow().UtcDateTime, ct);

    /// <summary>
    /// Serialises writers of the change feed until the transaction ends, so that sequences commit in the order they were
    /// taken and a reader that has seen sequence n can never later see a smaller one appear. The recompute worker is the
    /// feed's only writer, but every replica runs one. SQLite has a single writer anyway; PostgreSQL takes a table lock
    /// that conflicts with itself and with inserts but not with reads; SQL Server an application lock held by the transaction.
    /// </summary>
    private async Task LockChangeFeedAsync(CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlRawAsync("LOCK TABLE health_changes IN SHARE ROW EXCLUSIVE MODE", ct);
        else if (db.Database.IsSqlServer())
            await db.Database.ExecuteSqlRawAsync("EXEC sp_getapplock @Resource = N'health_changes', @LockMode = N'Exclusive', @LockOwner = N'Transaction'", ct);
    }

    /// <summary>
    /// Adds a change-feed entry for each score that <see cref="ChangeFeed.ReasonFor(ScoreSnapshot?, ScoreSnapshot, Scorecard)"/>
    /// says is due, comparing with the account's last entry (read under the feed lock). Saved with the scores.
    /// </summary>
    private async Task AppendChangesAsync(IReadOnlyList<HealthScoreRow> scored, Scorecard scorecard, CancellationToken ct)
    {
        if (scored.Count == 0) return;
        var ids = scored.Select(s => s.AccountId).ToArray();
        var last = await db.HealthChanges.AsNoTracking()
            .Where(c => ids.Contains(c.AccountId) && c.Sequence == db.HealthChanges.Where(o => o.AccountId == c.AccountId).Max(o => o.Sequence))
            .ToDictionaryAsync(c => c.AccountId, StringComparer.Ordinal, ct);
        foreach (var s in scored)
        {
            var previous = last.GetValueOrDefault(s.AccountId);
            var day = DateOnly.FromDateTime(s.AsOf);
            var reason = ChangeFeed.ReasonFor(
                previous is null ? null : new ScoreSnapshot(DateOnly.FromDateTime(previous.AsOf), previous.Score, previous.Band),
                new ScoreSnapshot(day, s.Score, s.Band),
                scorecard);
            if (reason == ChangeReason.None) continue;
            db.HealthChanges.Add(new HealthChangeRow
            {
                AccountId = s.AccountId,
                PreviousScore = previous?.Score,
                PreviousBand = previous?.Band ?? HealthBand.Unspecified,
                Score = s.Score,
                Band = s.Band,
                Reason = reason,
                Tier = s.Tier,
                AsOf = s.AsOf,
                ComputedAt = s.ComputedAt,
            });
        }
    }

    /// <summary>Upserts the current scores and the as-of day's snapshots (change tracker, batched by EF per statement kind); the caller saves.</summary>
    private async Task StoreAsync(IReadOnlyList<HealthScoreRow> scored, CancellationToken ct)
    {
        if (scored.Count == 0) return;
        var ids = scored.Select(s => s.AccountId).ToArray();
        var current = await db.HealthScores.Where(s => ids.Contains(s.AccountId)).ToDictionaryAsync(s => s.AccountId, StringComparer.Ordinal, ct);
        var days = scored.Select(s => DateOnly.FromDateTime(s.AsOf)).Distinct().ToArray();
        var snapshots = await db.HealthSnapshots.Where(s => ids.Contains(s.AccountId) && days.Contains(s.Day))
            .ToDictionaryAsync(s => (s.AccountId, s.Day), ct);
        foreach (var s in scored)
        {
            if (current.TryGetValue(s.AccountId, out var row)) db.Entry(row).CurrentValues.SetValues(s);
            else db.HealthScores.Add(s);

            var day = DateOnly.FromDateTime(s.AsOf);
            if (!snapshots.TryGetValue((s.AccountId, day), out var snapshot))
            {
                snapshot = new HealthSnapshotRow { AccountId = s.AccountId, Day = day, DetailJson = s.DetailJson };
                db.HealthSnapshots.Add(snapshot);
            }
            snapshot.Score = s.Score;
            snapshot.Band = s.Band;
            snapshot.Stage = s.Stage;
            snapshot.ScorecardVersion = s.ScorecardVersion;
            snapshot.DetailJson = s.DetailJson;
            snapshot.ComputedAt = s.ComputedAt;
        }
    }
}
