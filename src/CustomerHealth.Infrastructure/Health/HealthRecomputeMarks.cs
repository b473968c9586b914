using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Queue = CustomerHealth.Infrastructure.Persistence.SqlSchema.HealthRecomputeQueue;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>
/// The one way to mark an account's score for recompute: one inserted row of <c>health_recompute_queue</c> per account,
/// due from the given instant, in the transaction of the change that makes the score stale. Writes through EF Core
/// (<see cref="HealthDirtyMarker"/>) add the row with <see cref="Add"/>; hand-written SQL writers run one of the
/// statements below, each engine's writer the form that suits it.
/// </summary>
internal static class HealthRecomputeMarks
{
    /// <summary>One account's mark; parameters <c>@account_id</c> and <c>@due_at</c>.</summary>
    public const string InsertOneSql = $"INSERT INTO {Queue.Table} ({Queue.AccountId}, {Queue.DueAt}) VALUES " +
        $"(@account_id, @due_at)";

    /// <summary>PostgreSQL: the marks of an array of accounts in one statement; parameters <c>@account_ids</c> and
    /// <c>@due_at</c>.</summary>
    public const string InsertFromArraySql =
        $"INSERT INTO {Queue.Table} ({Queue.AccountId}, {Queue.DueAt}) SELECT a, @due_at FROM unnest(@account_ids) " +
        $"AS a";

    /// <summary>Marks every account (a new scorecard, the daily pass); returns the rows inserted.</summary>
    public static Task<int> AddForEveryAccountAsync(CustomerHealthDbContext db, DateTime dueAt, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync(EveryAccountSql, [dueAt], ct);

    private const string EveryAccountSql =
        $"INSERT INTO {Queue.Table} ({Queue.AccountId}, {Queue.DueAt}) " +
        $"SELECT {SqlSchema.Accounts.Id}, {{0}} FROM {SqlSchema.Accounts.Table}";

    /// <summary>Adds the mark to <paramref name="context"/>'s change tracker, saved with the change that caused
    /// it.</summary>
    public static void Add(DbContext context, string accountId, DateTime dueAt) =>
        context.Add(new HealthRecomputeRow { AccountId = accountId, DueAt = dueAt });
}
