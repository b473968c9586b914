using System.Data.Common;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>
/// Stores batches of usage events and maintains the daily rollups, one transaction per batch: either the batch's events
/// and their rollup increments are committed together, or nothing is. Deduplicates by (source, event id), so a retried
/// batch stores nothing twice.
/// </summary>
public sealed class EventIngestor(CustomerHealthDbContext db, DatabaseOptions options, EventRules rules, TimeProvider clock)
{
    private const int MaxAttempts = 3;
    private readonly RollupWriter _writer = RollupWriter.For(options.Provider);

    /// <summary>Checks the batch as a whole (source, size); the per-event rules are reported per event instead.</summary>
    public static void ValidateBatch(string source, int eventCount, string sourceField = "source", string eventsField = "events")
    {
        var v = new Violations();
        if (string.IsNullOrEmpty(source)) v.Add(sourceField, "is required");
        else if (source.Length > EventRules.MaxSourceLength) v.Add(sourceField, $"must be at most {EventRules.MaxSourceLength} characters (got {source.Length})");
        else if (Identifiers.Explain(source) is { } problem) v.Add(sourceField, problem);
        if (eventCount == 0) v.Add(eventsField, "must hold at least one event");
        else if (eventCount > EventRules.MaxEventsPerBatch) v.Add(eventsField, $"must hold at most {EventRules.MaxEventsPerBatch} events per batch (got {eventCount}); split the batch");
        v.ThrowIfAny();
    }

    public async Task<EventBatchOutcome> IngestAsync(string source, IReadOnlyList<UsageEvent> events, CancellationToken ct)
    {
        ValidateBatch(source, events.Count);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await IngestOnceAsync(source, events, ct);
            }
            catch (DbException ex) when (attempt < MaxAttempts && !ct.IsCancellationRequested && ex is not { IsTransient: true })
            {
                // A concurrent change between our checks and our writes (an account deleted, a row inserted by a parallel
                // stream on a provider without upsert): the transaction rolled back, so the batch is simply checked and
                // written again.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<EventBatchOutcome> IngestOnceAsync(string source, IReadOnlyList<UsageEvent> events, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rejections = new List<EventRejection>();
        var candidates = new List<(int Index, UsageEvent Event)>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            if (rules.Check(events[i], now) is { } problem) rejections.Add(new EventRejection(i, events[i].EventId, problem.Reason, problem.Message));
            else candidates.Add((i, events[i]));
        }

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var connection = db.Database.GetDbConnection();
            var dbTransaction = transaction.GetDbTransaction();
            var catalogue = await _writer.ReadCatalogueAsync(connection, dbTransaction, ct);

            var batchRejections = new List<EventRejection>(rejections);
            var known = await KnownAccountsAsync(candidates.Select(c => c.Event.AccountId), ct);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var toWrite = new List<EventToWrite>(candidates.Count);
            var duplicates = 0;
            foreach (var (index, e) in candidates)
            {
                if (!known.Contains(e.AccountId))
                    batchRejections.Add(new EventRejection(index, e.EventId, EventRejectionReason.UnknownAccount, $"account_id '{e.AccountId}' names no stored account"));
                else if (!seen.Add(e.EventId))
                    duplicates++;
                else
                    toWrite.Add(new EventToWrite(e, CatalogueJson.SerializeProperties(e.Properties)));
            }

            var accepted = 0;
            if (toWrite.Count > 0)
            {
                var inserted = await _writer.InsertEventsAsync(connection, dbTransaction, source, toWrite, now, ct);
                accepted = inserted.Count;
                duplicates += toWrite.Count - inserted.Count;
                await AddToRollupsAsync(connection, dbTransaction, inserted.Select(i => toWrite[i].Event), catalogue, ct);
            }
            await transaction.CommitAsync(ct);
            batchRejections.Sort((a, b) => a.Index.CompareTo(b.Index));
            return new EventBatchOutcome(accepted, duplicates, batchRejections);
        });
    }

    private async Task AddToRollupsAsync(DbConnection connection, DbTransaction transaction, IEnumerable<UsageEvent> inserted, EventCatalogue catalogue, CancellationToken ct)
    {
        var (users, features) = RollupDeltas.From(inserted, catalogue);
        if (users.Count == 0) return;
        var after = await _writer.AddUserDaysAsync(connection, transaction, users, ct);
        var accounts = RollupDeltas.ForAccounts(users.Select((d, i) => (d, after[i].EventsAfter, after[i].ActiveEventsAfter)));
        await _writer.AddAccountDaysAsync(connection, transaction, accounts, ct);
        await _writer.AddFeatureDaysAsync(connection, transaction, features, ct);
        await _writer.QueueOnboardingEvaluationAsync(connection, transaction, accounts.Select(a => a.AccountId).Distinct(StringComparer.Ordinal).ToArray(),
            clock.GetUtcNow().UtcDateTime, ct);
    }

    private async Task<HashSet<string>> KnownAccountsAsync(IEnumerable<string> accountIds, CancellationToken ct)
    {
        var ids = accountIds.Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0) return [];
        var known = await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => a.Id).ToListAsync(ct);
        return known.ToHashSet(StringComparer.Ordinal);
    }
}
