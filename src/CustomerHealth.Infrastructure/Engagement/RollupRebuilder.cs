using System.Data.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using AccountDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.AccountDailyUsage;
using ActiveDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.UserActiveDays;
using Events = CustomerHealth.Infrastructure.Persistence.SqlSchema.UsageEvents;
using FeatureDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.AccountFeatureDailyUsage;
using UserDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.UserDailyActivity;

namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>
/// Recomputes the daily rollups of a range of days from the raw events, set-based (DELETEs and INSERT ... SELECT ...
/// GROUP BY), inside the caller's transaction. The same SQL runs on all three engines, except for the day arithmetic of
/// the active-day blocks (<see cref="ActiveDayBlocks"/>), which are rebuilt from the rebuilt user-day rows, and the
/// accounts' lock: both are the engine writer's (<see cref="RollupWriter"/>).
/// </summary>
internal static class RollupRebuilder
{
    /// <summary>
    /// Runs <paramref name="attempt"/>, a transaction that rebuilds rollups (<c>RebuildRollups</c>, a catalogue
    /// change), until it stops losing races (<see cref="LostRaces"/>; ABORTED after <see
    /// cref="LostRaces.MaxAttempts"/>): a concurrent EF Core write that won (the catalogue's version taken first), or,
    /// where writers run side by side (PostgreSQL, SQL Server), ingestion of the same days inserting a rollup row
    /// between the rebuild's delete and its insert, or a deletion of the account that fails its rescore mark. Each new
    /// attempt derives the rows again from every raw event, the new ones included.
    /// </summary>
    public static Task<T> StartOverWhenLostAsync<T>(CustomerHealthDbContext db, Func<Task<T>> attempt) =>
        db.StartOverAsync(attempt, LostRaces.MetAConcurrentWrite);

    /// <summary>
    /// Rebuilds [<paramref name="from"/>, <paramref name="to"/>] for one account or all; returns the account-days
    /// produced.
    /// </summary>
    public static async Task<long> RebuildAsync(
        RollupWriter writer, DbConnection connection, DbTransaction transaction, EventCatalogue catalogue,
        string? accountId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        // The tables rebuilt all name their day and account columns alike (SqlSchemaTests checks the names).
        const string days = $"{UserDays.Day} >= @from AND {UserDays.Day} <= @to";
        var scope = accountId is null ? days : $"{days} AND {UserDays.AccountId} = @account_id";

        await writer.LockRollupsExclusivelyAsync(connection, transaction, accountId, ct);
        await writer.LockAccountsForRebuildAsync(connection, transaction, accountId, ct);

        foreach (var table in new[] { FeatureDays.Table, AccountDays.Table, UserDays.Table })
            await RunAsync($"DELETE FROM {table} WHERE {scope}");

        await RunAsync($"""
            INSERT INTO {UserDays.Table} ({UserDays.Columns})
            SELECT {Events.AccountId}, {Events.Day}, {Events.UserId}, COUNT(*), SUM(CASE WHEN __ACTIVE__ THEN 1 ELSE 0 END)
            FROM {Events.Table} WHERE {scope}
            GROUP BY {Events.AccountId}, {Events.Day}, {Events.UserId}
            """, activeNames: catalogue.EveryEventIsActive ? null : catalogue.ActiveEvents);

        var accountDays = await RunAsync($"""
            INSERT INTO {AccountDays.Table} ({AccountDays.Columns})
            SELECT {UserDays.AccountId}, {UserDays.Day}, SUM({UserDays.Events}), COUNT(*),
                SUM(CASE WHEN {UserDays.ActiveEvents} > 0 THEN 1 ELSE 0 END)
            FROM {UserDays.Table} WHERE {scope}
            GROUP BY {UserDays.AccountId}, {UserDays.Day}
            """);

        await RebuildActiveDaysAsync(writer, connection, transaction, accountId, from, to, ct);

        if (catalogue.TrackedEvents.Count > 0)
        {
            await RunAsync($"""
                INSERT INTO {FeatureDays.Table} ({FeatureDays.Columns})
                SELECT {Events.AccountId}, {Events.Day}, {Events.EventName}, COUNT(*)
                FROM {Events.Table} WHERE {scope} AND {Events.EventName} IN (__FEATURES__)
                GROUP BY {Events.AccountId}, {Events.Day}, {Events.EventName}
                """, features: catalogue.TrackedEvents);
        }
        return accountDays;

        async Task<int> RunAsync(
            string sql, IReadOnlyCollection<string>? activeNames = null, IReadOnlyCollection<string>? features = null)
        {
            await using var command = SqlCommands.Create(connection, transaction, "");
            command.Add("@from", from);
            command.Add("@to", to);
            if (accountId is not null) command.Add("@account_id", accountId);
            var active = activeNames is null ? "1 = 1"
                : $"{Events.EventName} IN ({command.AddList("active", activeNames)})";
            var featureList = features is null ? "" : command.AddList("feature", features);
            command.CommandText = sql.Replace("__ACTIVE__", active, StringComparison.Ordinal)
                .Replace("__FEATURES__", featureList, StringComparison.Ordinal);
            return await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// The blocks that overlap [<paramref name="from"/>, <paramref name="to"/>], whole: their days outside the range
    /// keep their user-day rows, so each block is recomputed from the user-day rows of all its days.
    /// </summary>
    private static async Task RebuildActiveDaysAsync(
        RollupWriter writer, DbConnection connection, DbTransaction transaction, string? accountId, DateOnly from,
        DateOnly to, CancellationToken ct)
    {
        var (first, last) = (ActiveDayBlocks.BlockOf(from), ActiveDayBlocks.BlockOf(to));
        var account = accountId is null ? "" : $" AND {UserDays.AccountId} = @account_id";
        var (dayNumber, or) = writer.ActiveDaySql(UserDays.Day, "day_bit");
        (string, object?)[] scope = accountId is null ? [] : [("@account_id", accountId)];
        await SqlCommands.ExecuteAsync(
            connection, transaction,
            $"DELETE FROM {ActiveDays.Table} WHERE {ActiveDays.Block} >= @first AND {ActiveDays.Block} <= " +
            $"@last{account}", ct,
            [("@first", first), ("@last", last), .. scope]);
        await SqlCommands.ExecuteAsync(connection, transaction, $"""
            INSERT INTO {ActiveDays.Table} ({ActiveDays.Columns})
            SELECT account_id, block, user_id, {or}
            FROM (
                SELECT {UserDays.AccountId} AS account_id, {UserDays.UserId} AS user_id,
                    {dayNumber} / {ActiveDayBlocks.Length} AS block, {dayNumber} % {ActiveDayBlocks.Length} AS day_bit
                FROM {UserDays.Table}
                WHERE {UserDays.Day} >= @first_day AND {UserDays.Day} <= @last_day AND {UserDays.ActiveEvents} > 0{account}
            ) AS active
            GROUP BY account_id, block, user_id
            """, ct, [("@first_day", ActiveDayBlocks.FirstDayOf(first)), ("@last_day", ActiveDayBlocks.LastDayOf(last)), .. scope]);
    }
}
