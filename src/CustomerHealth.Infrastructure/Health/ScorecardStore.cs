using System.Globalization;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Health;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>A scorecard version with who made it and when (built-in: version 1, no time).</summary>
public sealed record ScorecardVersion(Scorecard Scorecard, string UpdatedBy, DateTime? UpdatedAt)
{
    public const string BuiltIn = "built-in";
}

/// <summary>The versioned health scorecard: the built-in version 1, then one stored row per replacement.</summary>
public sealed class ScorecardStore(CustomerHealthDbContext db, TimeProvider clock)
{
    /// <summary>How often a replacement that lost the version number to a concurrent one (a retry) starts
    /// over.</summary>
    private const int MaxAttempts = 10;

    /// <summary>The version in force: the newest stored one, else the built-in default.</summary>
    public async Task<ScorecardVersion> GetCurrentAsync(CancellationToken ct)
    {
        var row = await db.Scorecards.AsNoTracking().OrderByDescending(s => s.Version).FirstOrDefaultAsync(ct);
        return row is null
            ? new ScorecardVersion(Scorecard.Default, ScorecardVersion.BuiltIn, null)
            : new ScorecardVersion(
                HealthJson.ReadScorecard(row.PayloadJson, row.Version), row.UpdatedBy, row.UpdatedAt);
    }

    /// <summary>The version in force at <paramref name="at"/> (UTC): the newest one stored by then, else the built-in
    /// default.</summary>
    public async Task<Scorecard> InForceAtAsync(DateTime at, CancellationToken ct)
    {
        var row = await db.Scorecards.AsNoTracking().Where(s => s.UpdatedAt <= at).OrderByDescending(s => s.Version)
            .FirstOrDefaultAsync(ct);
        return row is null ? Scorecard.Default : HealthJson.ReadScorecard(row.PayloadJson, row.Version);
    }

    /// <summary>
    /// The version in force at each of <paramref name="instants"/> (UTC), as <see cref="InForceAtAsync"/> finds it,
    /// from one read of the stored versions (a training asks for hundreds of instants).
    /// </summary>
    public async Task<IReadOnlyDictionary<DateTime, Scorecard>> InForceAtManyAsync(
        IEnumerable<DateTime> instants, CancellationToken ct)
    {
        var stored = await db.Scorecards.AsNoTracking().OrderByDescending(s => s.Version)
            .Select(s => new { s.Version, s.UpdatedAt, s.PayloadJson })
            .ToListAsync(ct);
        var parsed = new Dictionary<int, Scorecard>();
        var inForce = new Dictionary<DateTime, Scorecard>();
        foreach (var at in instants)
        {
            if (inForce.ContainsKey(at)) continue;
            var row = stored.Find(s => s.UpdatedAt <= at);
            if (row is null)
            {
                inForce[at] = Scorecard.Default;
                continue;
            }
            if (!parsed.TryGetValue(row.Version, out var scorecard))
                parsed[row.Version] = scorecard = HealthJson.ReadScorecard(row.PayloadJson, row.Version);
            inForce[at] = scorecard;
        }
        return inForce;
    }

    /// <summary>
    /// Stores <paramref name="proposed"/> as the next version (its own version number is ignored) and, in the same
    /// transaction, audits the change (both versions in full) and marks every account for recompute. Throws <see
    /// cref="ValidationException"/> with every broken rule.
    /// </summary>
    public async Task<ScorecardVersion> ReplaceAsync(Scorecard proposed, Caller caller, CancellationToken ct)
    {
        var violations = (proposed with { Version = 1 }).Validate();
        if (violations.Count > 0) throw new ValidationException(violations);
        for (var attempt = 1; ; attempt++)
        {
            var current = await GetCurrentAsync(ct);
            var next = proposed with { Version = current.Scorecard.Version + 1 };
            var now = clock.GetUtcNow().UtcDateTime;
            try
            {
                var strategy = db.Database.CreateExecutionStrategy();
                await strategy.ExecuteAsync(async () =>
                {
                    db.ChangeTracker.Clear();
                    await using var transaction = await db.Database.BeginTransactionAsync(ct);
                    db.Scorecards.Add(new ScorecardRow
                    {
                        Version = next.Version, PayloadJson = HealthJson.Serialize(next), UpdatedBy = caller.Identity,
                        UpdatedAt = now,
                    });
                    var change = new AuditedChange(AuditAction.ScorecardReplaced, AuditTargets.Scorecard,
                        next.Version.ToString(CultureInfo.InvariantCulture), HealthJson.Serialize(current.Scorecard),
                            HealthJson.Serialize(next));
                    AuditTrail.Add(db, caller, change, now);
                    await db.SaveChangesAsync(ct);
                    await HealthRecomputer.MarkAllAsync(db, now, ct);
                    await transaction.CommitAsync(ct);
                });
                return new ScorecardVersion(next, caller.Identity, now);
            }
            catch (DbUpdateException ex) when (ex is not DbUpdateConcurrencyException)
            {
                // Another replacement took the same version number meanwhile: build on the newer one.
                db.ChangeTracker.Clear();
                if (attempt == MaxAttempts)
                {
                    throw new DbUpdateConcurrencyException(
                        $"Concurrent replacements kept taking the version number ({MaxAttempts} attempts); retry.", ex);
                }
            }
        }
    }
}
