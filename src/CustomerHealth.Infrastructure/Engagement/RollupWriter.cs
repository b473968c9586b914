using System.Data.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Persistence;
using AccountDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.AccountDailyUsage;
using ActiveDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.UserActiveDays;
using Catalogue = CustomerHealth.Infrastructure.Persistence.SqlSchema.EventCatalogue;
using Events = CustomerHealth.Infrastructure.Persistence.SqlSchema.UsageEvents;
using FeatureDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.AccountFeatureDailyUsage;
using Milestones = CustomerHealth.Infrastructure.Persistence.SqlSchema.Milestones;
using Queue = CustomerHealth.Infrastructure.Persistence.SqlSchema.OnboardingEvaluationQueue;
using UserDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.UserDailyActivity;

namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>An event ready to be written: validated, with its position in its batch and the JSON of its properties.</summary>
internal sealed record EventToWrite(int Index, UsageEvent Event, string? PropertiesJson);

/// <summary>An account that newly stored events touched, and the earliest instant among them.</summary>
internal readonly record struct AccountEvents(string AccountId, DateTime Earliest);

/// <summary>
/// The provider-specific bulk writes of ingestion, all inside the caller's transaction: insert events skipping those
/// already stored, and add deltas to the rollups. Never row by row through the change tracker.
/// </summary>
internal abstract class RollupWriter
{
    public static RollupWriter For(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => new SqliteRollupWriter(),
        DatabaseProvider.PostgreSql => new PostgreSqlRollupWriter(),
        DatabaseProvider.SqlServer => new SqlServerRollupWriter(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    /// <summary>
    /// SQL that reads the catalogue row and holds a shared lock on it until the transaction ends, so that a catalogue
    /// change (which rebuilds the rollups under an exclusive lock) never interleaves with a batch.
    /// </summary>
    public abstract string ReadCatalogueSql { get; }

    /// <summary>Reads the catalogue under <see cref="ReadCatalogueSql"/>'s share lock.</summary>
    public async Task<EventCatalogue> ReadCatalogueAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        await using var command = SqlCommands.Create(connection, transaction, ReadCatalogueSql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return EventCatalogue.Empty;
        return CatalogueJson.Deserialize(reader.GetString(1), reader.GetInt64(0), null, null);
    }

    /// <summary>
    /// Reads which of <paramref name="accountIds"/> name stored accounts and locks them against deletion until the
    /// transaction ends, for a writer whose event tables have no foreign key to <c>accounts</c> (PostgreSQL); null where
    /// the foreign keys guard them and a plain read is enough.
    /// </summary>
    public virtual Task<HashSet<string>?> LockKnownAccountsAsync(DbConnection connection, DbTransaction transaction, string[] accountIds, CancellationToken ct) =>
        Task.FromResult<HashSet<string>?>(null);

    /// <summary>
    /// True when the writer can insert events without looking for stored ones first (<see cref="InsertNewEventsAsync"/>):
    /// a stored one then fails the insert with an error that <see cref="IsStoredEventConflict"/> recognises.
    /// </summary>
    public virtual bool CanInsertWithoutLookup => false;

    /// <summary>Inserts events none of which may be stored yet (see <see cref="CanInsertWithoutLookup"/>).</summary>
    public virtual Task InsertNewEventsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<(string Source, EventToWrite Event)> events, DateTime receivedAt, CancellationToken ct) =>
        throw new NotSupportedException($"{GetType().Name} looks for stored events before inserting.");

    /// <summary>True when <paramref name="exception"/> says that an event inserted by <see cref="InsertNewEventsAsync"/> was already stored.</summary>
    public virtual bool IsStoredEventConflict(DbException exception) => false;

    /// <summary>Inserts the events that are not stored yet; returns the positions (in <paramref name="events"/>) of those inserted.</summary>
    public abstract Task<IReadOnlyList<int>> InsertEventsAsync(DbConnection connection, DbTransaction transaction, string source, IReadOnlyList<EventToWrite> events, DateTime receivedAt, CancellationToken ct);

    /// <summary>
    /// Adds the newly stored events to the rollups and queues what they may change: the onboarding evaluation of their
    /// accounts and the recompute of their health scores (<see cref="HealthRecomputeMarks"/>). The only way in to the
    /// rollup writes, so that none of them goes without the marks.
    /// </summary>
    public async Task AddToRollupsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<UsageEvent> inserted,
        EventCatalogue catalogue, DateTime now, CancellationToken ct)
    {
        var (users, features) = RollupDeltas.From(inserted, catalogue);
        if (users.Count == 0) return;
        await AddUserAndAccountDaysAsync(connection, transaction, users, ct);
        await AddFeatureDaysAsync(connection, transaction, features, ct);
        var accounts = inserted.GroupBy(e => e.AccountId, StringComparer.Ordinal)
            .Select(g => new AccountEvents(g.Key, g.Min(e => e.OccurredAt!.Value)))
            .OrderBy(a => a.AccountId, StringComparer.Ordinal).ToArray();
        await QueueOnboardingEvaluationAsync(connection, transaction, accounts, now, ct);
        await MarkHealthDirtyAsync(connection, transaction, accounts.Select(a => a.AccountId).ToArray(), now, ct);
    }

    /// <summary>
    /// Adds each delta to its user-day row, and what follows to the account-day rows: the events, plus one user for each
    /// user-day row created and one active user for each row that became active (see <see cref="RollupDeltas.ForAccounts"/>).
    /// </summary>
    protected abstract Task AddUserAndAccountDaysAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<UserDayDelta> deltas, CancellationToken ct);

    protected abstract Task AddFeatureDaysAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<FeatureDayDelta> deltas, CancellationToken ct);

    /// <summary>
    /// Queues for the onboarding worker the accounts whose new events may change an automatic milestone: one still open,
    /// or one a rule completed later than the earliest of the new events (a late event can move that completion, and the
    /// time to value, earlier). Other accounts cost one index probe and are not queued.
    /// </summary>
    protected abstract Task QueueOnboardingEvaluationAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AccountEvents> accounts, DateTime now, CancellationToken ct);

    /// <summary>
    /// Marks the accounts for health recompute with <see cref="HealthRecomputeMarks"/>' statements (one row each, see
    /// <c>health_recompute_queue</c>). Abstract, so that every engine's writer says how; the conformance suite
    /// (<c>RollupWriterConformance</c>) checks that it does.
    /// </summary>
    protected abstract Task MarkHealthDirtyAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> accountIds, DateTime now, CancellationToken ct);

    /// <summary>
    /// The SQL condition "the account @account_id has an automatic milestone that events from @earliest on may change":
    /// open, or completed by a rule after @earliest (a manual milestone never changes by events).
    /// </summary>
    protected static readonly string MayChangeAutomaticMilestone =
        $"EXISTS (SELECT 1 FROM {Milestones.Table} m WHERE m.{Milestones.AccountId} = @account_id " +
        $"AND m.{Milestones.RuleKind} <> {SqlSchema.Values.ManualRule} AND (m.{Milestones.CompletedAt} IS NULL " +
        $"OR (m.{Milestones.CompletedHow} = {SqlSchema.Values.CompletedByRule} AND m.{Milestones.CompletedAt} > @earliest)))";

    /// <summary>Reads the catalogue row's version and entries; each writer adds its engine's share lock.</summary>
    protected static readonly string CatalogueReadSql =
        $"SELECT {Catalogue.Version}, {Catalogue.EntriesJson} FROM {Catalogue.Table} " +
        $"WHERE {Catalogue.Id} = {EventCatalogueRow.SingletonId}";
}

/// <summary>
/// Row-at-a-time writes with one prepared command per statement, reused for every row of the batch (SQL Server).
/// </summary>
internal abstract class PreparedRowWriter : RollupWriter
{
    protected abstract string InsertEventSql { get; }
    protected abstract string AddUserDaySql { get; }
    protected abstract string AddAccountDaySql { get; }
    protected abstract string AddFeatureDaySql { get; }
    protected abstract string AddActiveDaysSql { get; }

    public override async Task<IReadOnlyList<int>> InsertEventsAsync(DbConnection connection, DbTransaction transaction, string source, IReadOnlyList<EventToWrite> events, DateTime receivedAt, CancellationToken ct)
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

    protected override async Task MarkHealthDirtyAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> accountIds, DateTime now, CancellationToken ct)
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

    protected override async Task AddUserAndAccountDaysAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<UserDayDelta> deltas, CancellationToken ct)
    {
        var after = await AddUserDaysAsync(connection, transaction, deltas, ct);
        var applied = deltas.Select((d, i) => (d, after[i].EventsAfter, after[i].ActiveEventsAfter)).ToArray();
        await AddAccountDaysAsync(connection, transaction, RollupDeltas.ForAccounts(applied), ct);
        await AddActiveDaysAsync(connection, transaction, ActiveDayBlocks.NewlyActive(applied), ct);
    }

    private async Task AddActiveDaysAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<ActiveDayBlock> blocks, CancellationToken ct)
    {
        if (blocks.Count == 0) return;
        await using var command = SqlCommands.Create(connection, transaction, AddActiveDaysSql);
        var (account, block, user, days) = (command.Add("@account_id", ""), command.Add("@block", 0), command.Add("@user_id", ""), command.Add("@days", 0L));
        await command.PrepareAsync(ct);
        foreach (var b in blocks)
        {
            (account.Value, block.Value, user.Value, days.Value) = (b.AccountId, b.Block, b.UserId, b.Days);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Adds each delta to its user-day row; returns, per delta, the row's totals after the addition.</summary>
    private async Task<IReadOnlyList<(int EventsAfter, int ActiveEventsAfter)>> AddUserDaysAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<UserDayDelta> deltas, CancellationToken ct)
    {
        await using var command = SqlCommands.Create(connection, transaction, AddUserDaySql);
        var (account, day, user) = (command.Add("@account_id", ""), command.Add("@day", DateOnly.MinValue), command.Add("@user_id", ""));
        var (events, active) = (command.Add("@events", 0), command.Add("@active_events", 0));
        await command.PrepareAsync(ct);
        var after = new List<(int, int)>(deltas.Count);
        foreach (var d in deltas)
        {
            (account.Value, day.Value, user.Value, events.Value, active.Value) = (d.AccountId, d.Day, d.UserId, d.Events, d.ActiveEvents);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) throw new InvalidOperationException("The user-day upsert returned no row.");
            after.Add((Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture)));
        }
        return after;
    }

    private async Task AddAccountDaysAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AccountDayDelta> deltas, CancellationToken ct)
    {
        await using var command = SqlCommands.Create(connection, transaction, AddAccountDaySql);
        var (account, day) = (command.Add("@account_id", ""), command.Add("@day", DateOnly.MinValue));
        var (events, users, active) = (command.Add("@events", 0L), command.Add("@users", 0), command.Add("@active_users", 0));
        await command.PrepareAsync(ct);
        foreach (var d in deltas)
        {
            (account.Value, day.Value, events.Value, users.Value, active.Value) = (d.AccountId, d.Day, d.Events, d.Users, d.ActiveUsers);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    protected override async Task QueueOnboardingEvaluationAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AccountEvents> accounts, DateTime now, CancellationToken ct)
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

    protected abstract string QueueOnboardingSql { get; }

    protected override async Task AddFeatureDaysAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<FeatureDayDelta> deltas, CancellationToken ct)
    {
        if (deltas.Count == 0) return;
        await using var command = SqlCommands.Create(connection, transaction, AddFeatureDaySql);
        var (account, day, feature, events) = (command.Add("@account_id", ""), command.Add("@day", DateOnly.MinValue), command.Add("@feature", ""), command.Add("@events", 0L));
        await command.PrepareAsync(ct);
        foreach (var d in deltas)
        {
            (account.Value, day.Value, feature.Value, events.Value) = (d.AccountId, d.Day, d.Feature, (long)d.Events);
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}

/// <summary>SQL Server: MERGE under HOLDLOCK (an upsert that is safe under concurrency), one prepared statement per row.</summary>
internal sealed class SqlServerRollupWriter : PreparedRowWriter
{
    public override string ReadCatalogueSql { get; } =
        $"SELECT {Catalogue.Version}, {Catalogue.EntriesJson} FROM {Catalogue.Table} WITH (HOLDLOCK, ROWLOCK) " +
        $"WHERE {Catalogue.Id} = {EventCatalogueRow.SingletonId}";

    protected override string InsertEventSql => $"""
        INSERT INTO {Events.Table} ({Events.Columns})
        SELECT @source, @event_id, @account_id, @user_id, @event_name, @occurred_at, @day, @quantity, @properties, @received_at
        WHERE NOT EXISTS (
            SELECT 1 FROM {Events.Table} WITH (UPDLOCK, HOLDLOCK)
            WHERE {Events.Source} = @source AND {Events.EventId} = @event_id)
        """;

    protected override string AddUserDaySql => $"""
        MERGE {UserDays.Table} WITH (HOLDLOCK) AS t
        USING (SELECT @account_id AS account_id, @day AS day, @user_id AS user_id) AS s
        ON t.{UserDays.AccountId} = s.account_id AND t.{UserDays.Day} = s.day AND t.{UserDays.UserId} = s.user_id
        WHEN MATCHED THEN UPDATE SET
            {UserDays.Events} = t.{UserDays.Events} + @events, {UserDays.ActiveEvents} = t.{UserDays.ActiveEvents} + @active_events
        WHEN NOT MATCHED THEN INSERT ({UserDays.Columns}) VALUES (@account_id, @day, @user_id, @events, @active_events)
        OUTPUT inserted.{UserDays.Events}, inserted.{UserDays.ActiveEvents};
        """;

    protected override string AddAccountDaySql => $"""
        MERGE {AccountDays.Table} WITH (HOLDLOCK) AS t
        USING (SELECT @account_id AS account_id, @day AS day) AS s
        ON t.{AccountDays.AccountId} = s.account_id AND t.{AccountDays.Day} = s.day
        WHEN MATCHED THEN UPDATE SET {AccountDays.Events} = t.{AccountDays.Events} + @events,
            {AccountDays.Users} = t.{AccountDays.Users} + @users,
            {AccountDays.ActiveUsers} = t.{AccountDays.ActiveUsers} + @active_users
        WHEN NOT MATCHED THEN INSERT ({AccountDays.Columns}) VALUES (@account_id, @day, @events, @users, @active_users);
        """;

    protected override string AddFeatureDaySql => $"""
        MERGE {FeatureDays.Table} WITH (HOLDLOCK) AS t
        USING (SELECT @account_id AS account_id, @day AS day, @feature AS feature) AS s
        ON t.{FeatureDays.AccountId} = s.account_id AND t.{FeatureDays.Day} = s.day AND t.{FeatureDays.Feature} = s.feature
        WHEN MATCHED THEN UPDATE SET {FeatureDays.Events} = t.{FeatureDays.Events} + @events
        WHEN NOT MATCHED THEN INSERT ({FeatureDays.Columns}) VALUES (@account_id, @day, @feature, @events);
        """;

    protected override string AddActiveDaysSql => $"""
        MERGE {ActiveDays.Table} WITH (HOLDLOCK) AS t
        USING (SELECT @account_id AS account_id, @block AS block, @user_id AS user_id) AS s
        ON t.{ActiveDays.AccountId} = s.account_id AND t.{ActiveDays.Block} = s.block AND t.{ActiveDays.UserId} = s.user_id
        WHEN MATCHED THEN UPDATE SET {ActiveDays.Days} = t.{ActiveDays.Days} | @days
        WHEN NOT MATCHED THEN INSERT ({ActiveDays.Columns}) VALUES (@account_id, @block, @user_id, @days);
        """;

    protected override string QueueOnboardingSql => $"""
        MERGE {Queue.Table} WITH (HOLDLOCK) AS t
        USING (SELECT @account_id AS account_id WHERE {MayChangeAutomaticMilestone}) AS s
        ON t.{Queue.AccountId} = s.account_id
        WHEN MATCHED THEN UPDATE SET {Queue.MarkedAt} = @marked_at
        WHEN NOT MATCHED THEN INSERT ({Queue.AccountId}, {Queue.MarkedAt}) VALUES (@account_id, @marked_at);
        """;
}
