using System.Data.Common;
using System.Runtime.InteropServices;
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

/// <summary>
/// An event ready to be written: validated, with its position in its batch and the JSON of its properties.
/// </summary>
internal sealed record EventToWrite(int Index, UsageEvent Event, string? PropertiesJson);

/// <summary>An account that newly stored events touched, and the earliest instant among them.</summary>
internal readonly record struct AccountEvents(string AccountId, DateTime Earliest)
{
    /// <summary>
    /// The accounts of <paramref name="events"/> with their earliest instants, in ordinal order of the account id: one
    /// hash lookup per event (a LINQ grouping took about a tenth of the SQLite writer's time outside SQL).
    /// </summary>
    public static AccountEvents[] Of(IEnumerable<UsageEvent> events)
    {
        var earliest = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            var at = e.OccurredAt!.Value;
            ref var min = ref CollectionsMarshal.GetValueRefOrAddDefault(earliest, e.AccountId, out var seen);
            if (!seen || at < min) min = at;
        }
        var accounts = new AccountEvents[earliest.Count];
        var i = 0;
        foreach (var (accountId, at) in earliest) accounts[i++] = new AccountEvents(accountId, at);
        Array.Sort(accounts, static (x, y) => string.CompareOrdinal(x.AccountId, y.AccountId));
        return accounts;
    }
}

/// <summary>
/// The engagement slice's storage seam: the engine-specific writes of ingestion, of rollup rebuilds and of the bulk
/// load, all inside the caller's transaction: insert events skipping those already stored, and add deltas to the
/// rollups; never row by row through the change tracker. One subclass per engine, each in the folder named after it
/// (Sqlite/, PostgreSql/, SqlServer/), picked once by the registration (<see cref="DatabaseRegistration"/>); the rest
/// of the code never asks which engine it runs on. Members are internal: the seam is for this assembly's stores.
/// </summary>
public abstract class RollupWriter
{

    /// <summary>
    /// SQL that reads the catalogue row and holds a shared lock on it until the transaction ends, so that a catalogue
    /// change (which rebuilds the rollups under an exclusive lock) never interleaves with a batch.
    /// </summary>
    internal abstract string ReadCatalogueSql { get; }

    /// <summary>Reads the catalogue under <see cref="ReadCatalogueSql"/>'s share lock.</summary>
    internal async Task<EventCatalogue> ReadCatalogueAsync(
        DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        await using var command = SqlCommands.Create(connection, transaction, ReadCatalogueSql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return EventCatalogue.Empty;
        return CatalogueJson.Deserialize(reader.GetString(1), reader.GetInt64(0), null, null);
    }

    /// <summary>
    /// Reads which of <paramref name="accountIds"/> name stored accounts and locks them against deletion until the
    /// transaction ends, for a writer whose event tables have no foreign key to <c>accounts</c> (PostgreSQL) or whose
    /// ingestion connection does not check it (SQLite, where the transaction's write lock keeps every deletion out);
    /// null where the foreign keys guard them and a plain read is enough.
    /// </summary>
    internal virtual Task<HashSet<string>?> LockKnownAccountsAsync(
        DbConnection connection, DbTransaction transaction, string[] accountIds, CancellationToken ct) =>
        Task.FromResult<HashSet<string>?>(null);

    /// <summary>
    /// True when the writer can insert events without looking for stored ones first (<see
    /// cref="InsertNewEventsAsync"/>): a stored one then fails the insert with an error that <see
    /// cref="IsStoredEventConflict"/> recognises.
    /// </summary>
    internal virtual bool CanInsertWithoutLookup => false;

    /// <summary>Inserts events none of which may be stored yet (see <see cref="CanInsertWithoutLookup"/>).</summary>
    internal virtual Task InsertNewEventsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<(string Source, EventToWrite Event)> events,
        DateTime receivedAt, CancellationToken ct) =>
        throw new NotSupportedException($"{GetType().Name} looks for stored events before inserting.");

    /// <summary>
    /// True when <paramref name="exception"/> says that an event inserted by <see cref="InsertNewEventsAsync"/> was
    /// already stored.
    /// </summary>
    internal virtual bool IsStoredEventConflict(DbException exception) => false;

    /// <summary>
    /// Inserts the events that are not stored yet; returns the positions (in <paramref name="events"/>) of those
    /// inserted.
    /// </summary>
    internal abstract Task<IReadOnlyList<int>> InsertEventsAsync(
        DbConnection connection, DbTransaction transaction, string source, IReadOnlyList<EventToWrite> events,
        DateTime receivedAt, CancellationToken ct);

    /// <summary>
    /// Adds the newly stored events to the rollups and queues what they may change: the onboarding evaluation of their
    /// accounts and the recompute of their health scores (<see cref="HealthRecomputeMarks"/>). The only way in to the
    /// rollup writes, so that none of them goes without the marks.
    /// </summary>
    internal async Task AddToRollupsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyCollection<UsageEvent> inserted,
        EventCatalogue catalogue, DateTime now, CancellationToken ct)
    {
        var (users, features) = RollupDeltas.From(inserted, catalogue);
        if (users.Count == 0) return;
        await AddUserAndAccountDaysAsync(connection, transaction, users, ct);
        await AddFeatureDaysAsync(connection, transaction, features, ct);
        var accounts = AccountEvents.Of(inserted);
        await QueueOnboardingEvaluationAsync(connection, transaction, accounts, now, ct);
        await MarkHealthDirtyAsync(connection, transaction, accounts.Select(a => a.AccountId).ToArray(), now, ct);
    }

    /// <summary>
    /// Adds each delta to its user-day row, and what follows to the account-day rows: the events, plus one user for
    /// each user-day row created and one active user for each row that became active (see <see
    /// cref="RollupDeltas.ForAccounts"/>).
    /// </summary>
    private protected abstract Task AddUserAndAccountDaysAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<UserDayDelta> deltas, CancellationToken ct);

    private protected abstract Task AddFeatureDaysAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<FeatureDayDelta> deltas,
        CancellationToken ct);

    /// <summary>
    /// Queues for the onboarding worker the accounts whose new events may change an automatic milestone: one still
    /// open, or one a rule completed later than the earliest of the new events (a late event can move that completion,
    /// and the time to value, earlier). Other accounts cost one index probe and are not queued.
    /// </summary>
    private protected abstract Task QueueOnboardingEvaluationAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<AccountEvents> accounts, DateTime now,
        CancellationToken ct);

    /// <summary>
    /// Marks the accounts for health recompute with <see cref="HealthRecomputeMarks"/>' statements (one row each, see
    /// <c>health_recompute_queue</c>). Abstract, so that every engine's writer says how; the conformance suite
    /// (<c>RollupWriterConformance</c>) checks that it does.
    /// </summary>
    private protected abstract Task MarkHealthDirtyAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<string> accountIds, DateTime now,
        CancellationToken ct);

    /// <summary>
    /// This engine's SQL for a day's place in its active-day block (<see cref="ActiveDayBlocks"/>): the number of the
    /// day in column <paramref name="day"/> counted from 0001-01-01 (<see cref="DateOnly.DayNumber"/>), and the
    /// aggregate that ORs the bits numbered by <paramref name="bit"/>. The migrations that backfilled the blocks keep
    /// frozen copies.
    /// </summary>
    internal abstract (string DayNumber, string BitOr) ActiveDaySql(string day, string bit);

    /// <summary>
    /// Locks against deletion the accounts whose rollups a rebuild replaces (one, or all when <paramref
    /// name="accountId"/> is null), where the foreign keys do not guard them (see <see
    /// cref="LockKnownAccountsAsync"/>); nothing by default.
    /// </summary>
    internal virtual Task LockAccountsForRebuildAsync(
        DbConnection connection, DbTransaction transaction, string? accountId, CancellationToken ct) =>
        Task.CompletedTask;

    /// <summary>
    /// Where writers run side by side, makes a writer that replaces or takes away rollup rows of one account (or of
    /// every account, when <paramref name="accountId"/> is null) — a rebuild, a person's erasure — wait for the
    /// ingestion groups writing into them and keeps new groups, rebuilds and erasures of that account out until it
    /// commits. Ingestion takes the shared side of the same locks in <see cref="LockKnownAccountsAsync"/>. Without it
    /// the two lock the same rollup rows in different orders and deadlock. Nothing by default: SQLite has one writer
    /// at a time.
    /// </summary>
    internal virtual Task LockRollupsExclusivelyAsync(
        DbConnection connection, DbTransaction transaction, string? accountId, CancellationToken ct) =>
        Task.CompletedTask;

    /// <summary>
    /// Inserts the rollup rows of accounts created in this transaction (the bulk load): nothing can exist under their
    /// keys, so plain inserts replace the upserts. By default one prepared INSERT per table, reused for every row.
    /// </summary>
    internal virtual Task InsertFreshRollupsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<UserDayDelta> users,
        IReadOnlyList<AccountDayDelta> accounts, IReadOnlyList<FeatureDayDelta> features, CancellationToken ct) =>
        BulkLoad.FreshRollupInserter.InsertAsync(connection, transaction, users, accounts, features, ct);

    /// <summary>
    /// The SQL condition "the account @account_id has an automatic milestone that events from @earliest on may change":
    /// open, or completed by a rule after @earliest (a manual milestone never changes by events).
    /// </summary>
    private protected static readonly string MayChangeAutomaticMilestone =
        $"EXISTS (SELECT 1 FROM {Milestones.Table} m WHERE m.{Milestones.AccountId} = @account_id " +
        $"AND m.{Milestones.RuleKind} <> {SqlSchema.Values.ManualRule} AND (m.{Milestones.CompletedAt} IS NULL " +
        $"OR (m.{Milestones.CompletedHow} = {SqlSchema.Values.CompletedByRule} AND m.{Milestones.CompletedAt} > " +
        $"@earliest)))";

    /// <summary>Reads the catalogue row's version and entries; each writer adds its engine's share lock.</summary>
    private protected static readonly string CatalogueReadSql =
        $"SELECT {Catalogue.Version}, {Catalogue.EntriesJson} FROM {Catalogue.Table} " +
        $"WHERE {Catalogue.Id} = {EventCatalogueRow.SingletonId}";
}
