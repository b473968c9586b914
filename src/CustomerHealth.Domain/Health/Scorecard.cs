using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Health;

/// <summary>The parts of a health score (DESIGN §3); each answers one question with a 0–100 score.</summary>
public enum HealthComponentKind
{
    Unspecified = 0,
    /// <summary>How often do they use it?</summary>
    Engagement = 1,
    /// <summary>Do they use what they bought?</summary>
    Adoption = 2,
    /// <summary>Is use growing or shrinking?</summary>
    Momentum = 3,
    /// <summary>Is the onboarding plan on track?</summary>
    Onboarding = 4,
    /// <summary>What do they say (NPS)?</summary>
    Sentiment = 5,
    /// <summary>How much friction (support tickets)?</summary>
    Support = 6,
    /// <summary>Are we in touch (CSM touchpoints)?</summary>
    Relationship = 7,
    /// <summary>A usage-rate metric of the catalogue, mapped to 0–100 by the scorecard (<see
    /// cref="UsageMetricComponent"/>).</summary>
    UsageMetric = 8,
}

/// <summary>
/// How much each component counts. Only ratios matter: weights are renormalised over the components that have data.
/// </summary>
public sealed record ComponentWeights(
    double Engagement,
    double Adoption,
    double Momentum,
    double Onboarding,
    double Sentiment,
    double Support,
    double Relationship)
{
    /// <summary>Every component, in the order scores list them.</summary>
    public static IReadOnlyList<HealthComponentKind> Kinds { get; } =
    [
        HealthComponentKind.Engagement, HealthComponentKind.Adoption, HealthComponentKind.Momentum,
            HealthComponentKind.Onboarding,
        HealthComponentKind.Sentiment, HealthComponentKind.Support, HealthComponentKind.Relationship,
    ];

    public double this[HealthComponentKind kind] => kind switch
    {
        HealthComponentKind.Engagement => Engagement,
        HealthComponentKind.Adoption => Adoption,
        HealthComponentKind.Momentum => Momentum,
        HealthComponentKind.Onboarding => Onboarding,
        HealthComponentKind.Sentiment => Sentiment,
        HealthComponentKind.Support => Support,
        HealthComponentKind.Relationship => Relationship,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a health component"),
    };
}

/// <summary>
/// What a scorecard says for one CS tier: the weights and how often a CSM should be in touch (null: not measured).
/// </summary>
public sealed record TierScorecard(ComponentWeights Weights, int? TouchpointCadenceDays);

/// <summary>
/// A versioned health scorecard: component weights and touchpoint cadence per CS tier, band thresholds, the change-feed
/// threshold and the effective-account window. Changing it (a new version) recomputes scores.
/// </summary>
/// <param name="HealthyFrom">Scores from here up are healthy.</param> <param name="AtRiskFrom">Scores from here up to
/// <paramref name="HealthyFrom"/> are at risk; below it, critical.</param> <param name="ChangeThresholdPoints">A move
/// of at least this many points since the last change-feed entry adds an entry.</param> <param
/// name="EffectiveAccountWindowDays">An effective account has a login on each of this many consecutive complete UTC
/// days up to the as-of instant.</param>
/// <param name="MinimumCompleteness">
/// The share of the tier's weight that must have data for a score to be given; below it the score is unknown. Keeps a
/// single early signal (one ticket on day 2) from painting a new account red or green.
/// </param>
/// <param name="UsageMetrics">
/// Usage-rate components beside the seven built-in ones, each with its own weight per tier; null or empty: none.
/// </param>
public sealed record Scorecard(
    int Version,
    TierScorecard TechTouch,
    TierScorecard LowTouch,
    TierScorecard HighTouch,
    double HealthyFrom = 70,
    double AtRiskFrom = 40,
    double ChangeThresholdPoints = 10,
    int EffectiveAccountWindowDays = 30,
    double MinimumCompleteness = 0.25,
    IReadOnlyList<UsageMetricComponent>? UsageMetrics = null)
{
    public const int MaxWindowDays = 365;

    /// <summary>Usage-metric components a scorecard may hold.</summary>
    public const int MaxUsageMetrics = 50;

    /// <summary>The usage-metric components (empty when none).</summary>
    public IReadOnlyList<UsageMetricComponent> MetricComponents => UsageMetrics ?? [];
    public const int MaxCadenceDays = 365;

    /// <summary>
    /// Version 1. Weights per tier sum to 100 for readability. Tech-touch leans on what the product sees (engagement,
    /// adoption) and has no relationship component; low-touch adds a little sentiment, support and relationship (pooled
    /// CSMs, 90-day cadence); high-touch weighs what a named CSM knows: sentiment and relationship (30-day cadence).
    /// </summary>
    public static Scorecard Default { get; } = new(
        Version: 1,
        TechTouch: new(
            new(Engagement: 35, Adoption: 30, Momentum: 15, Onboarding: 10, Sentiment: 5, Support: 5, Relationship: 0),
            null),
        LowTouch: new(
            new(Engagement: 25, Adoption: 25, Momentum: 15, Onboarding: 10, Sentiment: 10, Support: 10, Relationship: 5), 90),
        HighTouch: new(
            new(Engagement: 20, Adoption: 20, Momentum: 10, Onboarding: 10, Sentiment: 15, Support: 10, Relationship: 15), 30));

    /// <summary>The rules of a tier; unspecified is treated as tech-touch.</summary>
    public TierScorecard For(CsTier tier) => tier switch
    {
        CsTier.HighTouch => HighTouch,
        CsTier.LowTouch => LowTouch,
        _ => TechTouch,
    };

    /// <summary>
    /// The band of a score: healthy from <see cref="HealthyFrom"/>, at risk from <see cref="AtRiskFrom"/>, else
    /// critical; unknown without a score.
    /// </summary>
    public HealthBand BandOf(double? score) =>
        score is not { } s ? HealthBand.Unknown
        : s >= HealthyFrom ? HealthBand.Healthy
        : s >= AtRiskFrom ? HealthBand.AtRisk
        : HealthBand.Critical;

    /// <summary>
    /// How many days of daily rollups <see cref="UsageSignals.Days"/> must cover: 60, or the effective-account window
    /// and the day in progress (the window ends with the last complete day) when longer.
    /// </summary>
    public int UsageHistoryDays => Math.Max(60, EffectiveAccountWindowDays + 1);

    /// <summary>
    /// Every broken rule, with field paths under <paramref name="field"/>; empty when the scorecard is usable.
    /// </summary>
    public IReadOnlyList<FieldViolation> Validate(string field = "scorecard")
    {
        var v = new Violations();
        if (Version < 1) v.Add($"{field}.version", "must be 1 or more");
        CheckTier(v, $"{field}.tech_touch", TechTouch, MetricComponents.Any(m => m.TechTouchWeight > 0));
        CheckTier(v, $"{field}.low_touch", LowTouch, MetricComponents.Any(m => m.LowTouchWeight > 0));
        CheckTier(v, $"{field}.high_touch", HighTouch, MetricComponents.Any(m => m.HighTouchWeight > 0));
        CheckUsageMetrics(v, $"{field}.usage_metrics", MetricComponents);
        if (!(double.IsFinite(AtRiskFrom) && AtRiskFrom > 0)) v.Add(
            $"{field}.at_risk_from", "must be a number above 0");
        if (!(double.IsFinite(HealthyFrom) && HealthyFrom <= 100)) v.Add(
            $"{field}.healthy_from", "must be a number of at most 100");
        else if (!(HealthyFrom > AtRiskFrom)) v.Add(
            $"{field}.healthy_from", $"must be above at_risk_from ({AtRiskFrom})");
        if (!(double.IsFinite(ChangeThresholdPoints) && ChangeThresholdPoints > 0 && ChangeThresholdPoints <= 100))
            v.Add($"{field}.change_threshold_points", "must be above 0 and at most 100");
        if (EffectiveAccountWindowDays is < 1 or > MaxWindowDays)
            v.Add($"{field}.effective_account_window_days", $"must be from 1 to {MaxWindowDays}");
        if (!(MinimumCompleteness >= 0 && MinimumCompleteness <= 1))
            v.Add($"{field}.minimum_completeness", "must be from 0 to 1");
        return v.Items;
    }

    private static void CheckUsageMetrics(Violations v, string field, IReadOnlyList<UsageMetricComponent> metrics)
    {
        if (metrics.Count > MaxUsageMetrics)
        {
            v.Add(field, $"may hold at most {MaxUsageMetrics} components (got {metrics.Count})");
            return;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < metrics.Count; i++)
        {
            var (m, at) = (metrics[i], $"{field}[{i}]");
            if (m is null)
            {
                v.Add(at, "is required");
                continue;
            }
            if (UsageRates.Parse(m.Metric).Problem is { } problem) v.Add($"{at}.metric", problem);
            else if (!seen.Add(m.Metric)) v.Add($"{at}.metric", "is listed twice");
            var weights = new[]
            {
                ("tech_touch_weight", m.TechTouchWeight), ("low_touch_weight", m.LowTouchWeight),
                ("high_touch_weight", m.HighTouchWeight),
            };
            foreach (var (name, weight) in weights)
            {
                if (!(double.IsFinite(weight) && weight >= 0)) v.Add($"{at}.{name}", "must be a number of 0 or more");
            }
            if (UsageMetricComponent.ExplainBreakpoints(m.Breakpoints) is { } bad) v.Add($"{at}.breakpoints", bad);
        }
    }

    private static void CheckTier(Violations v, string field, TierScorecard? tier, bool hasMetricWeight = false)
    {
        if (tier?.Weights is not { } weights)
        {
            v.Add($"{field}.weights", "are required");
            return;
        }
        foreach (var kind in ComponentWeights.Kinds)
        {
            if (!(double.IsFinite(weights[kind]) && weights[kind] >= 0))
                v.Add($"{field}.weights.{kind.ToString().ToLowerInvariant()}", "must be a number of 0 or more");
        }
        if (!hasMetricWeight && !ComponentWeights.Kinds.Any(k => weights[k] > 0 && double.IsFinite(weights[k])))
            v.Add($"{field}.weights", "must give at least one component (or usage metric) a weight above 0");
        if (tier.TouchpointCadenceDays is < 1 or > MaxCadenceDays)
            v.Add(
                $"{field}.touchpoint_cadence_days", $"must be from 1 to {MaxCadenceDays}, or empty when not measured");
    }
}
