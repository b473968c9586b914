using CustomerHealth.Domain.Accounts;

namespace CustomerHealth.Domain.Plays;

/// <summary>What an evaluation does to an account's plays.</summary>
/// <param name="Open">Findings without an active play (nor a recently completed one): new plays.</param>
/// <param name="Resolve">Active plays whose rule no longer fires: they close by themselves.</param>
/// <param name="Reopen">Snoozed plays whose day has come while their rule still fires.</param>
public sealed record PlayPlan(IReadOnlyList<PlayFinding> Open, IReadOnlyList<Play> Resolve, IReadOnlyList<Play> Reopen)
{
    public bool IsEmpty => Open.Count == 0 && Resolve.Count == 0 && Reopen.Count == 0;
}

/// <summary>
/// Reconciles the rules that fire for an account with its plays: one active play per rule (deduplicated), a new one
/// only when none is active and none was completed within the cooldown, active ones closing when their rule stops
/// firing, snoozed ones reopening on their day. Pure.
/// </summary>
public static class PlayPlanner
{
    /// <param name="plays">The account's active plays and those completed within the cooldown.</param>
    public static PlayPlan Plan(PlayRuleSet rules, PlayFacts facts, IReadOnlyCollection<Play> plays)
    {
        var findings = PlayRules.Evaluate(rules, facts);
        var firing = findings.Select(f => f.Kind).ToHashSet();
        var active = plays.Where(p => p.Status.IsActive()).ToArray();
        var cooldownFrom = facts.Today.AddDays(-rules.CooldownDays);
        var covered = active.Select(p => p.Kind)
            .Concat(plays.Where(p => p.Status == PlayStatus.Completed && p.ClosedAt is { } at
                && DateOnly.FromDateTime(at) > cooldownFrom).Select(p => p.Kind))
            .ToHashSet();
        return new PlayPlan(
            findings.Where(f => !covered.Contains(f.Kind)).ToArray(),
            active.Where(p => !firing.Contains(p.Kind)).ToArray(),
            active.Where(p => p.Status == PlayStatus.Snoozed && firing.Contains(p.Kind)
                && p.SnoozedUntil is { } until && until <= facts.Today).ToArray());
    }

    /// <summary>The earliest instant a completed play still keeps a new one of its rule away.</summary>
    public static DateTime CooldownStart(PlayRuleSet rules, DateOnly today) =>
        today.AddDays(-rules.CooldownDays + 1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    /// <summary>The tier plays of an account are served under (unspecified: tech-touch, as it is scored).</summary>
    public static CsTier ServedTier(CsTier tier) => tier == CsTier.Unspecified ? CsTier.TechTouch : tier;
}
