using System.Data.Common;
using System.Runtime.InteropServices;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>
/// One batch of usage events as a caller sent it: the source (half of the deduplication key) and the events.
/// </summary>
public sealed record EventBatch(string Source, IReadOnlyList<UsageEvent> Events);

/// <summary>
/// A batch after <see cref="EventIngestor.Check"/>: the events rejected by the rules, and those that may be stored.
/// </summary>
public sealed class CheckedBatch
{
    internal CheckedBatch(
        string source,
        int eventCount,
        IReadOnlyList<EventRejection> rejections,
        IReadOnlyList<EventToWrite> candidates
    )
    {
        Source = source;
        EventCount = eventCount;
        Rejections = rejections;
        Candidates = candidates;
    }

    public string Source { get; }
    public int EventCount { get; }
    public IReadOnlyList<EventRejection> Rejections { get; }
    internal IReadOnlyList<EventToWrite> Candidates { get; }
}

/// <summary>
/// Stores batches of usage events and maintains the daily rollups, one transaction per batch (or per group of
/// batches): either a batch's events and their rollup increments are committed together, or nothing of the batch is.
/// Deduplicates by (source, event id), so a retried batch stores nothing twice.
/// </summary>
public sealed class EventIngestor(CustomerHealthDbContext db, RollupWriter writer, TimeProvider clock)
{
    private const int MaxAttempts = 3;
    private readonly RollupWriter _writer = writer;

    /// <summary>
    /// Applies the batch rules (throws <see cref="ValidationException"/>) and the per-event rules as of
    /// <paramref name="now"/>, and serializes the properties of the events that may be stored: all the work on a batch
    /// that needs no database, so that callers do it on their own threads, in parallel, before handing the batch to
    /// the one writer.
    /// </summary>
    public static CheckedBatch Check(EventBatch batch, EventRules rules, DateTime now)
    {
        EventRules.ValidateBatch(batch.Source, batch.Events.Count);
        var rejections = new List<EventRejection>();
        var candidates = new List<EventToWrite>(batch.Events.Count);
        for (var i = 0; i < batch.Events.Count; i++)
        {
            var e = batch.Events[i];
            if (rules.Check(e, now) is { } problem)
                rejections.Add(new EventRejection(i, e.EventId, problem.Reason, problem.Message));
            else candidates.Add(new EventToWrite(i, e, CatalogueJson.SerializeProperties(e.Properties)));
        }
        return new CheckedBatch(batch.Source, batch.Events.Count, rejections, candidates);
    }

    /// <summary>
    /// Stores several checked batches in one transaction, each with its own outcome (in order). Every batch still goes
    /// in whole or not at all, and later batches see the events of earlier ones (a repeat across batches is a
    /// duplicate), exactly as if they had been stored one after the other; only the commit is shared, which is what
    /// makes durable commits affordable (see <see cref="EventIngestionQueue"/>). <paramref name="lookup"/> is the
    /// calling writer's own: whether to look for stored events before inserting, decided from its past groups.
    /// </summary>
    public async Task<IReadOnlyList<EventBatchOutcome>> IngestAsync(
        IReadOnlyList<CheckedBatch> batches,
        StoredEventLookup lookup,
        CancellationToken ct
    )
    {
        // Where the writer can, the events go in without first looking for those already stored: a repeat then fails
        // the insert, the transaction rolls back, and the batches are written again with the lookup
        // (StoredEventLookup).
        var lookUpFirst = !_writer.CanInsertWithoutLookup || lookup.LookUpFirst;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await IngestOnceAsync(batches, lookUpFirst, lookup, ct);
            }
            catch (DbException ex)
                when (!lookUpFirst && _writer.IsStoredEventConflict(ex) && !ct.IsCancellationRequested)
            {
                lookup.RepeatFound();
                lookUpFirst = true;
                db.ChangeTracker.Clear();
            }
            catch (DbException ex)
                when (attempt < MaxAttempts && !ct.IsCancellationRequested && !DatabaseOutages.IsUnavailable(ex))
            {
                // A concurrent change between our checks and our writes (an account deleted, a row inserted by a
                // parallel writer on a provider without upsert): the transaction rolled back, so the batches are
                // simply written again.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<IReadOnlyList<EventBatchOutcome>> IngestOnceAsync(
        IReadOnlyList<CheckedBatch> batches,
        bool lookUpFirst,
        StoredEventLookup lookup,
        CancellationToken ct
    )
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var group = new GroupWrite(
                db.Database.GetDbConnection(),
                transaction.GetDbTransaction(),
                clock.GetUtcNow().UtcDateTime,
                lookUpFirst ? null : []
            );
            var catalogue = await _writer.ReadCatalogueAsync(group.Connection, group.Transaction, ct);
            var known = await KnownAccountsAsync(group, batches, ct);

            var outcomes = new EventBatchOutcome[batches.Count];
            // The event ids of the group so far, per source: a repeat inside a batch, or of an earlier batch of the
            // group, is the later one's duplicate, found here without the database (and, without the lookup, only
            // here).
            var inGroup = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            for (var b = 0; b < batches.Count; b++)
            {
                var seen = CollectionsMarshal.GetValueRefOrAddDefault(inGroup, batches[b].Source, out _) ??=
                    new HashSet<string>(StringComparer.Ordinal);
                outcomes[b] = await WriteBatchAsync(group, Sort(batches[b], known, seen), ct);
            }
            if (group.Unlooked is { Count: > 0 })
                await _writer.InsertNewEventsAsync(group.Connection, group.Transaction, group.Unlooked, group.Now, ct);

            // Rollups are sums, so the increments of all the batches are added at once.
            await _writer.AddToRollupsAsync(
                group.Connection, group.Transaction, group.Inserted, catalogue, group.Now, ct);
            await transaction.CommitAsync(ct);
            if (lookUpFirst && !group.RepeatsFound) lookup.NoneFound();
            return outcomes;
        });
    }

    /// <summary>
    /// A batch's candidates sorted by what the group can tell without the database: events of unknown accounts
    /// (rejected), repeats of an event id already seen in the group (duplicates), and the events to write.
    /// </summary>
    private static SortedBatch Sort(CheckedBatch batch, HashSet<string> known, HashSet<string> seen)
    {
        var rejections = new List<EventRejection>(batch.Rejections);
        var toWrite = new List<EventToWrite>(batch.Candidates.Count);
        var duplicates = 0;
        foreach (var candidate in batch.Candidates)
        {
            var e = candidate.Event;
            if (!known.Contains(e.AccountId))
                rejections.Add(new EventRejection(candidate.Index, e.EventId, EventRejectionReason.UnknownAccount,
                    $"account_id '{e.AccountId}' names no stored account"));
            else if (!seen.Add(e.EventId))
                duplicates++;
            else
                toWrite.Add(candidate);
        }
        return new SortedBatch(batch.Source, rejections, toWrite, duplicates);
    }

    /// <summary>
    /// Writes one sorted batch: at once with the lookup (the writer reports which events were new), or, without it,
    /// queued for the group's single insert that fails on any repeat.
    /// </summary>
    private async Task<EventBatchOutcome> WriteBatchAsync(GroupWrite group, SortedBatch batch, CancellationToken ct)
    {
        var (accepted, duplicates, toWrite) = (0, batch.Duplicates, batch.ToWrite);
        if (group.Unlooked is { } unlooked)
        {
            accepted = toWrite.Count;
            unlooked.AddRange(toWrite.Select(w => (batch.Source, w)));
            group.Inserted.AddRange(toWrite.Select(w => w.Event));
        }
        else if (toWrite.Count > 0)
        {
            var positions = await _writer.InsertEventsAsync(
                group.Connection, group.Transaction, batch.Source, toWrite, group.Now, ct);
            accepted = positions.Count;
            duplicates += toWrite.Count - positions.Count;
            group.RepeatsFound |= positions.Count < toWrite.Count;
            group.Inserted.AddRange(positions.Select(i => toWrite[i].Event));
        }
        batch.Rejections.Sort((x, y) => x.Index.CompareTo(y.Index));
        return new EventBatchOutcome(accepted, duplicates, batch.Rejections);
    }

    private async Task<HashSet<string>> KnownAccountsAsync(
        GroupWrite group,
        IReadOnlyList<CheckedBatch> batches,
        CancellationToken ct
    )
    {
        // One set, filled in place: a LINQ Distinct over the group's events, then copied to an array, was a visible
        // share of the writer's time outside SQL.
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        foreach (var batch in batches)
        {
            foreach (var candidate in batch.Candidates) distinct.Add(candidate.Event.AccountId);
        }
        var ids = new string[distinct.Count];
        distinct.CopyTo(ids);
        return await _writer.LockKnownAccountsAsync(group.Connection, group.Transaction, ids, ct)
            ?? await KnownAccountsAsync(ids, ct);
    }

    private async Task<HashSet<string>> KnownAccountsAsync(string[] ids, CancellationToken ct)
    {
        if (ids.Length == 0) return [];
        var known = await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => a.Id).ToListAsync(ct);
        return known.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The state of one group's transaction while its batches are written.</summary>
    /// <param name="Unlooked">Events queued for one insert without a lookup; null when each batch is looked up.</param>
    private sealed record GroupWrite(
        DbConnection Connection,
        DbTransaction Transaction,
        DateTime Now,
        List<(string Source, EventToWrite Event)>? Unlooked
    )
    {
        public List<UsageEvent> Inserted { get; } = [];
        public bool RepeatsFound { get; set; }
    }

    private sealed record SortedBatch(
        string Source,
        List<EventRejection> Rejections,
        List<EventToWrite> ToWrite,
        int Duplicates
    );
}
