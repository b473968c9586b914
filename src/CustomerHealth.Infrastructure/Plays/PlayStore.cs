using System.Globalization;
using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Plays;
using CustomerHealth.Infrastructure.Accounts;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Plays;

/// <summary>Filters of a play listing; null (or empty) means any. <paramref name="Segment"/> is the account's
/// current segment.</summary>
public sealed record PlayFilter(
    string? Owner, CsTier? Tier, PlayPriority? Priority, IReadOnlyCollection<PlayStatus> Statuses, string? AccountId,
    string? Segment = null);

/// <summary>The last row of a page: the keyset the next page starts after.</summary>
public sealed record PlayKey(DateOnly DueDate, long Id);

/// <summary>
/// Reads plays and records what people do with them: acknowledge, snooze, complete. Each change is written with its
/// change-feed entry under the feed lock; completions and snoozes are audited with them.
/// </summary>
public sealed class PlayStore(CustomerHealthDbContext db, TimeProvider clock)
{
    public async Task<Play> GetAsync(long id, CancellationToken ct) =>
        await db.Plays.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct)
        ?? throw new NotFoundException("Play", id.ToString(CultureInfo.InvariantCulture));

    /// <summary>The plays matching <paramref name="filter"/> by due date then id, after a key.</summary>
    public async Task<Page<Play>> ListAsync(PlayFilter filter, int pageSize, PlayKey? after, CancellationToken ct)
    {
        var query = db.Plays.AsNoTracking();
        if (filter.Owner is { } owner) query = query.Where(p => p.Owner == owner);
        if (filter.Tier is { } tier) query = query.Where(p => p.Tier == tier);
        if (filter.Priority is { } priority) query = query.Where(p => p.Priority == priority);
        if (filter.Statuses.Count > 0) query = query.Where(p => filter.Statuses.Contains(p.Status));
        if (filter.AccountId is { } account) query = query.Where(p => p.AccountId == account);
        if (filter.Segment is { } segment)
            query = query.Where(p => db.Accounts.Any(a => a.Id == p.AccountId && a.Segment == segment));
        if (after is { } a) query = query.Where(p => p.DueDate > a.DueDate || (p.DueDate == a.DueDate && p.Id > a.Id));
        var rows = await query.OrderBy(p => p.DueDate).ThenBy(p => p.Id).Take(pageSize + 1).ToListAsync(ct);
        return new Page<Play>(rows.Take(pageSize).ToArray(), rows.Count > pageSize);
    }

    public Task<Play> AcknowledgeAsync(long id, Caller caller, CancellationToken ct) =>
        ChangeAsync(id, PlayChangeKind.Acknowledged, caller,
            (play, now) => play.Acknowledge(By(caller), now) ? null : Unchanged, ct);

    public Task<Play> SnoozeAsync(long id, DateOnly until, Caller caller, CancellationToken ct) =>
        ChangeAsync(id, PlayChangeKind.Snoozed, caller, (play, now) => play.Snooze(until, now)
            ? Audited(AuditAction.PlaySnoozed, play, new { UntilDate = until.ToString("yyyy-MM-dd", Invariant) })
            : Unchanged, ct);

    public Task<Play> CompleteAsync(long id, PlayOutcome outcome, string? note, Caller caller, CancellationToken ct) =>
        ChangeAsync(id, PlayChangeKind.Completed, caller, (play, now) => play.Complete(outcome, note, By(caller), now)
            ? Audited(AuditAction.PlayCompleted, play, new { Outcome = outcome.ToString(), Note = play.OutcomeNote })
            : Unchanged, ct);

    private static CultureInfo Invariant => CultureInfo.InvariantCulture;

    /// <summary>Marks "nothing changed" (a retry): no feed entry, no audit event.</summary>
    private static readonly AuditedChange Unchanged = new(AuditAction.Unspecified, "", null);

    private static AuditedChange Audited(AuditAction action, Play play, object details) =>
        new(action, AuditTargets.Play, play.Id.ToString(CultureInfo.InvariantCulture),
            Details: new { AccountId = play.AccountId, Rule = play.Kind.ToString(), Change = details });

    /// <summary>The person a play's change is recorded for: the one the caller acts for, else the caller.</summary>
    private static string By(Caller caller) => caller.OnBehalfOf ?? caller.Identity;

    /// <summary>
    /// Under the feed lock, in one transaction: reads the play, applies <paramref name="change"/> (null: no audit,
    /// <see cref="Unchanged"/>: nothing changed), writes it with its feed entry and audit event.
    /// </summary>
    private Task<Play> ChangeAsync(long id, PlayChangeKind kind, Caller caller,
        Func<Play, DateTime, AuditedChange?> change, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return db.StartOverAsync(() => strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            var now = clock.GetUtcNow().UtcDateTime;
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await FeedWriteLock.TakeAsync(db, SqlSchema.PlayChanges.Table, ct);
            var play = await db.Plays.SingleOrDefaultAsync(p => p.Id == id, ct)
                ?? throw new NotFoundException("Play", id.ToString(CultureInfo.InvariantCulture));
            var audit = change(play, now);
            if (ReferenceEquals(audit, Unchanged)) return play;
            db.PlayChanges.Add(PlayChangeRow.Of(play, kind, now));
            await db.SaveChangesAsync(ct);
            if (audit is not null) await AuditTrail.WriteAsync(db, caller, audit, now, ct);
            await transaction.CommitAsync(ct);
            return play;
        }));
    }
}
