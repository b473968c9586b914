using System.Data.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Persistence;
using AccountDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.AccountDailyUsage;
using ActiveDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.UserActiveDays;
using Catalogue = CustomerHealth.Infrastructure.Persistence.SqlSchema.EventCatalogue;
using Events = CustomerHealth.Infrastructure.Persistence.SqlSchema.UsageEvents;
using FeatureDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.AccountFeatureDailyUsage;
using Queue = CustomerHealth.Infrastructure.Persistence.SqlSchema.OnboardingEvaluationQueue;
using UserDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.UserDailyActivity;

namespace CustomerHealth.Infrastructure.Engagement.SqlServer;

/// <summary>
/// Row-at-a-time writes with one prepared command per statement, reused for every row of the batch (SQL Server).
/// Untested here (no SQL Server engine without Docker): its tests run where Docker is (SQL Server through
/// Testcontainers).
/// </summary>
internal abstract class PreparedRowWriter : RollupWriter
{
    private protected abstract string InsertEventSql { get; }
    private protected abstract string AddUserDaySql { get; }
    private protected abstract string AddAccountDaySql { get; }
    private protected abstract string AddFeatureDaySql { get; }
    private protected abstract string AddActiveDaysSql { get; }

    internal override async Task<IReadOnlyList<int>> InsertEventsAsync(
        DbConnection connection, DbTransaction transaction, string source, IReadOnlyList<EventToWrite> events,
        DateTime receivedAt, CancellationToken ct)
    {
        await using var command = SqlCommands.Create(connection, transaction, InsertEventSql);
        command.Add("@source", source);
        command.Add("@received_at", receivedAt);
        var eventId = command.Add("@event_id", "");
        var accountId = command.Add("@account_id", "");
        var userId = command.Add("@user_id", "");
        var name = command.Add("@event_name", "");
        var occurredAt = command.Add("@occurred_at", DateTime.UnixEpoch);
        var day = command.Add("@day", DateOnly.MinValue);
        var quantity = command.Add("@quantity", 0d);
        var properties = command.Add("@properties", "");
        await command.PrepareAsync(ct);
        var inserted = new List<int>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i].Event;
            eventId.Value = e.EventId;
            accountId.Value = e.AccountId;
            userId.Value = e.UserId;
            name.Value = e.EventName;
            occurredAt.Value = e.OccurredAt!.Value;
            day.Value = e.Day;
            quantity.Value = e.Quantity is { } q ? q : DBNull.Value;
            properties.Value = (object?)events[i].PropertiesJson ?? DBNull.Value;
            if (await command.ExecuteNonQueryAsync(ct) == 1) inserted.Add(i);
        }
        return inserted;
    }

    private protected override async Task MarkHealthDirtyAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<string> accountIds, DateTime now,
        CancellationToken ct)
    {
        if (accountIds.Count == 0) return;
        await using var command = SqlCommands.Create(connection, transaction, HealthRecomputeMarks.InsertOneSql);
        command.Add("@due_at", now);
        var account = command.Add("@account_id", "");
        await command.PrepareAsync(ct);
        foreach (var id in accountIds)
        {
            account.Value = id;
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private protected override async Task AddUserAndAccountDaysAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<UserDayDelta> deltas, CancellationToken ct)
    {
        var after = await AddUserDaysAsync(connection, transaction, deltas, ct);
        var applied = deltas.Select((d, i) => (d, after[i].EventsAfter, after[i].ActiveEventsAfter)).ToArray();
        await AddAccountDaysAsync(connection, transaction, RollupDeltas.ForAccounts(applied), ct);
        await AddActiveDaysAsync(connection, transaction, ActiveDayBlocks.NewlyActive(applied), ct);
    }

    private async Task AddActiveDaysAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<ActiveDayBlock> blocks, CancellationToken ct)
    {
        if (blocks.Count == 0) return;
        await using var command = SqlCommands.Create(connection, transaction, AddActiveDaysSql);
        var (account, block, user, days) = (command.Add("@account_id", ""), command.Add("@block", 0),
            command.Add("@user_id", ""), command.Add("@days", 0L));
        await command.PrepareAsync(ct);
        foreach (var b in blocks)
        {
            (account.Value, block.Value, user.Value, days.Value) = (b.AccountId, b.Block, b.UserId, b.Days);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Adds each delta to its user-day row; returns, per delta, the row's totals after the addition.</summary>
    private async Task<IReadOnlyList<(int EventsAfter, int ActiveEventsAfter)>> AddUserDaysAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<UserDayDelta> deltas, CancellationToken ct)
    {
        await using var command = SqlCommands.Create(connection, transaction, AddUserDaySql);
        var (account, day, user) = (command.Add("@account_id", ""), command.Add("@day", DateOnly.MinValue),
            command.Add("@user_id", ""));
        var (events, active) = (command.Add("@events", 0), command.Add("@active_events", 0));
        await command.PrepareAsync(ct);
        var after = new List<(int, int)>(deltas.Count);
        foreach (var d in deltas)
        {
            (account.Value, day.Value, user.Value, events.Value, active.Value) = (d.AccountId, d.Day, d.UserId,
                d.Events, d.ActiveEvents);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) throw new InvalidOperationException(
                "The user-day upsert returned no row.");
            after.Add(
                (Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
                Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture)));
        }
        return after;
    }

    private async Task AddAccountDaysAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<AccountDayDelta> deltas, CancellationToken ct)
    {
        await using var command = SqlCommands.Create(connection, transaction, AddAccountDaySql);
        var (account, day) = (command.Add("@account_id", ""), command.Add("@day", DateOnly.MinValue));
        var (events, users, active) = (command.Add("@events", 0L), command.Add("@users", 0),
            command.Add("@active_users", 0));
        await command.PrepareAsync(ct);
        foreach (var d in deltas)
        {
            (account.Value, day.Value, events.Value, users.Value, active.Value) = (d.AccountId, d.Day, d.Events,
                d.Users, d.ActiveUsers);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private protected override async Task QueueOnboardingEvaluationAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<AccountEvents> accounts, DateTime now,
        CancellationToken ct)
    {
        await using var command = SqlCommands.Create(connection, transaction, QueueOnboardingSql);
        command.Add("@marked_at", now);
        var account = command.Add("@account_id", "");
        var earliest = command.Add("@earliest", DateTime.UnixEpoch);
        await command.PrepareAsync(ct);
        foreach (var a in accounts)
        {
            (account.Value, earliest.Value) = (a.AccountId, a.Earliest);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private protected abstract string QueueOnboardingSql { get; }

    private protected override async Task AddFeatureDaysAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<FeatureDayDelta> deltas, CancellationToken ct)
    {
        if (deltas.Count == 0) return;
        await using var command = SqlCommands.Create(connection, transaction, AddFeatureDaySql);
        var (account, day, feature, events) = (command.Add("@account_id", ""), command.Add("@day", DateOnly.MinValue),
            command.Add("@feature", ""), command.Add("@events", 0L));
        await command.PrepareAsync(ct);
        foreach (var d in deltas)
        {
            (account.Value, day.Value, feature.Value, events.Value) = (d.AccountId, d.Day, d.Feature, (long)d.Events);
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}

/// <summary>
/// SQL Server: MERGE under HOLDLOCK (an upsert that is safe under concurrency), one prepared statement per row.
/// </summary>
internal sealed class SqlServerRollupWriter : PreparedRowWriter
{
    /// <summary>
    /// No <c>BIT_OR</c> before SQL Server 2022: a SUM of powers of two (bits of a group are distinct, below the sign
    /// bit).
    /// </summary>
    internal override (string DayNumber, string BitOr) ActiveDaySql(string day, string bit) =>
        ($"DATEDIFF(DAY, CAST('0001-01-01' AS date), [{day}])", $"SUM(POWER(CAST(2 AS bigint), {bit}))");

    internal override string ReadCatalogueSql { get; } =
        $"SELECT {Catalogue.Version}, {Catalogue.EntriesJson} FROM {Catalogue.Table} WITH (HOLDLOCK, ROWLOCK) " +
        $"WHERE {Catalogue.Id} = {EventCatalogueRow.SingletonId}";

    private protected override string InsertEventSql => $"""
        INSERT INTO {Events.Table} ({Events.Columns})
        SELECT @source, @event_id, @account_id, @user_id, @event_name, @occurred_at, @day, @quantity, @properties, @received_at
        WHERE NOT EXISTS (
            SELECT 1 FROM {Events.Table} WITH (UPDLOCK, HOLDLOCK)
            WHERE {Events.Source} = @source AND {Events.EventId} = @event_id)
        """;

    private protected override string AddUserDaySql => $"""
        MERGE {UserDays.Table} WITH (HOLDLOCK) AS t
        USING (SELECT @account_id AS account_id, @day AS day, @user_id AS user_id) AS s
        ON t.{UserDays.AccountId} = s.account_id AND t.{UserDays.Day} = s.day AND t.{UserDays.UserId} = s.user_id
        WHEN MATCHED THEN UPDATE SET
            {UserDays.Events} = t.{UserDays.Events} + @events, {UserDays.ActiveEvents} = t.{UserDays.ActiveEvents} + @active_events
        WHEN NOT MATCHED THEN INSERT ({UserDays.Columns}) VALUES (@account_id, @day, @user_id, @events, @active_events)
        OUTPUT inserted.{UserDays.Events}, inserted.{UserDays.ActiveEvents};
        """;

    private protected override string AddAccountDaySql => $"""
        MERGE {AccountDays.Table} WITH (HOLDLOCK) AS t
        USING (SELECT @account_id AS account_id, @day AS day) AS s
        ON t.{AccountDays.AccountId} = s.account_id AND t.{AccountDays.Day} = s.day
        WHEN MATCHED THEN UPDATE SET {AccountDays.Events} = t.{AccountDays.Events} + @events,
            {AccountDays.Users} = t.{AccountDays.Users} + @users,
            {AccountDays.ActiveUsers} = t.{AccountDays.ActiveUsers} + @active_users
        WHEN NOT MATCHED THEN INSERT ({AccountDays.Columns}) VALUES (@account_id, @day, @events, @users, @active_users);
        """;

    private protected override string AddFeatureDaySql => $"""
        MERGE {FeatureDays.Table} WITH (HOLDLOCK) AS t
        USING (SELECT @account_id AS account_id, @day AS day, @feature AS feature) AS s
        ON t.{FeatureDays.AccountId} = s.account_id AND t.{FeatureDays.Day} = s.day AND t.{FeatureDays.Feature} = s.feature
        WHEN MATCHED THEN UPDATE SET {FeatureDays.Events} = t.{FeatureDays.Events} + @events
        WHEN NOT MATCHED THEN INSERT ({FeatureDays.Columns}) VALUES (@account_id, @day, @feature, @events);
        """;

    private protected override string AddActiveDaysSql => $"""
        MERGE {ActiveDays.Table} WITH (HOLDLOCK) AS t
        USING (SELECT @account_id AS account_id, @block AS block, @user_id AS user_id) AS s
        ON t.{ActiveDays.AccountId} = s.account_id AND t.{ActiveDays.Block} = s.block AND t.{ActiveDays.UserId} = s.user_id
        WHEN MATCHED THEN UPDATE SET {ActiveDays.Days} = t.{ActiveDays.Days} | @days
        WHEN NOT MATCHED THEN INSERT ({ActiveDays.Columns}) VALUES (@account_id, @block, @user_id, @days);
        """;

    private protected override string QueueOnboardingSql => $"""
        MERGE {Queue.Table} WITH (HOLDLOCK) AS t
        USING (SELECT @account_id AS account_id WHERE {MayChangeAutomaticMilestone}) AS s
        ON t.{Queue.AccountId} = s.account_id
        WHEN MATCHED THEN UPDATE SET {Queue.MarkedAt} = @marked_at
        WHEN NOT MATCHED THEN INSERT ({Queue.AccountId}, {Queue.MarkedAt}) VALUES (@account_id, @marked_at);
        """;
}
