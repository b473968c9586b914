using System.Data.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Persistence;
using Npgsql;
using NpgsqlTypes;
using AccountDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.AccountDailyUsage;
using AccountsTable = CustomerHealth.Infrastructure.Persistence.SqlSchema.Accounts;
using ActiveDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.UserActiveDays;
using Events = CustomerHealth.Infrastructure.Persistence.SqlSchema.UsageEvents;
using FeatureDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.AccountFeatureDailyUsage;
using Milestones = CustomerHealth.Infrastructure.Persistence.SqlSchema.Milestones;
using Queue = CustomerHealth.Infrastructure.Persistence.SqlSchema.OnboardingEvaluationQueue;
using UserDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.UserDailyActivity;

namespace CustomerHealth.Infrastructure.Engagement.PostgreSql;

/// <summary>
/// PostgreSQL: each step is one statement over arrays (<c>unnest</c>), so a batch costs a handful of round trips
/// whatever its size. Rows are sorted by key before upserting, so concurrent writers lock them in the same order.
/// </summary>
internal sealed class PostgreSqlRollupWriter : RollupWriter
{
    internal override string ReadCatalogueSql { get; } = CatalogueReadSql + " FOR SHARE";

    internal override async Task<HashSet<string>?> LockKnownAccountsAsync(
        DbConnection connection, DbTransaction transaction, string[] accountIds, CancellationToken ct)
    {
        // usage_events has no foreign key to accounts here (it cost a checked lookup per event; migration
        // EventsWithoutAccountKey): this lock is what keeps an account from being deleted while its events go in, and
        // the deletion, which waits for it, then removes them (AccountStore.DeleteAccountAsync). KEY SHARE does not
        // block other writers or changes to an account's other columns.
        var known = new HashSet<string>(StringComparer.Ordinal);
        if (accountIds.Length == 0) return known;
        await LockRollupsSharedAsync(connection, transaction, accountIds, ct);
        const string sql = $"SELECT {AccountsTable.Id} FROM {AccountsTable.Table} WHERE {AccountsTable.Id} = " +
            $"ANY(@account_ids) FOR KEY SHARE";
        await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("account_ids", accountIds);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) known.Add(reader.GetString(0));
        return known;
    }

    internal override bool CanInsertWithoutLookup => true;

    internal override bool IsStoredEventConflict(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: EventKey };

    private const string EventKey = Events.PrimaryKey;

    private const string CopyEventsSql = $"COPY {Events.Table} ({Events.Columns}) FROM STDIN (FORMAT BINARY)";

    internal override async Task InsertNewEventsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<(string Source, EventToWrite Event)> events,
        DateTime receivedAt, CancellationToken ct)
    {
        // One binary COPY for the whole group. Looking for each event first cost about as much as the COPY itself (one
        // probe of the primary key per event, measured); an event that turns out stored fails the COPY on that key
        // instead.
        await using var copy = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(CopyEventsSql, ct);
        foreach (var (source, e) in events) await WriteRowAsync(copy, source, e, receivedAt, ct);
        await copy.CompleteAsync(ct);
    }

    internal override async Task<IReadOnlyList<int>> InsertEventsAsync(
        DbConnection connection, DbTransaction transaction, string source, IReadOnlyList<EventToWrite> events,
        DateTime receivedAt, CancellationToken ct)
    {
        // The events already stored are looked up first, and the others go in by binary COPY, several times cheaper per
        // row than INSERT ... ON CONFLICT. A concurrent writer storing one of the same events between the two steps
        // makes the COPY fail on the primary key; the ingestor then writes the batches again, and the lookup finds it.
        var npgsql = (NpgsqlConnection)connection;
        var stored = new HashSet<string>(StringComparer.Ordinal);
        // One primary-key probe per event id, whatever the statistics say: written as "event_id = ANY(@event_ids)", a
        // table that has grown since it was last analyzed (a new database during its first backfill) is estimated to
        // match every row of the source, and each batch scanned them all (the ingestion benchmark spent most of its
        // time there).
        const string lookupSql = $"""
            SELECT x.{Events.EventId} FROM unnest(@event_ids) AS i(event_id)
            CROSS JOIN LATERAL (
                SELECT e.{Events.EventId} FROM {Events.Table} e
                WHERE e.{Events.Source} = @source AND e.{Events.EventId} = i.event_id LIMIT 1) AS x
            """;
        await using (var lookup = new NpgsqlCommand(lookupSql, npgsql, (NpgsqlTransaction)transaction))
        {
            lookup.Parameters.AddWithValue("source", source);
            lookup.Parameters.AddWithValue("event_ids", events.Select(e => e.Event.EventId).ToArray());
            await using var reader = await lookup.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) stored.Add(reader.GetString(0));
        }

        var inserted = new List<int>(events.Count);
        await using (var copy = await npgsql.BeginBinaryImportAsync(CopyEventsSql, ct))
        {
            for (var i = 0; i < events.Count; i++)
            {
                if (stored.Contains(events[i].Event.EventId)) continue;
                await WriteRowAsync(copy, source, events[i], receivedAt, ct);
                inserted.Add(i);
            }
            await copy.CompleteAsync(ct);
        }
        return inserted;
    }

    private static async Task WriteRowAsync(
        NpgsqlBinaryImporter copy, string source, EventToWrite row, DateTime receivedAt, CancellationToken ct)
    {
        var e = row.Event;
        await copy.StartRowAsync(ct);
        await copy.WriteAsync(source, NpgsqlDbType.Varchar, ct);
        await copy.WriteAsync(e.EventId, NpgsqlDbType.Varchar, ct);
        await copy.WriteAsync(e.AccountId, NpgsqlDbType.Varchar, ct);
        await copy.WriteAsync(e.UserId, NpgsqlDbType.Varchar, ct);
        await copy.WriteAsync(e.EventName, NpgsqlDbType.Varchar, ct);
        await copy.WriteAsync(e.OccurredAt!.Value, NpgsqlDbType.TimestampTz, ct);
        await copy.WriteAsync(e.Day, NpgsqlDbType.Date, ct);
        if (e.Quantity is { } quantity) await copy.WriteAsync(quantity, NpgsqlDbType.Double, ct);
        else await copy.WriteNullAsync(ct);
        if (row.PropertiesJson is { } json) await copy.WriteAsync(json, NpgsqlDbType.Text, ct);
        else await copy.WriteNullAsync(ct);
        await copy.WriteAsync(receivedAt, NpgsqlDbType.TimestampTz, ct);
    }

    private static string DayNumberOf(string day) => $"({day} - DATE '0001-01-01')";

    private static readonly string DayNumber = DayNumberOf("d.day");

    internal override (string DayNumber, string BitOr) ActiveDaySql(string day, string bit) =>
        (DayNumberOf(day), $"bit_or(1::bigint << {bit})");

    /// <summary>
    /// The advisory locks of <see cref="RollupWriter.LockRollupsExclusivelyAsync"/>, in PostgreSQL's two-key form (a
    /// space of their own): <see cref="AllRollupsLock"/> with key 0 stands for every account's rollups, <see
    /// cref="AccountRollupsLock"/> with <c>hashtext(account_id)</c> for one account's (two accounts that share a hash
    /// only wait for each other). Every holder takes the first before the second, and ingestion takes its accounts'
    /// in key order, so no two of them wait for each other in a circle.
    /// </summary>
    private const int AllRollupsLock = 0x43480001;

    private const int AccountRollupsLock = 0x43480002;

    private static readonly string LockRollupsSharedSql =
        $"SELECT pg_advisory_xact_lock_shared({AllRollupsLock}, 0); " +
        $"SELECT pg_advisory_xact_lock_shared({AccountRollupsLock}, k) " +
        "FROM (SELECT DISTINCT hashtext(id) AS k FROM unnest(@account_ids) AS id ORDER BY k) AS keys";

    private static async Task LockRollupsSharedAsync(
        DbConnection connection, DbTransaction transaction, string[] accountIds, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            LockRollupsSharedSql, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("account_ids", accountIds);
        await command.ExecuteNonQueryAsync(ct);
    }

    internal override Task LockRollupsExclusivelyAsync(
        DbConnection connection, DbTransaction transaction, string? accountId, CancellationToken ct) =>
        accountId is null
            ? SqlCommands.ExecuteAsync(
                connection, transaction, $"SELECT pg_advisory_xact_lock({AllRollupsLock}, 0)", ct)
            : SqlCommands.ExecuteAsync(connection, transaction,
                $"SELECT pg_advisory_xact_lock_shared({AllRollupsLock}, 0); " +
                $"SELECT pg_advisory_xact_lock({AccountRollupsLock}, hashtext(@account_id))", ct,
                [("@account_id", accountId)]);

    internal override Task LockAccountsForRebuildAsync(
        DbConnection connection, DbTransaction transaction, string? accountId, CancellationToken ct)
    {
        // user_daily_activity has no foreign key to accounts here (CustomerHealthDbContext): the accounts whose rows
        // are rebuilt are locked against deletion first, as ingestion does.
        (string, object?)[] account = accountId is null ? [] : [("@account_id", accountId)];
        return SqlCommands.ExecuteAsync(connection, transaction, accountId is null
            ? $"SELECT 1 FROM {AccountsTable.Table} FOR KEY SHARE"
            : $"SELECT 1 FROM {AccountsTable.Table} WHERE {AccountsTable.Id} = @account_id FOR KEY SHARE", ct, account);
    }

    internal override Task InsertFreshRollupsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<UserDayDelta> users,
        IReadOnlyList<AccountDayDelta> accounts, IReadOnlyList<FeatureDayDelta> features, CancellationToken ct) =>
        PostgreSqlFreshRollups.CopyAsync(connection, transaction, users, accounts, features, ct);

    private static readonly string AddUserAndAccountDaysSql = UserAndAccountDaysSql();

    private protected override async Task AddUserAndAccountDaysAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<UserDayDelta> deltas, CancellationToken ct)
    {
        // One statement (UserAndAccountDaysSql).
        await using var command = new NpgsqlCommand(
            AddUserAndAccountDaysSql, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("account_ids", deltas.Select(d => d.AccountId).ToArray());
        command.Parameters.AddWithValue("days", deltas.Select(d => d.Day).ToArray());
        command.Parameters.AddWithValue("user_ids", deltas.Select(d => d.UserId).ToArray());
        command.Parameters.AddWithValue("events", deltas.Select(d => d.Events).ToArray());
        command.Parameters.AddWithValue("active_events", deltas.Select(d => d.ActiveEvents).ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    private protected override async Task AddFeatureDaysAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<FeatureDayDelta> deltas, CancellationToken ct)
    {
        if (deltas.Count == 0) return;
        const string sql = $"""
            INSERT INTO {FeatureDays.Table} ({FeatureDays.Columns})
            SELECT * FROM unnest(@account_ids, @days, @features, @events)
            ON CONFLICT ({FeatureDays.Key}) DO UPDATE SET
                {FeatureDays.Events} = {FeatureDays.Table}.{FeatureDays.Events} + excluded.{FeatureDays.Events}
            """;
        await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("account_ids", deltas.Select(d => d.AccountId).ToArray());
        command.Parameters.AddWithValue("days", deltas.Select(d => d.Day).ToArray());
        command.Parameters.AddWithValue("features", deltas.Select(d => d.Feature).ToArray());
        command.Parameters.AddWithValue("events", deltas.Select(d => (long)d.Events).ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    private static readonly string QueueOnboardingSql = $"""
        INSERT INTO {Queue.Table} ({Queue.AccountId}, {Queue.MarkedAt})
        SELECT DISTINCT m.{Milestones.AccountId}, @marked_at
        FROM unnest(@account_ids, @earliest) AS a(account_id, earliest)
        JOIN {Milestones.Table} m ON m.{Milestones.AccountId} = a.account_id
        WHERE m.{Milestones.RuleKind} <> {SqlSchema.Values.ManualRule}
            AND (m.{Milestones.CompletedAt} IS NULL
                OR (m.{Milestones.CompletedHow} = {SqlSchema.Values.CompletedByRule} AND m.{Milestones.CompletedAt} > a.earliest))
        ON CONFLICT ({Queue.AccountId}) DO UPDATE SET {Queue.MarkedAt} = excluded.{Queue.MarkedAt}
        """;

    private protected override async Task QueueOnboardingEvaluationAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<AccountEvents> accounts, DateTime now,
        CancellationToken ct)
    {
        var sql = QueueOnboardingSql;
        await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("marked_at", now);
        command.Parameters.AddWithValue("account_ids", accounts.Select(a => a.AccountId).ToArray());
        command.Parameters.AddWithValue("earliest", accounts.Select(a => a.Earliest).ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    private protected override async Task MarkHealthDirtyAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<string> accountIds, DateTime now,
        CancellationToken ct)
    {
        if (accountIds.Count == 0) return;
        const string sql = HealthRecomputeMarks.InsertFromArraySql;
        await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("due_at", now);
        command.Parameters.AddWithValue("account_ids", accountIds.ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// One statement: the user-day upsert returns each row's totals after the addition; the account-day upsert counts
    /// the rows it created (totals equal to the delta) and the rows that became active, as RollupDeltas.ForAccounts;
    /// the rows that became active set their day's bit in the user's block of 63 days, as ActiveDayBlocks.NewlyActive
    /// (ActiveDaySql).
    /// </summary>
    private static string UserAndAccountDaysSql() => $"""
        WITH d AS (
            SELECT * FROM unnest(@account_ids, @days, @user_ids, @events, @active_events)
                AS d(account_id, day, user_id, events, active_events)
        ), u AS (
            INSERT INTO {UserDays.Table} ({UserDays.Columns})
            SELECT account_id, day, user_id, events, active_events FROM d
            ON CONFLICT ({UserDays.Key}) DO UPDATE SET
                {UserDays.Events} = {UserDays.Table}.{UserDays.Events} + excluded.{UserDays.Events},
                {UserDays.ActiveEvents} = {UserDays.Table}.{UserDays.ActiveEvents} + excluded.{UserDays.ActiveEvents}
            RETURNING {UserDays.Columns}
        ),
        a AS (
            INSERT INTO {AccountDays.Table} ({AccountDays.Columns})
            SELECT d.account_id, d.day, SUM(d.events), COUNT(*) FILTER (WHERE u.{UserDays.Events} = d.events),
                COUNT(*) FILTER (WHERE d.active_events > 0 AND u.{UserDays.ActiveEvents} = d.active_events)
            FROM d JOIN u ON u.{UserDays.AccountId} = d.account_id AND u.{UserDays.Day} = d.day
                AND u.{UserDays.UserId} = d.user_id
            GROUP BY d.account_id, d.day
            ORDER BY d.account_id, d.day
            ON CONFLICT ({AccountDays.Key}) DO UPDATE SET
                {AccountDays.Events} = {AccountDays.Table}.{AccountDays.Events} + excluded.{AccountDays.Events},
                {AccountDays.Users} = {AccountDays.Table}.{AccountDays.Users} + excluded.{AccountDays.Users},
                {AccountDays.ActiveUsers} = {AccountDays.Table}.{AccountDays.ActiveUsers} + excluded.{AccountDays.ActiveUsers}
        )
        INSERT INTO {ActiveDays.Table} ({ActiveDays.Columns})
        SELECT d.account_id, {DayNumber} / {ActiveDayBlocks.Length}, d.user_id,
            bit_or(1::bigint << ({DayNumber} % {ActiveDayBlocks.Length}))
        FROM d JOIN u ON u.{UserDays.AccountId} = d.account_id AND u.{UserDays.Day} = d.day AND u.{UserDays.UserId} = d.user_id
        WHERE d.active_events > 0 AND u.{UserDays.ActiveEvents} = d.active_events
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3
        ON CONFLICT ({ActiveDays.Key}) DO UPDATE SET
            {ActiveDays.Days} = {ActiveDays.Table}.{ActiveDays.Days} | excluded.{ActiveDays.Days}
        """;
}
