using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Plays;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Infrastructure.Plays;
using CustomerHealth.Infrastructure.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>What <see cref="HealthRecomputer.RecomputeDayAsync"/> did: the day, the as-of instant, how many accounts,
/// which scorecard, and whether current scores were written (today).</summary>
public sealed record DayRecompute(DateOnly Day, DateTimeOffset AsOf, int Accounts, int ScorecardVersion, bool Current);

/// <summary>
/// Scores accounts and stores the results: the current score (one row per account) and the snapshot of the as-of UTC
/// day (the day's last score wins). Works on batches: signals are read for the whole batch, written in one transaction.
/// </summary>
public sealed class HealthRecomputer(
    CustomerHealthDbContext db, SignalReader signals, ScorecardStore scorecards, TimeProvider clock,
    IServiceScopeFactory scopes, HealthReadCache readCache, PlayEvaluator plays, HealthRowWriter writer)
{
    /// <summary>
    /// Batches of a whole-portfolio recompute read and scored at once, each in its own scope (its own connection),
    /// while this instance stores the finished ones in order: the database reads of some batches overlap the scoring
    /// and the writes of others.
    /// </summary>
    public static int ReadAhead { get; } = Math.Clamp(Environment.ProcessorCount, 2, 8);

    /// <summary>
    /// Recomputes up to <paramref name="maxAccounts"/> accounts marked dirty (due by now), oldest mark first; returns
    /// how many. The marks an account had when the batch was read are deleted in the transaction that stores its score.
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

        using var activity = ServiceActivities.StartWork("health.recompute");
        activity?.SetTag("customerhealth.accounts", due.Count);
        var ids = due.Select(d => d.AccountId).ToArray();
        var lastSeen = due.Max(d => d.LastId);
        var scorecard = (await scorecards.GetCurrentAsync(ct)).Scorecard;
        var scored = await ComputeAsync(ids, now, scorecard, ct);
        await StoreCurrentAsync(
            scored, scorecard, () => db.HealthRecomputeQueue.Where(q => ids.Contains(q.AccountId) && q.Id <= lastSeen)
            .ExecuteDeleteAsync(ct), ct);
        return due.Count;
    }

    /// <summary>Accounts marked and due now, and the oldest due mark (null if none): the recompute backlog.</summary>
    public async Task<(int Accounts, DateTime? OldestDue)> BacklogAsync(CancellationToken ct)
    {
        var nowUtc = clock.GetUtcNow().UtcDateTime;
        var due = db.HealthRecomputeQueue.AsNoTracking().Where(q => q.DueAt <= nowUtc);
        var oldest = await due.MinAsync(q => (DateTime?)q.DueAt, ct);
        return oldest is null ? (0, null) : (await due.Select(q => q.AccountId).Distinct().CountAsync(ct), oldest);
    }

    /// <summary>
    /// The instant a past UTC day is scored as of: its last microsecond (the precision every engine keeps), so the
    /// signals
    /// are those of the whole day, as the day's last live score saw them.
    /// </summary>
    public static DateTimeOffset EndOf(DateOnly day) =>
        new(day.AddDays(1).ToDateTime(TimeOnly.MinValue).AddTicks(-TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

    /// <summary>
    /// Recomputes every account's score of the UTC day <paramref name="day"/>, <paramref name="batchSize"/> accounts at
    /// a time (one signal read per batch, in account id order; one transaction per batch, or per group of batches
    /// where the engine's pass asks for larger commits, <see cref="RecomputePass.AccountsPerCommit"/>). Today: as of
    /// now with the scorecard in force, storing current scores, the day's snapshots and change-feed entries exactly as
    /// the worker does. A past day: as of the day's end (<see cref="EndOf"/>) with the scorecard version in force
    /// then, upserting only that day's snapshots; current scores and the change feed are left alone. The caller
    /// validates the day (not in the future).
    /// </summary>
    public async Task<DayRecompute> RecomputeDayAsync(DateOnly day, int batchSize, Caller caller, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // Audited before the first batch is stored (the batches commit one by one), so no snapshot changes unaudited.
        var change = new AuditedChange(AuditAction.HealthScoresRecomputed, AuditTargets.HealthScores,
            day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await AuditTrail.WriteAsync(db, caller, change, now.UtcDateTime, ct);
        db.ChangeTracker.Clear();
        var current = day == DateOnly.FromDateTime(now.UtcDateTime);
        var asOf = current ? now : EndOf(day);
        var scorecard = current ? (await scorecards.GetCurrentAsync(ct)).Scorecard
            : await scorecards.InForceAtAsync(asOf.UtcDateTime, ct);
        // Every id first (a few MB for 100,000 accounts), then batches in id order: ReadAhead batches are read and
        // scored concurrently in their own scopes while the ones before them are stored here; stores go one at a time,
        // in order, each in its own transaction.
        var ids = await db.Accounts.AsNoTracking().OrderBy(a => a.Id).Select(a => a.Id).ToListAsync(ct);
        var total = 0;
        var pending = new Queue<Task<IReadOnlyList<HealthScoreRow>>>();
        // At most ReadAhead + 1 batches read at once, as when each batch was stored alone; finished ones wait for the
        // batches committed with them, and the next commit's batches are read while one commit is stored.
        using var reading = new SemaphoreSlim(ReadAhead + 1);
        try
        {
            await using var pass = await writer.BeginPassAsync(db, ct);
            var perCommit = Math.Max(1, pass.AccountsPerCommit / batchSize);
            var ahead = Math.Max(ReadAhead, perCommit);
            foreach (var batch in ids.Chunk(batchSize))
            {
                // A run of the id order: its reads take every row from its first id to its last.
                pending.Enqueue(ComputeInOwnScopeAsync(
                    batch, new AccountIdRange(batch[0], batch[^1]), asOf, scorecard, reading, ct));
                if (pending.Count >= perCommit + ahead) total += await StoreDayAsync(
                    await NextAsync(pending, perCommit), scorecard, current, pass, ct);
            }
            while (pending.Count > 0)
                total += await StoreDayAsync(await NextAsync(pending, perCommit), scorecard, current, pass, ct);
        }
        finally
        {
            // On failure or cancellation, let the reads still running finish before their scopes and this context go
            // away.
            await ((Task)Task.WhenAll(pending)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        return new DayRecompute(day, asOf, total, scorecard.Version, current);
    }

    private async Task<IReadOnlyList<HealthScoreRow>> ComputeInOwnScopeAsync(
        string[] accountIds, AccountIdRange range, DateTimeOffset asOf, Scorecard scorecard, SemaphoreSlim reading,
        CancellationToken ct)
    {
        await Task.Yield(); // the caller goes on queueing batches while this one reads
        await reading.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<HealthRecomputer>()
                .ComputeAsync(accountIds, asOf, scorecard, range, ct);
        }
        finally
        {
            reading.Release();
        }
    }

    /// <summary>The next <paramref name="batches"/> batches read (fewer at the end), in order, as one list: what
    /// one transaction stores.</summary>
    private static async Task<IReadOnlyList<HealthScoreRow>> NextAsync(
        Queue<Task<IReadOnlyList<HealthScoreRow>>> pending, int batches)
    {
        var first = await pending.Dequeue();
        if (batches == 1 || pending.Count == 0) return first;
        var rows = new List<HealthScoreRow>(first);
        for (var i = 1; i < batches && pending.Count > 0; i++) rows.AddRange(await pending.Dequeue());
        return rows;
    }

    private async Task<int> StoreDayAsync(
        IReadOnlyList<HealthScoreRow> scored, Scorecard scorecard, bool current, RecomputePass pass,
        CancellationToken ct)
    {
        if (current) await StoreCurrentAsync(scored, scorecard, null, ct);
        else await StoreSnapshotsAsync(scored, ct);
        pass.Committed();
        return scored.Count;
    }

    /// <summary>
    /// Scores <paramref name="accountIds"/> for the UTC day <paramref name="day"/> the way <see
    /// cref="RecomputeDayAsync"/> does (today: as of now with the current scorecard; a past day: as of its end with the
    /// version in force then), without storing anything.
    /// </summary>
    public async Task<IReadOnlyList<HealthScoreRow>> ComputeDayAsync(
        IReadOnlyCollection<string> accountIds, DateOnly day, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (day == DateOnly.FromDateTime(now.UtcDateTime)) return await ComputeAsync(accountIds, now, ct);
        var asOf = EndOf(day);
        return await ComputeAsync(accountIds, asOf, await scorecards.InForceAtAsync(asOf.UtcDateTime, ct), ct);
    }

    /// <summary>
    /// In one transaction under the feed lock: upserts the current scores and their day's snapshots, appends the
    /// change-feed
    /// entries due, evaluates the play rules (<see cref="PlayEvaluator"/>), then runs
    /// <paramref name="alsoInTransaction"/> (the worker deletes the marks it saw). Accounts
    /// deleted since they were scored are left out; a write that lost a race starts over (<see cref="LostRaces"/>).
    /// </summary>
    private async Task StoreCurrentAsync(
        IReadOnlyList<HealthScoreRow> scored, Scorecard scorecard, Func<Task<int>>? alsoInTransaction,
        CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        await db.StartOverAsync(() => strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await LockChangeFeedAsync(ct);
            var present = await NotOlderThanStoredAsync(await StillPresentAsync(scored, ct), ct);
            await writer.StoreAsync(db, present, current: true, ct);
            await AppendChangesAsync(present, scorecard, ct);
            await db.SaveChangesAsync(ct);
            await plays.EvaluateAsync(present, ct); // plays fire and clear by themselves, with the scores
            if (alsoInTransaction is not null) await alsoInTransaction();
            await transaction.CommitAsync(ct);
        }));
        readCache.Invalidate(scored.Select(s => s.AccountId));
    }

    /// <summary>
    /// Upserts the snapshots of <paramref name="scored"/> (a past day's) in one transaction. Identical recomputes of
    /// the same day at once (a client racing its retry) both find no snapshot and insert it: the one that loses
    /// starts over and updates what the other inserted (<see cref="LostRaces"/>), as do accounts deleted meanwhile.
    /// </summary>
    private async Task StoreSnapshotsAsync(IReadOnlyList<HealthScoreRow> scored, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        await db.StartOverAsync(() => strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await writer.StoreAsync(db, await StillPresentAsync(scored, ct), current: false, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }));
    }

    /// <summary>The scores of <paramref name="scored"/> whose account still exists: a <c>DeleteAccount</c> may have
    /// come between the signals' read and this write.</summary>
    private async Task<IReadOnlyList<HealthScoreRow>> StillPresentAsync(IReadOnlyList<HealthScoreRow> scored,
        CancellationToken ct)
    {
        if (scored.Count == 0) return scored;
        var ids = scored.Select(s => s.AccountId).ToArray();
        var present = (await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => a.Id)
            .ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        return present.Count == scored.Count ? scored : scored.Where(s => present.Contains(s.AccountId)).ToArray();
    }

    /// <summary>
    /// Leaves out the scores whose signals are older than the current score stored meanwhile: a pass that read its
    /// signals before another stored a newer score (an explicit recompute racing the worker) must not replace it. The
    /// feed lock the caller holds keeps this check and the write together.
    /// </summary>
    private async Task<IReadOnlyList<HealthScoreRow>> NotOlderThanStoredAsync(
        IReadOnlyList<HealthScoreRow> scored, CancellationToken ct)
    {
        if (scored.Count == 0) return scored;
        var ids = scored.Select(s => s.AccountId).ToArray();
        var stored = await db.HealthScores.AsNoTracking().Where(s => ids.Contains(s.AccountId))
            .Select(s => new { s.AccountId, s.AsOf })
            .ToDictionaryAsync(s => s.AccountId, s => s.AsOf, StringComparer.Ordinal, ct);
        var kept = scored.Where(s => !stored.TryGetValue(s.AccountId, out var asOf) || asOf <= s.AsOf).ToArray();
        return kept.Length == scored.Count ? scored : kept;
    }

    /// <summary>Scores the accounts of <paramref name="accountIds"/> that exist as of <paramref name="asOf"/>, without
    /// storing anything.</summary>
    public async Task<IReadOnlyList<HealthScoreRow>> ComputeAsync(
        IReadOnlyCollection<string> accountIds, DateTimeOffset asOf, CancellationToken ct) =>
        await ComputeAsync(accountIds, asOf, (await scorecards.GetCurrentAsync(ct)).Scorecard, ct);

    private Task<IReadOnlyList<HealthScoreRow>> ComputeAsync(
        IReadOnlyCollection<string> accountIds, DateTimeOffset asOf, Scorecard scorecard, CancellationToken ct) =>
        ComputeAsync(accountIds, asOf, scorecard, null, ct);

    private Task<IReadOnlyList<HealthScoreRow>> ComputeAsync(
        IReadOnlyCollection<string> accountIds, DateTimeOffset asOf, Scorecard scorecard, AccountIdRange? range,
        CancellationToken ct) =>
        db.InOneSnapshotAsync(() => ComputeFromOneSnapshotAsync(accountIds, range, asOf, scorecard, ct), ct);

    private async Task<IReadOnlyList<HealthScoreRow>> ComputeFromOneSnapshotAsync(
        IReadOnlyCollection<string> accountIds, AccountIdRange? range, DateTimeOffset asOf, Scorecard scorecard,
        CancellationToken ct)
    {
        var read = await signals.ReadAsync(
            accountIds, asOf, scorecard.UsageHistoryDays, ct, metrics: scorecard.MetricComponents.Count > 0, range);
        if (read.Count == 0) return [];
        var day = DateOnly.FromDateTime(asOf.UtcDateTime);
        var (sevenDaysAgo, thirtyDaysAgo) = (day.AddDays(-7), day.AddDays(-30));
        var ids = read.Select(r => r.AccountId).ToArray();
        var past = (await db.HealthSnapshots.AsNoTracking()
                .Where(s => ids.Contains(s.AccountId) && (s.Day == sevenDaysAgo || s.Day == thirtyDaysAgo))
                .Select(s => new { s.AccountId, s.Day, s.Score, s.Band })
                .ToListAsync(ct))
            .ToDictionary(s => (s.AccountId, s.Day), s => new ScoreSnapshot(s.Day, s.Score, s.Band));
        // Each account's first active day up to the as-of day, for portfolio metrics (live day): one index seek per
        // account
        // on the daily rollups' key (account, day), stopping at the first day with an active user.
        var firstActive = await db.Accounts.AsNoTracking()
            .Where(a => ids.Contains(a.Id))
            .Select(a => new
            {
                a.Id,
                Day = db.AccountDailyUsage.Where(u => u.AccountId == a.Id && u.Day <= day && u.ActiveUsers > 0)
                    .OrderBy(u => u.Day).Select(u => (DateOnly?)u.Day).FirstOrDefault(),
            })
            .ToDictionaryAsync(a => a.Id, a => a.Day, StringComparer.Ordinal, ct);
        var computedAt = clock.GetUtcNow().UtcDateTime;

        return read.Select(r =>
        {
            var score = HealthScorer.Score(r.Signals, scorecard);
            var trend = HealthTrend.Of(
                score.Score, past.GetValueOrDefault((r.AccountId, sevenDaysAgo)),
                past.GetValueOrDefault((r.AccountId, thirtyDaysAgo)));
            return new HealthScoreRow
            {
                AccountId = r.AccountId,
                Score = score.Score,
                Band = score.Band,
                Tier = score.Tier,
                Stage = score.Stage,
                EffectiveAccount = score.EffectiveAccount,
                MonthlyActiveUsers = Math.Max(0, r.Signals.Usage.ActiveUsersLast30Days),
                FirstActiveDay = firstActive.GetValueOrDefault(r.AccountId),
                FirstValueDay = r.Signals.Onboarding?.Milestones.FirstOrDefault(m => m.IsFirstValue)?.DoneOn,
                CompletenessShare = score.Completeness.Share,
                DetailJson = HealthJson.Serialize(HealthDetail.Of(score)),
                Change7Days = trend.Change7Days,
                Change30Days = trend.Change30Days,
                ScorecardVersion = score.ScorecardVersion,
                AsOf = score.AsOf.UtcDateTime,
                ComputedAt = computedAt,
                RenewalDate = r.CurrentContract?.EndDate,
                ArrMicros = r.CurrentContract is { } c
                    ? (long)decimal.Round(c.ArrAmount * 1_000_000m, 0, MidpointRounding.ToEven) : null,
                Currency = r.CurrentContract?.Currency,
                PlayFacts = PlayFacts.Of(r.Signals),
            };
        }).ToArray();
    }

    /// <summary>Marks every account for recompute (a new scorecard, the daily pass).</summary>
    public static Task<int> MarkAllAsync(CustomerHealthDbContext db, DateTime dueAt, CancellationToken ct) =>
        HealthRecomputeMarks.AddForEveryAccountAsync(db, dueAt, ct);

    /// <summary>Marks every account for recompute now.</summary>
    public Task<int> MarkAllAsync(CancellationToken ct) => MarkAllAsync(db, clock.GetUtcNow().UtcDateTime, ct);

    /// <summary>
    /// Serialises writers of the change feed until the transaction ends, so that sequences commit in the order they
    /// were taken and a reader that has seen sequence n can never later see a smaller one appear. The recompute worker
    /// is the feed's only writer, but every replica runs one. SQLite has a single writer anyway; PostgreSQL takes a
    /// table lock that conflicts with itself and with inserts but not with reads; SQL Server an application lock held
    /// by the transaction.
    /// </summary>
    private Task LockChangeFeedAsync(CancellationToken ct) =>
        FeedWriteLock.TakeAsync(db, SqlSchema.HealthChanges.Table, ct);

    /// <summary>
    /// Adds a change-feed entry for each score that <see cref="ChangeFeed.ReasonFor(ScoreSnapshot?, ScoreSnapshot,
    /// Scorecard)"/> says is due, comparing with the account's last entry (read under the feed lock), and a webhook
    /// event for each band change. Saved with the scores.
    /// </summary>
    private async Task AppendChangesAsync(
        IReadOnlyList<HealthScoreRow> scored, Scorecard scorecard, CancellationToken ct)
    {
        if (scored.Count == 0) return;
        var ids = scored.Select(s => s.AccountId).ToArray();
        var last = await db.HealthChanges.AsNoTracking()
            .Where(
                c => ids.Contains(c.AccountId) && c.Sequence == db.HealthChanges.Where(o => o.AccountId == c.AccountId)
                .Max(o => o.Sequence))
            .ToDictionaryAsync(c => c.AccountId, StringComparer.Ordinal, ct);
        var added = new List<HealthChangeRow>();
        foreach (var s in scored)
        {
            var previous = last.GetValueOrDefault(s.AccountId);
            var day = DateOnly.FromDateTime(s.AsOf);
            var reason = ChangeFeed.ReasonFor(
                previous is null ? null
                    : new ScoreSnapshot(DateOnly.FromDateTime(previous.AsOf), previous.Score, previous.Band),
                new ScoreSnapshot(day, s.Score, s.Band),
                scorecard);
            if (reason == ChangeReason.None) continue;
            added.Add(new HealthChangeRow
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
        await writer.AddChangesAsync(db, added, ct);
        // Band changes also go out as webhook events, queued in this same transaction.
        await writer.AddRowsAsync(
            db, await BandChangeWebhooks.EventsAsync(db, added, clock.GetUtcNow().UtcDateTime, ct), ct);
    }
}
