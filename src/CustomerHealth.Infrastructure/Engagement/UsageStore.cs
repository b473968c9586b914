using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>One account's usage on one day, read from the rollups.</summary>
public sealed record DailyUsageRow(
    DateOnly Day, long Events, int Users, int ActiveUsers, IReadOnlyDictionary<string, long> KeyFeatureEvents);

/// <summary>What a person-data deletion removed.</summary>
public sealed record PersonDeletion(
    long DeletedEvents, int DeletedNpsResponses, int CorrectedAccountDays, int DeletedContacts = 0);

/// <summary>Reads the rollups, and repairs them: rebuild from raw events, person deletion, retention purge.</summary>
public sealed class UsageStore(CustomerHealthDbContext db, RollupWriter writer, EventRules rules, TimeProvider clock)
{
    public const int MaxRangeDays = 400;

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public async Task<IReadOnlyList<DailyUsageRow>> GetDailyUsageAsync(
        string accountId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        if (!await db.Accounts.AnyAsync(a => a.Id == accountId, ct)) throw new NotFoundException("Account", accountId);
        var days = await db.AccountDailyUsage.AsNoTracking()
            .Where(u => u.AccountId == accountId && u.Day >= from && u.Day <= to)
            .OrderBy(u => u.Day).ToListAsync(ct);
        var features = (await db.AccountFeatureDailyUsage.AsNoTracking()
                .Where(f => f.AccountId == accountId && f.Day >= from && f.Day <= to).ToListAsync(ct))
            .ToLookup(f => f.Day);
        return days.Select(d => new DailyUsageRow(d.Day, d.Events, d.Users, d.ActiveUsers,
            // In name order, so the answer's map is the same from one read to the next.
            features[d.Day].OrderBy(f => f.Feature, StringComparer.Ordinal)
                .ToDictionary(f => f.Feature, f => f.Events, StringComparer.Ordinal))).ToArray();
    }

    /// <summary>Rebuilds the rollups of [from, to] from the raw events. Days before the retention window keep their
    /// rollups.</summary>
    public async Task<long> RebuildAsync(
        string? accountId, DateOnly from, DateOnly to, Caller caller, CancellationToken ct)
    {
        await ThrowIfMissingAsync(accountId, ct);
        var firstRetained = rules.FirstRetainedDay(Today);
        if (from < firstRetained) from = firstRetained;
        if (to < from) return 0;
        return await RollupRebuilder.StartOverWhenLostAsync(
            db, () => RebuildOnceAsync(accountId, from, to, caller, ct));
    }

    private async Task ThrowIfMissingAsync(string? accountId, CancellationToken ct)
    {
        if (accountId is not null && !await db.Accounts.AnyAsync(a => a.Id == accountId, ct))
            throw new NotFoundException("Account", accountId);
    }

    private Task<long> RebuildOnceAsync(string? accountId, DateOnly from, DateOnly to, Caller caller,
        CancellationToken ct) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            // Checked on every attempt: an attempt that lost to a DeleteAccount of the account (its recompute mark
            // names a deleted account) starts over and answers NOT_FOUND.
            await ThrowIfMissingAsync(accountId, ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var catalogue = await CatalogueForUpdateAsync(ct);
            var rebuilt = await RollupRebuilder.RebuildAsync(writer, db.Database.GetDbConnection(),
                transaction.GetDbTransaction(), catalogue, accountId, from, to, ct);
            var now = clock.GetUtcNow().UtcDateTime;
            await MarkRescoreAsync(accountId is null ? null : [accountId], now, ct);
            var change = new AuditedChange(AuditAction.RollupsRebuilt, AuditTargets.Rollups, accountId,
                Details: new { StartDate = from, EndDate = to, RebuiltAccountDays = rebuilt });
            await AuditTrail.WriteAsync(db, caller, change, now, ct);
            await transaction.CommitAsync(ct);
            return rebuilt;
        });

    /// <summary>
    /// Deletes a person's events and NPS answers (in one account or all) and takes their contribution out of the
    /// rollups: their user-day rows and active-day blocks go, and the account-day and key-feature counts drop by what
    /// those rows and events held.
    /// Days whose raw events were already purged lose the person's user-day rows; their anonymous account totals stay.
    /// </summary>
    public Task<PersonDeletion> DeletePersonAsync(
        string userId, string? accountId, Caller caller, CancellationToken ct) =>
        // An account deleted meanwhile fails the rescore mark: the next attempt no longer finds the person there.
        db.StartOverAsync(() => DeletePersonOnceAsync(userId, accountId, caller, ct), LostRaces.MetAConcurrentWrite);

    private async Task<PersonDeletion> DeletePersonOnceAsync(
        string userId, string? accountId, Caller caller, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var catalogue = await CatalogueForUpdateAsync(ct);
            // The person's rows may be in any account when none is named: every account's ingestion then waits.
            await writer.LockRollupsExclusivelyAsync(db.Database.GetDbConnection(),
                transaction.GetDbTransaction(), accountId, ct);
            var userDays = await db.UserDailyActivity
                .Where(u => u.UserId == userId && (accountId == null || u.AccountId == accountId))
                .ToListAsync(ct);
            var (deletedEvents, featureUse) = await DeleteEventsAsync(userId, userDays, catalogue, ct);

            var answers = db.NpsResponses.Where(n =>
                n.RespondentId == userId && (accountId == null || n.AccountId == accountId));
            var touched = userDays.Select(u => u.AccountId)
                .Concat(await answers.Select(n => n.AccountId).Distinct().ToListAsync(ct)).ToList();
            var deletedNps = await answers.ExecuteDeleteAsync(ct);
            // Contacts linked to the person's usage user id hold their name, e-mail and title: they go too.
            var contacts = db.Contacts.Where(c =>
                c.UsageUserId == userId && (accountId == null || c.AccountId == accountId));
            touched.AddRange(await contacts.Select(c => c.AccountId).Distinct().ToListAsync(ct));
            var deletedContacts = await contacts.ExecuteDeleteAsync(ct);
            await db.UserDailyActivity.Where(u => u.UserId == userId && (accountId == null || u.AccountId == accountId))
                .ExecuteDeleteAsync(ct);
            await db.UserActiveDays.Where(u => u.UserId == userId && (accountId == null || u.AccountId == accountId))
                .ExecuteDeleteAsync(ct);
            await SubtractFromRollupsAsync(userDays, featureUse, ct);

            var now = clock.GetUtcNow().UtcDateTime;
            await MarkRescoreAsync(touched, now, ct);
            // The person's id is not kept: the trail says that someone's data was erased, where, by whom and how much.
            var change = new AuditedChange(AuditAction.PersonDataErased, AuditTargets.Person, accountId,
                Details: new
                {
                    DeletedEvents = deletedEvents, DeletedNpsResponses = deletedNps,
                    CorrectedAccountDays = userDays.Count, DeletedContacts = deletedContacts,
                });
            await AuditTrail.WriteAsync(db, caller, change, now, ct);
            await transaction.CommitAsync(ct);
            return new PersonDeletion(deletedEvents, deletedNps, userDays.Count, deletedContacts);
        });
    }

    /// <summary>
    /// Deletes the person's raw events and returns how many, with their key-feature use per account and day. The
    /// events are reached through the person's user-day rows: every stored event has one (ingestion writes both in
    /// one transaction, a rebuild derives the rows from the events), and (account_id, day, user_id) is an index of
    /// usage_events, so only their events are read. Days already purged have rows but no events left.
    /// </summary>
    private async Task<(long Deleted, List<FeatureUse> FeatureUse)> DeleteEventsAsync(
        string userId,
        List<UserDailyActivity> userDays,
        EventCatalogue catalogue,
        CancellationToken ct
    )
    {
        long deleted = 0;
        var featureUse = new List<FeatureUse>();
        var keyFeatures = catalogue.TrackedEvents.ToArray();
        foreach (var account in userDays.GroupBy(u => u.AccountId, StringComparer.Ordinal))
        {
            var days = account.Select(u => u.Day).ToArray();
            var events = db.UsageEvents
                .Where(e => e.AccountId == account.Key && days.Contains(e.Day) && e.UserId == userId);
            if (keyFeatures.Length > 0)
            {
                var counts = await events.Where(e => keyFeatures.Contains(e.EventName))
                    .GroupBy(e => new { e.Day, e.EventName })
                    .Select(g => new { g.Key.Day, g.Key.EventName, Events = g.LongCount() })
                    .ToListAsync(ct);
                featureUse.AddRange(counts.Select(f => new FeatureUse(account.Key, f.Day, f.EventName, f.Events)));
            }
            deleted += await events.ExecuteDeleteAsync(ct);
        }
        return (deleted, featureUse);
    }

    /// <summary>Takes the person's user-days and key-feature use out of the account rollups.</summary>
    private async Task SubtractFromRollupsAsync(
        List<UserDailyActivity> userDays,
        List<FeatureUse> featureUse,
        CancellationToken ct
    )
    {
        foreach (var u in userDays)
        {
            var wasActive = u.ActiveEvents > 0 ? 1 : 0;
            await db.AccountDailyUsage.Where(a => a.AccountId == u.AccountId && a.Day == u.Day)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(a => a.Events, a => a.Events - u.Events)
                    .SetProperty(a => a.Users, a => a.Users - 1)
                    .SetProperty(a => a.ActiveUsers, a => a.ActiveUsers - wasActive), ct);
        }
        foreach (var f in featureUse)
        {
            await db.AccountFeatureDailyUsage
                .Where(r => r.AccountId == f.AccountId && r.Day == f.Day && r.Feature == f.EventName)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Events, r => r.Events - f.Events), ct);
        }
        await db.AccountDailyUsage.Where(a => a.Users <= 0).ExecuteDeleteAsync(ct);
        await db.AccountFeatureDailyUsage.Where(r => r.Events <= 0).ExecuteDeleteAsync(ct);
    }

    private sealed record FeatureUse(string AccountId, DateOnly Day, string EventName, long Events);

    /// <summary>Deletes raw events of the days before the retention window, one day per statement; returns how
    /// many.</summary>
    public async Task<long> PurgeExpiredEventsAsync(CancellationToken ct)
    {
        var cutoff = rules.FirstRetainedDay(Today);
        long purged = 0;
        while (await db.UsageEvents.Where(e => e.Day < cutoff).OrderBy(e => e.Day).Select(e => (DateOnly?)e.Day)
            .FirstOrDefaultAsync(ct) is { } oldest)
        {
            purged += await db.UsageEvents.Where(e => e.Day == oldest).ExecuteDeleteAsync(ct);
        }
        return purged;
    }

    /// <summary>
    /// Marks the accounts (every account when null) for health recompute in the open transaction: the rollups and
    /// answers these writes change with their own SQL are what the score reads, and EF Core's
    /// <see cref="Health.HealthDirtyMarker"/> does not see them.
    /// </summary>
    private async Task MarkRescoreAsync(IEnumerable<string>? accountIds, DateTime now, CancellationToken ct)
    {
        if (accountIds is null)
        {
            await Health.HealthRecomputer.MarkAllAsync(db, now, ct);
            return;
        }
        foreach (var id in accountIds.Distinct(StringComparer.Ordinal))
            Health.HealthRecomputeMarks.Add(db, id, now);
    }

    /// <summary>Reads the catalogue with the same share lock ingestion takes, so a catalogue change cannot
    /// interleave.</summary>
    private Task<EventCatalogue> CatalogueForUpdateAsync(CancellationToken ct) =>
        writer.ReadCatalogueAsync(
            db.Database.GetDbConnection(), db.Database.CurrentTransaction!.GetDbTransaction(), ct);
}
