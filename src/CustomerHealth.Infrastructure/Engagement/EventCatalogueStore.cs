using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>Reads and replaces the event catalogue; a replacement rebuilds the retained days' rollups in the same
/// transaction.</summary>
public sealed class EventCatalogueStore(
    CustomerHealthDbContext db, RollupWriter writer, EventRules rules, TimeProvider clock)
{
    public async Task<EventCatalogue> GetAsync(CancellationToken ct)
    {
        var row = await db.EventCatalogue.AsNoTracking()
            .SingleOrDefaultAsync(c => c.Id == EventCatalogueRow.SingletonId, ct);
        return row is null ? EventCatalogue.Empty
            : CatalogueJson.Deserialize(row.EntriesJson, row.Version, row.UpdatedAt, row.UpdatedBy);
    }

    /// <summary>
    /// Replaces the catalogue (optionally only if its version is <paramref name="expectedVersion"/>) and rebuilds the
    /// rollups of every retained day so that "active" and "key feature" mean the same in old and new data.
    /// </summary>
    public async Task<(EventCatalogue Catalogue, long RebuiltAccountDays)> ReplaceAsync(
        IReadOnlyList<CatalogueEntry> entries, long? expectedVersion, Caller caller, CancellationToken ct)
    {
        EventCatalogue.Validate(entries);
        // An identical call at once (a client and its retry) may replace the catalogue first: this one is then applied
        // after it, like a rebuild that lost to ingestion.
        return await RollupRebuilder.StartOverWhenLostAsync(
            db, () => ReplaceOnceAsync(entries, expectedVersion, caller, ct));
    }

    private async Task<(EventCatalogue Catalogue, long RebuiltAccountDays)> ReplaceOnceAsync(
        IReadOnlyList<CatalogueEntry> entries, long? expectedVersion, Caller caller, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var now = clock.GetUtcNow().UtcDateTime;
            var row = await db.EventCatalogue.SingleAsync(c => c.Id == EventCatalogueRow.SingletonId, ct);
            if (expectedVersion is { } expected && expected != row.Version)
            {
                throw new RuleViolationException("CATALOGUE_VERSION_MISMATCH",
                    $"The event catalogue is at version {row.Version}, not {expected}; read it again and reapply the " +
                    $"change.",
                    new Dictionary<string, string>
                    {
                        ["version"] = row.Version.ToString(
                        System.Globalization.CultureInfo.InvariantCulture)
                    });
            }
            var beforeJson = row.EntriesJson;
            row.EntriesJson = CatalogueJson.Serialize(entries);
            row.Version++;
            row.UpdatedAt = now;
            row.UpdatedBy = caller.Identity;
            // Takes the row's exclusive lock: batches being ingested (which share-lock it) finish first, new ones wait.
            await db.SaveChangesAsync(ct);

            var catalogue = CatalogueJson.Deserialize(row.EntriesJson, row.Version, row.UpdatedAt, row.UpdatedBy);
            var today = DateOnly.FromDateTime(now);
            var rebuilt = await RollupRebuilder.RebuildAsync(writer, db.Database.GetDbConnection(),
                transaction.GetDbTransaction(), catalogue, null, rules.FirstRetainedDay(today), today.AddDays(1), ct);
            // Which events count as active and which are key features changed under every score.
            await Health.HealthRecomputer.MarkAllAsync(db, now, ct);
            var change = new AuditedChange(AuditAction.EventCatalogueReplaced, AuditTargets.EventCatalogue,
                row.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), beforeJson, row.EntriesJson,
                new { RebuiltAccountDays = rebuilt });
            await AuditTrail.WriteAsync(db, caller, change, now, ct);
            await transaction.CommitAsync(ct);
            return (catalogue, rebuilt);
        });
    }
}
