using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Plays;
using CustomerHealth.Domain.Renewals;
using CustomerHealth.Infrastructure.Accounts;
using CustomerHealth.Infrastructure.Expansion;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CustomerHealth.Infrastructure.Plays;

/// <summary>
/// Runs the play rules over a batch of accounts just scored, inside the transaction that stores their scores
/// (<see cref="HealthRecomputer"/>): plays open, resolve and reopen by themselves. Per batch: the rule set, the
/// accounts' owners, their active (and recently completed) plays, their renewal predictions and (at most three queries)
/// their champion alerts, then only the plays that change are written, with their change-feed entries.
/// </summary>
public sealed class PlayEvaluator(
    CustomerHealthDbContext db, PlayRuleStore rules, ChampionSignalReader champions, TimeProvider clock,
    IOptions<ExpansionOptions> expansion, HealthRowWriter writer)
{
    /// <summary>Evaluates the scored accounts whose rows carry play facts; returns the feed entries added.</summary>
    public async Task<int> EvaluateAsync(IReadOnlyList<HealthScoreRow> scored, CancellationToken ct)
    {
        var rows = scored.Where(s => s.PlayFacts is not null).ToArray();
        if (rows.Length == 0) return 0;
        var now = clock.GetUtcNow().UtcDateTime;
        var ruleSet = (await rules.GetCurrentAsync(ct)).Rules;
        var ids = rows.Select(r => r.AccountId).ToArray();
        // The feed lock first: acknowledgements and completions of these plays wait, or are waited for.
        await FeedWriteLock.TakeAsync(db, SqlSchema.PlayChanges.Table, ct);
        // Only the two columns: a whole account entity per row cost more than the query itself.
        var owners = await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id))
            .Select(a => new { a.Id, a.Owner })
            .ToDictionaryAsync(a => a.Id, a => a.Owner, StringComparer.Ordinal, ct);
        var plays = (await PlaysAsync(ids, ruleSet, DateOnly.FromDateTime(now), ct))
            .ToLookup(p => p.AccountId, StringComparer.Ordinal);
        var renewals = await RenewalsAsync(ids, ruleSet, DateOnly.FromDateTime(now), ct);
        var alerts = ruleSet.RuleFor(PlayRuleKind.ChampionLeft).Enabled
            ? await champions.ReadAsync(ids, ct)
            : Array.Empty<ChampionAlert>().ToLookup(_ => "", StringComparer.Ordinal);
        var changes = new List<(Play Play, PlayChangeKind Kind)>();
        var opened = new List<Play>();
        var thresholds = expansion.Value.Thresholds;
        foreach (var row in rows)
        {
            var facts = (row.PlayFacts! with
            {
                Score = row.Score,
                Band = row.Band,
                Change7Days = row.Change7Days,
                Tier = PlayPlanner.ServedTier(row.Tier),
                Renewals = renewals[row.AccountId].ToArray(),
                ChampionAlerts = alerts[row.AccountId].ToArray(),
            }).WithExpansion(thresholds);
            var owner = owners.GetValueOrDefault(row.AccountId);
            Apply(ruleSet, facts, row.AccountId, owner, plays[row.AccountId].ToArray(), now, changes, opened);
        }
        // The plays that changed are tracked; the new ones, their feed entries and events go through the recompute's
        // writer (set-based on SQLite and PostgreSQL: a first recompute opens plays for most accounts).
        await db.SaveChangesAsync(ct);
        await writer.AddPlaysAsync(db, opened, ct); // new plays get their ids
        await writer.AddRowsAsync(db, changes.Select(c => PlayChangeRow.Of(c.Play, c.Kind, now)).ToArray(), ct);
        await writer.AddRowsAsync(db, PlayWebhooks.Events(changes, now), ct);
        await db.SaveChangesAsync(ct);
        return changes.Count;
    }

    private static void Apply(PlayRuleSet ruleSet, PlayFacts facts, string accountId, string? owner, Play[] plays,
        DateTime now, List<(Play, PlayChangeKind)> changes, List<Play> opened)
    {
        foreach (var play in plays) play.Reassign(owner, facts.Tier, now);
        var plan = PlayPlanner.Plan(ruleSet, facts, plays);
        foreach (var play in plan.Resolve)
        {
            play.AutoResolve(now);
            changes.Add((play, PlayChangeKind.AutoResolved));
        }
        foreach (var play in plan.Reopen)
        {
            play.Reopen(now);
            changes.Add((play, PlayChangeKind.Reopened));
        }
        foreach (var finding in plan.Open)
        {
            var play = Play.Open(accountId, owner, facts.Tier, finding, ruleSet, now);
            opened.Add(play);
            changes.Add((play, PlayChangeKind.Opened));
        }
    }

    /// <summary>The accounts' active plays and those completed within the cooldown, tracked.</summary>
    private Task<List<Play>> PlaysAsync(string[] ids, PlayRuleSet ruleSet, DateOnly today, CancellationToken ct)
    {
        var cooldown = PlayPlanner.CooldownStart(ruleSet, today);
        return db.Plays
            .Where(p => ids.Contains(p.AccountId))
            .Where(p => p.Status == PlayStatus.Open || p.Status == PlayStatus.Acknowledged
                || p.Status == PlayStatus.Snoozed || (p.Status == PlayStatus.Completed && p.ClosedAt >= cooldown))
            .ToListAsync(ct);
    }

    /// <summary>The accounts' predicted renewals within the renewal-risk rule's window (none when it is off).</summary>
    private async Task<ILookup<string, UpcomingRenewal>> RenewalsAsync(
        string[] ids, PlayRuleSet ruleSet, DateOnly today, CancellationToken ct)
    {
        var rule = ruleSet.RuleFor(PlayRuleKind.RenewalRisk);
        if (!rule.Enabled) return Array.Empty<UpcomingRenewal>().ToLookup(_ => "", StringComparer.Ordinal);
        var last = today.AddDays(rule.Threshold);
        var rows = await db.RenewalPredictions.AsNoTracking()
            .Where(p => ids.Contains(p.AccountId) && p.RenewalDate >= today && p.RenewalDate <= last)
            .Select(p => new { p.AccountId, p.RenewalDate, p.Risk, p.Probability })
            .ToListAsync(ct);
        return rows.ToLookup(r => r.AccountId, r => new UpcomingRenewal(r.RenewalDate, r.Risk, r.Probability),
            StringComparer.Ordinal);
    }
}
