using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Persistence;

/// <summary>
/// Serialises the writers of a change feed (a table whose sequence readers poll) until the transaction ends, so that
/// sequences commit in the order they were taken and a reader that has seen sequence n never later sees a smaller one
/// appear. SQLite has a single writer anyway; PostgreSQL takes a table lock that conflicts with itself and with inserts
/// but not with reads; SQL Server an application lock held by the transaction (untested here: no SQL Server engine).
/// </summary>
internal static class FeedWriteLock
{
    public static Task TakeAsync(CustomerHealthDbContext db, string table, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            var sql = "LOCK TABLE " + Checked(table) + " IN SHARE ROW EXCLUSIVE MODE";
            return db.Database.ExecuteSqlRawAsync(sql, ct);
        }
        if (db.Database.IsSqlServer())
        {
            return db.Database.ExecuteSqlRawAsync(
                "EXEC sp_getapplock @Resource = {0}, @LockMode = N'Exclusive', @LockOwner = N'Transaction'", [table],
                    ct);
        }
        return Task.CompletedTask;
    }

    /// <summary>The table names are the schema's constants (<see cref="SqlSchema"/>), never input: checked all the
    /// same.</summary>
    private static string Checked(string table) =>
        table.All(c => c is '_' or (>= 'a' and <= 'z')) ? table
            : throw new ArgumentException($"Not a table name: {table}", nameof(table));
}
