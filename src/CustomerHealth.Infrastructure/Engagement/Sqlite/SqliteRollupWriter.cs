using System.Data.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using AccountDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.AccountDailyUsage;
using AccountsTable = CustomerHealth.Infrastructure.Persistence.SqlSchema.Accounts;
using ActiveDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.UserActiveDays;
using Events = CustomerHealth.Infrastructure.Persistence.SqlSchema.UsageEvents;
using FeatureDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.AccountFeatureDailyUsage;
using Queue = CustomerHealth.Infrastructure.Persistence.SqlSchema.OnboardingEvaluationQueue;
using UserDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.UserDailyActivity;

namespace CustomerHealth.Infrastructure.Engagement.Sqlite;

/// <summary>
/// SQLite: upserts with ON CONFLICT, one writer at a time (transactions begin IMMEDIATE). Each statement is prepared
/// once per group of batches and run once per row through SQLite's own API (<see cref="SqliteStatement"/>): on an
/// embedded database a row costs microseconds and there is no round trip, so the per-row overhead of ADO.NET was the
/// largest cost.
/// </summary>
internal sealed class SqliteRollupWriter : RollupWriter
{
    internal override string ReadCatalogueSql => CatalogueReadSql;

    private const string KnownAccountSql =
        $"SELECT 1 FROM {AccountsTable.Table} WHERE {AccountsTable.Id} = @account_id";

    /// <summary>
    /// One probe of the accounts' key per id, through a prepared statement (EF Core's query cost more than the probes).
    /// The transaction began IMMEDIATE, so it holds SQLite's one write lock: no other connection can delete an account
    /// read here before the commit, which is what lets the ingestion connection skip the foreign-key checks (<see
    /// cref="SqliteIngestionConnection"/>).
    /// </summary>
    internal override Task<HashSet<string>?> LockKnownAccountsAsync(
        DbConnection connection, DbTransaction transaction, string[] accountIds, CancellationToken ct)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        if (accountIds.Length == 0) return Task.FromResult<HashSet<string>?>(known);
        using var probe = new SqliteStatement((SqliteConnection)connection, KnownAccountSql);
        var id = probe.Parameter("@account_id");
        foreach (var accountId in accountIds)
        {
            probe.Bind(id, accountId);
            if (probe.ExecuteHasRow()) known.Add(accountId);
        }
        return Task.FromResult<HashSet<string>?>(known);
    }

    /// <summary>
    /// No <c>bit_or</c>: a SUM, which equals the OR while a group's bits are distinct (one row per user and day).
    /// </summary>
    internal override (string DayNumber, string BitOr) ActiveDaySql(string day, string bit) =>
        ($"CAST(julianday({day}) - julianday('0001-01-01') AS INTEGER)", $"SUM(1 << {bit})");

    private const string InsertEventSql = $"""
        INSERT INTO {Events.Table} ({Events.Columns})
        VALUES (@source, @event_id, @account_id, @user_id, @event_name, @occurred_at, @day, @quantity, @properties,
                @received_at)
        ON CONFLICT ({Events.Source}, {Events.EventId}) DO NOTHING
        """;

    private const string AddUserDaySql = $"""
        INSERT INTO {UserDays.Table} ({UserDays.Columns})
        VALUES (@account_id, @day, @user_id, @events, @active_events)
        ON CONFLICT ({UserDays.Key}) DO UPDATE SET
            {UserDays.Events} = {UserDays.Table}.{UserDays.Events} + excluded.{UserDays.Events},
            {UserDays.ActiveEvents} = {UserDays.Table}.{UserDays.ActiveEvents} + excluded.{UserDays.ActiveEvents}
        RETURNING {UserDays.Events}, {UserDays.ActiveEvents}
        """;

    private const string InsertUserDaySql = $"""
        INSERT INTO {UserDays.Table} ({UserDays.Columns})
        VALUES (@account_id, @day, @user_id, @events, @active_events)
        ON CONFLICT ({UserDays.Key}) DO NOTHING
        """;

    private const string AddAccountDaySql = $"""
        INSERT INTO {AccountDays.Table} ({AccountDays.Columns})
        VALUES (@account_id, @day, @events, @users, @active_users)
        ON CONFLICT ({AccountDays.Key}) DO UPDATE SET
            {AccountDays.Events} = {AccountDays.Table}.{AccountDays.Events} + excluded.{AccountDays.Events},
            {AccountDays.Users} = {AccountDays.Table}.{AccountDays.Users} + excluded.{AccountDays.Users},
            {AccountDays.ActiveUsers} =
                {AccountDays.Table}.{AccountDays.ActiveUsers} + excluded.{AccountDays.ActiveUsers}
        """;

    private const string AddActiveDaysSql = $"""
        INSERT INTO {ActiveDays.Table} ({ActiveDays.Columns})
        VALUES (@account_id, @block, @user_id, @days)
        ON CONFLICT ({ActiveDays.Key}) DO UPDATE SET
            {ActiveDays.Days} = {ActiveDays.Table}.{ActiveDays.Days} | excluded.{ActiveDays.Days}
        """;

    private const string AddFeatureDaySql = $"""
        INSERT INTO {FeatureDays.Table} ({FeatureDays.Columns})
        VALUES (@account_id, @day, @feature, @events)
        ON CONFLICT ({FeatureDays.Key}) DO UPDATE SET
            {FeatureDays.Events} = {FeatureDays.Table}.{FeatureDays.Events} + excluded.{FeatureDays.Events}
        """;

    private static readonly string QueueOnboardingSql = $"""
        INSERT INTO {Queue.Table} ({Queue.AccountId}, {Queue.MarkedAt})
        SELECT @account_id, @marked_at WHERE {MayChangeAutomaticMilestone}
        ON CONFLICT ({Queue.AccountId}) DO UPDATE SET {Queue.MarkedAt} = excluded.{Queue.MarkedAt}
        """;

    private const string MarkHealthDirtySql = HealthRecomputeMarks.InsertOneSql;

    internal override Task<IReadOnlyList<int>> InsertEventsAsync(
        DbConnection connection,
        DbTransaction transaction,
        string source,
        IReadOnlyList<EventToWrite> events,
        DateTime receivedAt,
        CancellationToken ct
    )
    {
        using var insert = new SqliteStatement((SqliteConnection)connection, InsertEventSql);
        var (eventId, accountId, userId) =
            (insert.Parameter("@event_id"), insert.Parameter("@account_id"), insert.Parameter("@user_id"));
        var (name, occurredAt, day) =
            (insert.Parameter("@event_name"), insert.Parameter("@occurred_at"), insert.Parameter("@day"));
        var (quantity, properties) = (insert.Parameter("@quantity"), insert.Parameter("@properties"));
        insert.Bind(insert.Parameter("@source"), source);
        insert.Bind(insert.Parameter("@received_at"), receivedAt);
        var inserted = new List<int>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i].Event;
            insert.Bind(eventId, e.EventId);
            insert.Bind(accountId, e.AccountId);
            insert.Bind(userId, e.UserId);
            insert.Bind(name, e.EventName);
            insert.Bind(occurredAt, e.OccurredAt!.Value);
            insert.Bind(day, e.Day);
            insert.Bind(quantity, e.Quantity);
            insert.BindNullable(properties, events[i].PropertiesJson);
            if (insert.Execute() == 1) inserted.Add(i);
        }
        return Task.FromResult<IReadOnlyList<int>>(inserted);
    }

    private protected override Task AddUserAndAccountDaysAsync(
        DbConnection connection,
        DbTransaction transaction,
        IReadOnlyList<UserDayDelta> deltas,
        CancellationToken ct
    )
    {
        var sqlite = (SqliteConnection)connection;
        var after = AddUserDays(sqlite, deltas);
        AddAccountDays(sqlite, RollupDeltas.ForAccounts(after));
        AddActiveDayBlocks(sqlite, ActiveDayBlocks.NewlyActive(after));
        return Task.CompletedTask;
    }

    /// <summary>Adds the user-day deltas and returns each user-day's totals after the addition.</summary>
    private static (UserDayDelta, int, int)[] AddUserDays(SqliteConnection sqlite, IReadOnlyList<UserDayDelta> deltas)
    {
        var after = new (UserDayDelta, int, int)[deltas.Count];
        using var insert = new SqliteStatement(sqlite, InsertUserDaySql);
        using var users = new SqliteStatement(sqlite, AddUserDaySql);
        // Both statements take the same parameters in the same order, so one set of positions serves both.
        var at = (Account: insert.Parameter("@account_id"), Day: insert.Parameter("@day"),
            User: insert.Parameter("@user_id"), Events: insert.Parameter("@events"),
            Active: insert.Parameter("@active_events"));
        var upsertAt = (users.Parameter("@account_id"), users.Parameter("@day"), users.Parameter("@user_id"),
            users.Parameter("@events"), users.Parameter("@active_events"));
        if (upsertAt != at)
            throw new InvalidOperationException(
                "The user-day insert and upsert must list their parameters in the same order.");
        void Bind(SqliteStatement statement, UserDayDelta d)
        {
            statement.Bind(at.Account, d.AccountId);
            statement.Bind(at.Day, d.Day);
            statement.Bind(at.User, d.UserId);
            statement.Bind(at.Events, d.Events);
            statement.Bind(at.Active, d.ActiveEvents);
        }
        for (var i = 0; i < deltas.Count; i++)
        {
            var d = deltas[i];
            // A user-day not stored yet is inserted and its totals are the delta's; only a stored one needs the
            // upsert that returns its totals (SQLite buffers a RETURNING statement's rows, which costs more than the
            // insert).
            Bind(insert, d);
            if (insert.Execute() == 1)
            {
                after[i] = (d, d.Events, d.ActiveEvents);
                continue;
            }
            Bind(users, d);
            var (eventsAfter, activeAfter) = users.ExecuteReturningPair();
            after[i] = (d, checked((int)eventsAfter), checked((int)activeAfter));
        }
        return after;
    }

    private static void AddAccountDays(SqliteConnection sqlite, IEnumerable<AccountDayDelta> deltas)
    {
        using var accounts = new SqliteStatement(sqlite, AddAccountDaySql);
        var (accountId, accountDay, accountEvents) =
            (accounts.Parameter("@account_id"), accounts.Parameter("@day"), accounts.Parameter("@events"));
        var (accountUsers, accountActive) = (accounts.Parameter("@users"), accounts.Parameter("@active_users"));
        foreach (var d in deltas)
        {
            accounts.Bind(accountId, d.AccountId);
            accounts.Bind(accountDay, d.Day);
            accounts.Bind(accountEvents, d.Events);
            accounts.Bind(accountUsers, d.Users);
            accounts.Bind(accountActive, d.ActiveUsers);
            accounts.Execute();
        }
    }

    private static void AddActiveDayBlocks(SqliteConnection sqlite, IReadOnlyCollection<ActiveDayBlock> blocks)
    {
        if (blocks.Count == 0) return;
        using var activeDays = new SqliteStatement(sqlite, AddActiveDaysSql);
        var (blockAccount, block) = (activeDays.Parameter("@account_id"), activeDays.Parameter("@block"));
        var (blockUser, days) = (activeDays.Parameter("@user_id"), activeDays.Parameter("@days"));
        foreach (var b in blocks)
        {
            activeDays.Bind(blockAccount, b.AccountId);
            activeDays.Bind(block, b.Block);
            activeDays.Bind(blockUser, b.UserId);
            activeDays.Bind(days, b.Days);
            activeDays.Execute();
        }
    }

    private protected override Task AddFeatureDaysAsync(
        DbConnection connection,
        DbTransaction transaction,
        IReadOnlyList<FeatureDayDelta> deltas,
        CancellationToken ct
    )
    {
        if (deltas.Count == 0) return Task.CompletedTask;
        using var features = new SqliteStatement((SqliteConnection)connection, AddFeatureDaySql);
        var (account, day) = (features.Parameter("@account_id"), features.Parameter("@day"));
        var (feature, events) = (features.Parameter("@feature"), features.Parameter("@events"));
        foreach (var d in deltas)
        {
            features.Bind(account, d.AccountId);
            features.Bind(day, d.Day);
            features.Bind(feature, d.Feature);
            features.Bind(events, d.Events);
            features.Execute();
        }
        return Task.CompletedTask;
    }

    private protected override Task QueueOnboardingEvaluationAsync(
        DbConnection connection,
        DbTransaction transaction,
        IReadOnlyList<AccountEvents> accounts,
        DateTime now,
        CancellationToken ct
    )
    {
        if (accounts.Count == 0) return Task.CompletedTask;
        using var statement = new SqliteStatement((SqliteConnection)connection, QueueOnboardingSql);
        statement.Bind(statement.Parameter("@marked_at"), now);
        var (account, earliest) = (statement.Parameter("@account_id"), statement.Parameter("@earliest"));
        foreach (var a in accounts)
        {
            statement.Bind(account, a.AccountId);
            statement.Bind(earliest, a.Earliest);
            statement.Execute();
        }
        return Task.CompletedTask;
    }

    private protected override Task MarkHealthDirtyAsync(
        DbConnection connection,
        DbTransaction transaction,
        IReadOnlyList<string> accountIds,
        DateTime now,
        CancellationToken ct
    )
    {
        if (accountIds.Count == 0) return Task.CompletedTask;
        using var statement = new SqliteStatement((SqliteConnection)connection, MarkHealthDirtySql);
        statement.Bind(statement.Parameter("@due_at"), now);
        var account = statement.Parameter("@account_id");
        foreach (var id in accountIds)
        {
            statement.Bind(account, id);
            statement.Execute();
        }
        return Task.CompletedTask;
    }
}
