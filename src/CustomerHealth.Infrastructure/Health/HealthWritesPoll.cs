using CustomerHealth.Domain.Health;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>
/// Finds the accounts whose single-score answer another replica's committed writes changed, for the kept answers of
/// <see cref="HealthReadCache"/> (the read model, ADR 0072). What a <c>GetHealthScore</c> answer is made of: the
/// stored score row (every write of it sets <c>computed_at</c> to the writer's clock) and the override in force (set,
/// cleared and deleted with its account, each audited in the writing transaction, the trail's <c>at</c> by the
/// writer's clock, indexed). So each poll reads the score rows computed and the audit entries written within <see
/// cref="Overlap"/> of now, and reports each account once per distinct write it has not reported before.
/// <para>
/// A write is seen by the first poll that starts after its commit, provided it commits within <see cref="Overlap"/> of
/// the instant its writer stamped on it (the score's computation, the audit entry) by this replica's clock: a longer
/// transaction, or a clock further off, is missed until the account's next write (ADR 0072).
/// </para>
/// <para>
/// Cost: with no index on <c>computed_at</c>, each poll scans the scores' table (see
/// docs/benchmarks/health-reads.md, 2026-12-07 session 33).
/// </para>
/// </summary>
public sealed class HealthWritesPoll(TimeSpan overlap)
{
    /// <summary>The default of <see cref="Overlap"/>.</summary>
    public static readonly TimeSpan DefaultOverlap = TimeSpan.FromMinutes(1);

    private static readonly AuditAction[] AnswerChanging =
    [
        AuditAction.HealthOverrideSet, AuditAction.HealthOverrideCleared, AuditAction.AccountDeleted,
    ];

    private readonly Dictionary<string, (ScoreVersion Version, DateTime At)> _scores = new(StringComparer.Ordinal);
    private readonly Dictionary<long, DateTime> _audit = [];

    /// <summary>How long after its writer's instant a write may commit and still be seen.</summary>
    public TimeSpan Overlap { get; } = overlap;

    private readonly record struct ScoreVersion(
        DateTime ComputedAt, double? Score, HealthBand Band, DateTime AsOf, int ScorecardVersion);

    /// <summary>
    /// The accounts changed by writes this poll sees for the first time; <paramref name="nowUtc"/> is the application
    /// clock's instant.
    /// </summary>
    public async Task<IReadOnlyCollection<string>> ChangedAsync(
        CustomerHealthDbContext db, DateTime nowUtc, CancellationToken ct)
    {
        var since = nowUtc - Overlap;
        var scores = await db.HealthScores.AsNoTracking().Where(s => s.ComputedAt >= since)
            .Select(s => new { s.AccountId, s.ComputedAt, s.Score, s.Band, s.AsOf, s.ScorecardVersion })
            .ToListAsync(ct);
        var audit = await db.AuditEvents.AsNoTracking()
            .Where(e => e.At >= since && AnswerChanging.Contains(e.Action) && e.TargetId != null)
            .Select(e => new { e.Id, e.At, e.TargetId })
            .ToListAsync(ct);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in scores)
        {
            var version = new ScoreVersion(s.ComputedAt, s.Score, s.Band, s.AsOf, s.ScorecardVersion);
            if (_scores.TryGetValue(s.AccountId, out var seen) && seen.Version == version) continue;
            _scores[s.AccountId] = (version, s.ComputedAt);
            changed.Add(s.AccountId);
        }
        foreach (var e in audit)
        {
            if (_audit.TryAdd(e.Id, e.At)) changed.Add(e.TargetId!);
        }
        Forget(since);
        return changed;
    }

    /// <summary>Writes older than the window are not read again, so they need not be remembered.</summary>
    private void Forget(DateTime since)
    {
        foreach (var (id, seen) in _scores)
            if (seen.At < since) _scores.Remove(id);
        foreach (var (id, at) in _audit)
            if (at < since) _audit.Remove(id);
    }
}
