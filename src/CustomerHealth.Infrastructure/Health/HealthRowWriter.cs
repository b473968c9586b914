using CustomerHealth.Domain.Plays;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>
/// How a recompute stores its rows inside the caller's transaction: the current scores and the as-of day's snapshots
/// (upserts), the change-feed entries (inserts, in order), and what the play rules write with them (the plays opened,
/// the play feed's entries, the webhook events). This class is the change-tracker path (the EF unit of work, saved by
/// the caller), used on SQL Server; the engines with a set-based writer (PostgreSql/, Sqlite/) override
/// both steps and write at once, one statement per table and batch on PostgreSQL, one reused prepared statement on
/// SQLite (docs/adr/0079-set-based-recompute-writes.md). Either way the stored values are the same. Picked once by the
/// registration (<see cref="DatabaseRegistration"/>).
/// </summary>
public class HealthRowWriter
{
    /// <summary>
    /// Upserts the as-of day's snapshots of <paramref name="scored"/> and, when <paramref name="current"/>, the current
    /// scores. The change-tracker path adds or updates tracked rows for the caller's save.
    /// </summary>
    internal virtual async Task StoreAsync(
        CustomerHealthDbContext db, IReadOnlyList<HealthScoreRow> scored, bool current, CancellationToken ct)
    {
        if (scored.Count == 0) return;
        var ids = scored.Select(s => s.AccountId).ToArray();
        var stored = current
            ? await db.HealthScores.Where(s => ids.Contains(s.AccountId))
                .ToDictionaryAsync(s => s.AccountId, StringComparer.Ordinal, ct)
            : null;
        var days = scored.Select(s => DateOnly.FromDateTime(s.AsOf)).Distinct().ToArray();
        var snapshots = await db.HealthSnapshots.Where(s => ids.Contains(s.AccountId) && days.Contains(s.Day))
            .ToDictionaryAsync(s => (s.AccountId, s.Day), ct);
        foreach (var s in scored)
        {
            if (stored is not null)
            {
                if (stored.TryGetValue(s.AccountId, out var row)) db.Entry(row).CurrentValues.SetValues(s);
                else db.HealthScores.Add(s);
            }

            var day = DateOnly.FromDateTime(s.AsOf);
            if (!snapshots.TryGetValue((s.AccountId, day), out var snapshot))
            {
                snapshot = new HealthSnapshotRow { AccountId = s.AccountId, Day = day, DetailJson = s.DetailJson };
                db.HealthSnapshots.Add(snapshot);
            }
            Fill(snapshot, s);
        }
    }

    /// <summary>Appends change-feed entries in list order (their sequences ascend in that order).</summary>
    internal virtual Task AddChangesAsync(
        CustomerHealthDbContext db, IReadOnlyList<HealthChangeRow> entries, CancellationToken ct)
    {
        db.HealthChanges.AddRange(entries);
        return Task.CompletedTask;
    }

    /// <summary>Appends rows to an insert-only table (the play feed, the webhook outbox) in list order. The
    /// change-tracker path adds them for the caller's save.</summary>
    internal virtual Task AddRowsAsync<T>(CustomerHealthDbContext db, IReadOnlyList<T> rows, CancellationToken ct)
        where T : class
    {
        db.Set<T>().AddRange(rows);
        return Task.CompletedTask;
    }

    /// <summary>Inserts the plays an evaluation opened, in list order, and gives each its id (the change-tracker path
    /// saves them at once, with whatever else is pending).</summary>
    internal virtual async Task AddPlaysAsync(
        CustomerHealthDbContext db, IReadOnlyList<Play> plays, CancellationToken ct)
    {
        if (plays.Count == 0) return;
        db.Plays.AddRange(plays);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Readies <paramref name="db"/> for a pass that stores many batches, each in its own transaction (the
    /// full recompute); the caller tells the pass of each commit and disposes it at the end.</summary>
    internal virtual Task<RecomputePass> BeginPassAsync(CustomerHealthDbContext db, CancellationToken ct) =>
        Task.FromResult(new RecomputePass());

    /// <summary>The snapshot of a score: the columns the day's history keeps.</summary>
    internal static HealthSnapshotRow SnapshotOf(HealthScoreRow s) =>
        Fill(new HealthSnapshotRow
        {
            AccountId = s.AccountId, Day = DateOnly.FromDateTime(s.AsOf), DetailJson = s.DetailJson,
        }, s);

    private static HealthSnapshotRow Fill(HealthSnapshotRow snapshot, HealthScoreRow s)
    {
        snapshot.Score = s.Score;
        snapshot.Band = s.Band;
        snapshot.Stage = s.Stage;
        snapshot.EffectiveAccount = s.EffectiveAccount;
        snapshot.MonthlyActiveUsers = s.MonthlyActiveUsers;
        snapshot.ScorecardVersion = s.ScorecardVersion;
        snapshot.DetailJson = s.DetailJson;
        snapshot.ComputedAt = s.ComputedAt;
        return snapshot;
    }

    /// <summary>
    /// Runs a raw write and reports its database errors as EF Core's <c>SaveChanges</c> would, as a
    /// <see cref="DbUpdateException"/>: a write that lost a race (an account deleted meanwhile) starts over as on the
    /// change-tracker path (<see cref="LostRaces"/>).
    /// </summary>
    private protected static async Task AsUpdateAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (System.Data.Common.DbException e)
        {
            throw new DbUpdateException("A set-based write of health rows failed; see the inner exception.", e);
        }
    }

    /// <summary>The connection and transaction of <paramref name="db"/>'s current transaction, for a raw
    /// write.</summary>
    private protected static (System.Data.Common.DbConnection, System.Data.Common.DbTransaction) Connection(
        CustomerHealthDbContext db) =>
        (db.Database.GetDbConnection(), db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("The health rows are written inside a transaction."));
}
