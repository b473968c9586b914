using CustomerHealth.Domain.Accounts;

namespace CustomerHealth.Domain.Health;

/// <summary>Where a score falls. <see cref="Unknown"/>: too little data for a score.</summary>
public enum HealthBand
{
    Unspecified = 0,
    Unknown = 1,
    Critical = 2,
    AtRisk = 3,
    Healthy = 4,
}

/// <summary>One component's part of a score.</summary> <param name="Score">0–100, rounded to one decimal.</param>
/// <param name="Weight">The share of the overall score it carries after renormalisation over the components with data
/// (they sum to 1).</param> <param name="Explanation">One English line saying why, with the figures behind it.</param>
/// <param name="Metric">For a usage-metric component, its metric key (<c>rate:report_created</c>); null
/// otherwise.</param> <param name="MetricValue">For a usage-metric component, the metric's value before it was mapped
/// to 0–100.</param>
public sealed record ComponentScore(
    HealthComponentKind Kind,
    double Score,
    double Weight,
    string Explanation,
    string? Metric = null,
    double? MetricValue = null);

/// <summary>A component of the tier's scorecard that had no data, and why; it counted neither as 0 nor as
/// 100.</summary> <param name="Metric">For a usage-metric component, its metric key; null otherwise.</param>
public sealed record MissingComponent(HealthComponentKind Kind, string Reason, string? Metric = null);

/// <summary>How much of the scorecard had data.</summary>
/// <param name="Share">0–1: the share of the tier's configured weight whose components had data.</param>
/// <param name="Missing">The components with a weight but no data, in component order.</param>
public sealed record DataCompleteness(double Share, IReadOnlyList<MissingComponent> Missing);

/// <summary>
/// An account's health as of an instant under one scorecard version. <see cref="Score"/> is null (band <see
/// cref="HealthBand.Unknown"/>) when less than the scorecard's minimum completeness had data, including when nothing
/// did; the components that had data are still listed.
/// </summary>
/// <param name="Tier">The tier whose weights were used (unspecified is scored as tech-touch).</param> <param
/// name="Score">0–100, rounded to one decimal (the band is taken from the rounded value), or null.</param> <param
/// name="Components">The components that had data, in component order.</param> <param name="EffectiveAccount">A login
/// on each of the scorecard's effective-account window of complete UTC days up to the as-of instant.</param>
public sealed record HealthScore(
    DateTimeOffset AsOf,
    int ScorecardVersion,
    CsTier Tier,
    double? Score,
    HealthBand Band,
    IReadOnlyList<ComponentScore> Components,
    DataCompleteness Completeness,
    LifecycleStage Stage,
    bool EffectiveAccount)
{
    public DateOnly AsOfDay => DateOnly.FromDateTime(AsOf.UtcDateTime);

    /// <summary>The component of that kind, or null when it had no data or no weight.</summary>
    public ComponentScore? Component(HealthComponentKind kind) => Components.FirstOrDefault(c => c.Kind == kind);

    /// <summary>What the history keeps of this score for trends and change detection.</summary>
    public ScoreSnapshot ToSnapshot() => new(AsOfDay, Score, Band);
}
