using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Plays;

/// <summary>
/// One rule of a set: its kind, whether it fires, its parameter (<see cref="PlayRuleBounds"/> says what it means per
/// kind) and the priority of the plays it opens.
/// </summary>
public sealed record PlayRule(PlayRuleKind Kind, bool Enabled, int Threshold, PlayPriority Priority);

/// <summary>
/// How a tier is served: plays are due <paramref name="DueDays"/> after they open, a CSM touchpoint is expected every
/// <paramref name="TouchpointDays"/> (0: none expected, so no touchpoint play), and who carries plays out.
/// </summary>
public sealed record TierCadence(CsTier Tier, int DueDays, int TouchpointDays, PlayChannel Channel);

/// <summary>
/// The rules and cadences in force, versioned (docs/plays.md). A completed play keeps a new one of the same rule away
/// for <see cref="CooldownDays"/> while the condition still holds, so that closing a play is not answered at once by
/// the same play again.
/// </summary>
public sealed record PlayRuleSet(
    int Version, IReadOnlyList<PlayRule> Rules, IReadOnlyList<TierCadence> Cadences, int CooldownDays)
{
    public const int MaxCooldownDays = 365;
    public const int MaxDueDays = 90;
    public const int MaxTouchpointDays = 365;

    /// <summary>The tiers a set gives a cadence for.</summary>
    public static readonly IReadOnlyList<CsTier> Tiers = [CsTier.TechTouch, CsTier.LowTouch, CsTier.HighTouch];

    /// <summary>The defaults (version 0 until an admin stores a set).</summary>
    public static PlayRuleSet Default { get; } = new(
        0,
        [
            new(PlayRuleKind.ScoreDrop, true, 15, PlayPriority.High),
            new(PlayRuleKind.BandCritical, true, 0, PlayPriority.High),
            new(PlayRuleKind.RenewalRisk, true, 90, PlayPriority.Urgent),
            new(PlayRuleKind.OnboardingOverdue, true, 0, PlayPriority.Medium),
            new(PlayRuleKind.LowSeatUtilisation, true, 40, PlayPriority.Medium),
            new(PlayRuleKind.NoActivity, true, 14, PlayPriority.High),
            new(PlayRuleKind.DetractorNps, true, 6, PlayPriority.High),
            new(PlayRuleKind.NoTouchpoint, true, 0, PlayPriority.Low),
            new(PlayRuleKind.ChampionLeft, true, 0, PlayPriority.High),
            new(PlayRuleKind.ExpansionSignal, true, 0, PlayPriority.Medium),
        ],
        [
            new(CsTier.HighTouch, 2, 14, PlayChannel.Csm),
            new(CsTier.LowTouch, 5, 30, PlayChannel.Csm),
            new(CsTier.TechTouch, 0, 90, PlayChannel.Automated),
        ],
        14);

    /// <summary>The rule of a kind; every valid set has one of each.</summary>
    public PlayRule RuleFor(PlayRuleKind kind) => Rules.First(r => r.Kind == kind);

    /// <summary>The cadence of a tier; an account without a tier is served as tech-touch (as it is scored).</summary>
    public TierCadence CadenceFor(CsTier tier) =>
        Cadences.FirstOrDefault(c => c.Tier == tier) ?? Cadences.First(c => c.Tier == CsTier.TechTouch);

    /// <summary>Whether <paramref name="other"/> holds the same rules, cadences and cooldown.</summary>
    public bool SameAs(PlayRuleSet other) =>
        CooldownDays == other.CooldownDays
        && Rules.OrderBy(r => r.Kind).SequenceEqual(other.Rules.OrderBy(r => r.Kind))
        && Cadences.OrderBy(c => c.Tier).SequenceEqual(other.Cadences.OrderBy(c => c.Tier));

    /// <summary>Every broken rule: one rule per kind, one cadence per tier, parameters within their bounds.</summary>
    public Violations Validate()
    {
        var v = new Violations();
        var kinds = Enum.GetValues<PlayRuleKind>().Where(k => k != PlayRuleKind.Unspecified).ToArray();
        for (var i = 0; i < Rules.Count; i++) ValidateRule(v, $"rules[{i}]", Rules[i]);
        foreach (var kind in kinds.Where(k => Rules.Count(r => r.Kind == k) != 1))
            v.Add("rules", $"must hold exactly one rule of kind {kind} (got {Rules.Count(r => r.Kind == kind)})");
        for (var i = 0; i < Cadences.Count; i++) ValidateCadence(v, $"cadences[{i}]", Cadences[i]);
        foreach (var tier in Tiers.Where(t => Cadences.Count(c => c.Tier == t) != 1))
            v.Add("cadences", $"must hold exactly one cadence of tier {tier}");
        if (CooldownDays is < 0 or > MaxCooldownDays)
            v.Add("cooldown_days", $"must be between 0 and {MaxCooldownDays} (got {CooldownDays})");
        return v;
    }

    private static void ValidateRule(Violations v, string path, PlayRule rule)
    {
        if (!Enum.IsDefined(rule.Kind) || rule.Kind == PlayRuleKind.Unspecified)
        {
            v.Add(path + ".kind", "must be a rule kind");
            return;
        }
        if (!Enum.IsDefined(rule.Priority) || rule.Priority == PlayPriority.Unspecified)
            v.Add(path + ".priority", "must be low, medium, high or urgent");
        var (min, max, meaning) = PlayRuleBounds.Of(rule.Kind);
        if (rule.Threshold < min || rule.Threshold > max)
            v.Add(path + ".threshold",
                $"must be between {min} and {max} for {rule.Kind} ({meaning}; got {rule.Threshold})");
    }

    private static void ValidateCadence(Violations v, string path, TierCadence cadence)
    {
        if (!Tiers.Contains(cadence.Tier)) v.Add(path + ".cs_tier", "must be tech-touch, low-touch or high-touch");
        if (cadence.DueDays is < 0 or > MaxDueDays)
            v.Add(path + ".due_days", $"must be between 0 and {MaxDueDays} (got {cadence.DueDays})");
        if (cadence.TouchpointDays is < 0 or > MaxTouchpointDays)
            v.Add(path + ".touchpoint_days",
                $"must be between 0 and {MaxTouchpointDays} (got {cadence.TouchpointDays})");
        if (!Enum.IsDefined(cadence.Channel) || cadence.Channel == PlayChannel.Unspecified)
            v.Add(path + ".channel", "must be csm or automated");
    }
}

/// <summary>What a rule's threshold means for each kind, and its bounds.</summary>
public static class PlayRuleBounds
{
    /// <summary>The days of usage history the signals always cover: the longest silence a rule can see.</summary>
    public const int UsageHistoryDays = 60;

    public static (int Min, int Max, string Meaning) Of(PlayRuleKind kind) => kind switch
    {
        PlayRuleKind.ScoreDrop => (1, 100, "points lost over 7 days"),
        PlayRuleKind.RenewalRisk => (1, 365, "days to the renewal"),
        PlayRuleKind.OnboardingOverdue => (0, 90, "days past the due day"),
        PlayRuleKind.LowSeatUtilisation => (1, 100, "percent of seats used"),
        PlayRuleKind.NoActivity => (1, UsageHistoryDays, "days without an active user"),
        PlayRuleKind.DetractorNps => (0, 6, "highest NPS score that fires"),
        _ => (0, 0, "no parameter"),
    };
}
