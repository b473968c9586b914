using System.Data.Common;
using CustomerHealth.Domain.Engagement;
using Npgsql;

namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>
/// Recomputes the daily rollups of a range of days from the raw events, set-based (DELETEs and INSERT ... SELECT ...
/// GROUP BY), inside the caller's transaction. The same SQL runs on all three providers, except for the day arithmetic of
/// the active-day blocks (<see cref="ActiveDayBlocks"/>), which are rebuilt from the rebuilt user-day rows.
/// </summary>
internal static class RollupRebuilder
{
    /// <summary>Rebuilds [<paramref name="from"/>, <paramref name="to"/>] for one account or all; returns the account-days produced.</summary>
    public static async Task<long> RebuildAsync(DbConnection connection, DbTransaction transaction, EventCatalogue catalogue, string? accountId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var scope = accountId is null ? "day >= @from AND day <= @to" : "day >= @from AND day <= @to AND account_id = @account_id";

        // On PostgreSQL user_daily_activity has no foreign key to accounts (CustomerHealthDbContext): the accounts whose
        // rows are rebuilt are locked against deletion first, as ingestion does.
        if (connection is NpgsqlConnection)
            await RunAsync(accountId is null ? "SELECT 1 FROM accounts FOR KEY SHARE" : "SELECT 1 FROM accounts WHERE account_id = @account_id FOR KEY SHARE");

        foreach (var table in new[] { "account_feature_daily_usage", "account_daily_usage", "user_daily_activity" })
            await RunAsync($"DELETE FROM {table} WHERE {scope}");

        await RunAsync($"""
            INSERT INTO user_daily_activity (account_id, day, user_id, events, active_events)
            SELECT account_id, day, user_id, COUNT(*), SUM(CASE WHEN __ACTIVE__ THEN 1 ELSE 0 END)
            FROM usage_events WHERE {scope}
            GROUP BY account_id, day, user_id
            """, activeNames: catalogue.EveryEventIsActive ? null : catalogue.ActiveEvents);

        var accountDays = await RunAsync($"""
            INSERT INTO account_daily_usage (account_id, day, events, users, active_users)
            SELECT account_id, day, SUM(events), COUNT(*), SUM(CASE WHEN active_events > 0 THEN 1 ELSE 0 END)
            FROM user_daily_activity WHERE {scope}
            GROUP BY account_id, day
            """);

        await RebuildActiveDaysAsync(connection, transaction, accountId, from, to, ct);

        if (catalogue.KeyFeatures.Count > 0)
        {
            await RunAsync($"""
                INSERT INTO account_feature_daily_usage (account_id, day, feature, events)
                SELECT account_id, day, event_name, COUNT(*)
                FROM usage_events WHERE {scope} AND event_name IN (__FEATURES__)
                GROUP BY account_id, day, event_name
                """, features: catalogue.KeyFeatures);
        }
        return accountDays;

        async Task<int> RunAsync(string sql, IReadOnlyCollection<string>? activeNames = null, IReadOnlyCollection<string>? features = null)
        {
            await using var command = SqlCommands.Create(connection, transaction, "");
            command.Add("@from", from);
            command.Add("@to", to);
            if (accountId is not null) command.Add("@account_id", accountId);
            var active = activeNames is null ? "1 = 1" : $"event_name IN ({command.AddList("active", activeNames)})";
            var featureList = features is null ? "" : command.AddList("feature", features);
            command.CommandText = sql.Replace("__ACTIVE__", active, StringComparison.Ordinal).Replace("__FEATURES__", featureList, StringComparison.Ordinal);
            return await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// The blocks that overlap [<paramref name="from"/>, <paramref name="to"/>], whole: their days outside the range keep
    /// their user-day rows, so each block is recomputed from the user-day rows of all its days.
    /// </summary>
    private static async Task RebuildActiveDaysAsync(DbConnection connection, DbTransaction transaction, string? accountId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var (first, last) = (ActiveDayBlocks.BlockOf(from), ActiveDayBlocks.BlockOf(to));
        var account = accountId is null ? "" : " AND account_id = @account_id";
        var (dayNumber, or) = ActiveDaySql.For(connection, "day", "day_bit");
        (string, object?)[] scope = accountId is null ? [] : [("@account_id", accountId)];
        await SqlCommands.ExecuteAsync(connection, transaction, $"DELETE FROM user_active_days WHERE block >= @first AND block <= @last{account}", ct,
            [("@first", first), ("@last", last), .. scope]);
        await SqlCommands.ExecuteAsync(connection, transaction, $"""
            INSERT INTO user_active_days (account_id, block, user_id, days)
            SELECT account_id, block, user_id, {or}
            FROM (
                SELECT account_id, user_id, {dayNumber} / {ActiveDayBlocks.Length} AS block, {dayNumber} % {ActiveDayBlocks.Length} AS day_bit
                FROM user_daily_activity
                WHERE day >= @first_day AND day <= @last_day AND active_events > 0{account}
            ) AS active
            GROUP BY account_id, block, user_id
            """, ct, [("@first_day", ActiveDayBlocks.FirstDayOf(first)), ("@last_day", ActiveDayBlocks.LastDayOf(last)), .. scope]);
    }
}
