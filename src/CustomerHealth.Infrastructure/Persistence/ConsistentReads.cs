using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Persistence;

/// <summary>Reads made of several queries that must all see the same committed state.</summary>
public static class ConsistentReads
{
    /// <summary>
    /// Runs <paramref name="read"/> (queries on <paramref name="db"/>) in a transaction that sees one committed state
    /// of the database from its first query to its last, unless one is already open. An account's signals come from
    /// several queries, and without it a batch of events committed between two of them was half seen: the daily rollups
    /// read before it (no use) and the active-day blocks after it (3 users), which scored an engagement of 0 beside an
    /// adoption of 3 of 4 seats, stored it and put a false drop in the change feed until the next recompute.
    /// </summary>
    /// <remarks>
    /// SQLite: a deferred transaction (the snapshot of the first read, and no write lock, so ingestion is not held up).
    /// PostgreSQL: REPEATABLE READ. SQL Server reads as before, statement by statement: a snapshot there needs the
    /// database's ALLOW_SNAPSHOT_ISOLATION option, which the service does not set.
    /// </remarks>
    public static async Task<T> InOneSnapshotAsync<T>(
        this CustomerHealthDbContext db, Func<Task<T>> read, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null || db.Database.IsSqlServer()) return await read();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            if (db.Database.IsNpgsql())
            {
                await using var transaction = await db.Database.BeginTransactionAsync(
                    IsolationLevel.RepeatableRead, ct);
                var result = await read();
                await transaction.CommitAsync(ct);
                return result;
            }
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await using var deferred = ((SqliteConnection)db.Database.GetDbConnection())
                    .BeginTransaction(deferred: true);
                await db.Database.UseTransactionAsync(deferred, ct);
                try
                {
                    return await read();
                }
                finally
                {
                    await db.Database.UseTransactionAsync(null, ct);
                }
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        });
    }
}
