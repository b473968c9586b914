namespace CustomerHealth.Infrastructure.Onboarding;

/// <summary>
/// A stored template version (table <c>onboarding_templates</c>); the built-in version 1 of each tier is not stored.
/// </summary>
public sealed class PlanTemplateRow
{
    public int Tier { get; init; }
    public int Version { get; init; }
    public required string MilestonesJson { get; init; }
    public DateTime CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
}

/// <summary>
/// An account whose new events may complete onboarding milestones (table <c>onboarding_evaluation_queue</c>).
/// </summary>
public sealed class OnboardingEvaluationRow
{
    public required string AccountId { get; init; }
    public DateTime MarkedAt { get; init; }
}
