using System.Globalization;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Plays;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Plays;

/// <summary>A rule set with who stored it and when (none for the built-in defaults).</summary>
public sealed record StoredPlayRules(PlayRuleSet Rules, string? SetBy, DateTime? SetAt);

/// <summary>
/// The versioned play rule set: the one in force (the newest stored, else the defaults) and new versions, each made
/// from the version the admin saw (an etag: a stale one is refused) and audited in the same transaction.
/// </summary>
public sealed class PlayRuleStore(CustomerHealthDbContext db, TimeProvider clock)
{
    public const string VersionMismatch = "PLAY_RULES_VERSION_MISMATCH";

    public async Task<StoredPlayRules> GetCurrentAsync(CancellationToken ct)
    {
        var newest = await db.PlayRuleSets.AsNoTracking().OrderByDescending(s => s.Version).FirstOrDefaultAsync(ct);
        return newest is null
            ? new StoredPlayRules(PlayRuleSet.Default, null, null)
            : new StoredPlayRules(PlayRulesJson.Deserialize(newest.Version, newest.RulesJson), newest.SetBy,
                newest.SetAt);
    }

    /// <summary>
    /// Stores <paramref name="proposed"/> as the next version when <paramref name="expectedVersion"/> is the one in
    /// force; nothing when it equals that set (a retry is safe). Throws <see cref="ValidationException"/> with every
    /// broken rule, <see cref="RuleViolationException"/> (<see cref="VersionMismatch"/>) for a stale version.
    /// </summary>
    public async Task<(StoredPlayRules Rules, bool Changed)> UpdateAsync(
        PlayRuleSet proposed, int expectedVersion, Caller caller, CancellationToken ct)
    {
        proposed.Validate().ThrowIfAny();
        var current = await GetCurrentAsync(ct);
        if (current.Rules.SameAs(proposed) && expectedVersion <= current.Rules.Version)
            return (current, false);
        if (current.Rules.Version != expectedVersion) throw Stale(expectedVersion, current.Rules.Version);
        var next = proposed with { Version = expectedVersion + 1 };
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            var strategy = db.Database.CreateExecutionStrategy();
            await strategy.ExecuteAsync(() => StoreAsync(current.Rules, next, caller, now, ct));
        }
        catch (DbUpdateException ex) when (ex is not DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear(); // another update took this version meanwhile
            throw Stale(expectedVersion, (await GetCurrentAsync(ct)).Rules.Version);
        }
        return (new StoredPlayRules(next, caller.Identity, now), true);
    }

    private async Task StoreAsync(PlayRuleSet before, PlayRuleSet next, Caller caller, DateTime now,
        CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var json = PlayRulesJson.Serialize(next);
        db.PlayRuleSets.Add(new PlayRuleSetRow
        {
            Version = next.Version, RulesJson = json, SetBy = caller.Identity, SetAt = now,
        });
        await db.SaveChangesAsync(ct);
        var change = new AuditedChange(AuditAction.PlayRulesUpdated, AuditTargets.PlayRules,
            next.Version.ToString(CultureInfo.InvariantCulture), PlayRulesJson.Serialize(before), json);
        await AuditTrail.WriteAsync(db, caller, change, now, ct);
        await transaction.CommitAsync(ct);
    }

    private static RuleViolationException Stale(int expected, int current) =>
        new(VersionMismatch,
            $"The play rules are at version {current}, not {expected}: read them again and apply the change to them.",
            new Dictionary<string, string>
            {
                ["expected_version"] = expected.ToString(CultureInfo.InvariantCulture),
                ["current_version"] = current.ToString(CultureInfo.InvariantCulture),
            });
}
