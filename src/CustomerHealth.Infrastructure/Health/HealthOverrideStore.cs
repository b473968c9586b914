using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Health;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>Overrides of accounts' health, each change audited in its own transaction.</summary>
public sealed class HealthOverrideStore(
    CustomerHealthDbContext db, ScorecardStore scorecards, TimeProvider clock, HealthReadCache readCache)
{
    /// <summary>
    /// Sets (or replaces) an account's override, audited in the same transaction. Throws <see
    /// cref="ValidationException"/>
    /// for bad input and <see cref="NotFoundException"/> for an unknown account.
    /// </summary>
    public async Task<HealthOverride> SetAsync(
        string accountId, double? score, HealthBand? band, string? reason, DateTimeOffset? expiresAt, Caller caller,
            CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var scorecard = (await scorecards.GetCurrentAsync(ct)).Scorecard;
        var next = HealthOverride.Create(score, band, reason, caller.Identity, expiresAt, now, scorecard);
        await InTransactionAsync(async () =>
        {
            if (!await db.Accounts.AnyAsync(a => a.Id == accountId, ct))
                throw new NotFoundException("Account", accountId);
            var row = await db.HealthOverrides.SingleOrDefaultAsync(o => o.AccountId == accountId, ct);
            var before = row?.ToDomain() is { } previous && previous.IsActiveAt(now) ? previous : null;
            if (row is null)
            {
                row = new HealthOverrideRow { AccountId = accountId, Reason = next.Reason, SetBy = next.SetBy };
                db.HealthOverrides.Add(row);
            }
            row.Score = next.Score;
            row.Band = next.Band;
            row.Reason = next.Reason;
            row.SetBy = next.SetBy;
            row.SetAt = next.SetAt.UtcDateTime;
            row.ExpiresAt = next.ExpiresAt.UtcDateTime;
            Audit(caller, AuditAction.HealthOverrideSet, accountId, now, before, next);
            await db.SaveChangesAsync(ct);
        }, ct);
        readCache.Invalidate(accountId);
        return next;
    }

    /// <summary>
    /// Ends an account's override in force, audited. Throws <see cref="NotFoundException"/> for an unknown account and
    /// <see cref="RuleViolationException"/> (NO_ACTIVE_OVERRIDE) when none is in force.
    /// </summary>
    public async Task ClearAsync(string accountId, Caller caller, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await InTransactionAsync(async () =>
        {
            if (!await db.Accounts.AnyAsync(a => a.Id == accountId, ct))
                throw new NotFoundException("Account", accountId);
            var row = await db.HealthOverrides.SingleOrDefaultAsync(o => o.AccountId == accountId, ct);
            if (row?.ToDomain() is not { } current || !current.IsActiveAt(now))
                throw new RuleViolationException(
                    "NO_ACTIVE_OVERRIDE", $"Account '{accountId}' has no override in force.");
            db.HealthOverrides.Remove(row);
            Audit(caller, AuditAction.HealthOverrideCleared, accountId, now, current, null);
            await db.SaveChangesAsync(ct);
        }, ct);
        readCache.Invalidate(accountId);
    }

    /// <summary>The overrides in force now of those of <paramref name="accountIds"/> that have one.</summary>
    public async Task<Dictionary<string, HealthOverride>> ActiveAsync(
        IReadOnlyCollection<string> accountIds, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var ids = accountIds.ToArray();
        return (await db.HealthOverrides.AsNoTracking().Where(o => ids.Contains(o.AccountId) && o.ExpiresAt > now)
            .ToListAsync(ct))
            .ToDictionary(o => o.AccountId, o => o.ToDomain(), StringComparer.Ordinal);
    }

    private void Audit(
        Caller caller, AuditAction action, string accountId, DateTimeOffset at, HealthOverride? before,
        HealthOverride? after) =>
        AuditTrail.Add(
            db, caller,
            new AuditedChange(
                action, AuditTargets.Account, accountId, HealthJson.Serialize(before), HealthJson.Serialize(after)),
                at.UtcDateTime);

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction; when an identical call at once (a client and its retry) changed
    /// the row first, or a <c>DeleteAccount</c> removed the account, it runs again on what that call left, as if the
    /// two had come one after the other (<see cref="LostRaces"/>).
    /// </summary>
    private Task InTransactionAsync(Func<Task> work, CancellationToken ct) =>
        db.StartOverAsync(() => db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await work();
            await transaction.CommitAsync(ct);
        }));
}
