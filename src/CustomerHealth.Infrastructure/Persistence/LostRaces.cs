using Microsoft.EntityFrameworkCore;
using static Npgsql.PostgresErrorCodes;

namespace CustomerHealth.Infrastructure.Persistence;

/// <summary>
/// A write that lost a race with a concurrent one (a client racing its own retry, or a <c>DeleteAccount</c> of the
/// same account) starts over on what the winner left, as if the two calls had come one after the other: its next
/// attempt reads again and then updates the row the other inserted, finds the account gone (NOT_FOUND), or skips what
/// was deleted. A write that keeps losing gives up after <see cref="MaxAttempts"/> with a
/// <see cref="DbUpdateConcurrencyException"/>, which callers receive as ABORTED and retry.
/// </summary>
public static class LostRaces
{
    /// <summary>How often a write that lost a race starts over.</summary>
    public const int MaxAttempts = 10;

    /// <summary>
    /// Runs <paramref name="attempt"/> until it does not fail with a <see cref="DbUpdateException"/> (a unique key or
    /// foreign key that a concurrent write took or removed, a row it changed or deleted), clearing the change tracker
    /// before each new attempt.
    /// </summary>
    public static Task<T> StartOverAsync<T>(this CustomerHealthDbContext db, Func<Task<T>> attempt) =>
        db.StartOverAsync(attempt, static e => e is DbUpdateException);

    /// <summary>
    /// Runs <paramref name="attempt"/> until it does not fail with an exception <paramref name="lost"/> calls a lost
    /// race (for writes whose own SQL reports the loss, not EF Core's <see cref="DbUpdateException"/>), clearing the
    /// change tracker before each new attempt.
    /// </summary>
    public static async Task<T> StartOverAsync<T>(
        this CustomerHealthDbContext db, Func<Task<T>> attempt, Func<Exception, bool> lost)
    {
        for (var n = 1; ; n++)
        {
            try
            {
                return await attempt();
            }
            catch (Exception ex) when (lost(ex))
            {
                db.ChangeTracker.Clear();
                if (n == MaxAttempts) throw TooMany(ex);
            }
        }
    }

    /// <summary>
    /// Whether a write's own SQL (not EF Core's) met a key a concurrent write took, or lost a row a concurrent delete
    /// removed: a unique or foreign-key violation on PostgreSQL or SQL Server, where writers run side by side (SQLite
    /// runs one writer at a time). EF Core reports the same through <see cref="DbUpdateException"/>.
    /// </summary>
    public static bool MetAConcurrentWrite(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbUpdateException
                or Npgsql.PostgresException { SqlState: UniqueViolation or ForeignKeyViolation }
                or Microsoft.Data.SqlClient.SqlException { Number: 2601 or 2627 or 547 }) return true;
        }
        return false;
    }

    /// <inheritdoc cref="StartOverAsync{T}"/>
    public static Task StartOverAsync(this CustomerHealthDbContext db, Func<Task> attempt) =>
        db.StartOverAsync(async () =>
        {
            await attempt();
            return true;
        });

    /// <summary>The exception a write gives up with: answered ABORTED.</summary>
    public static DbUpdateConcurrencyException TooMany(Exception lastLoss) =>
        new($"Concurrent writes to the same data kept winning over this one ({MaxAttempts} attempts); retry it.",
            lastLoss);
}
