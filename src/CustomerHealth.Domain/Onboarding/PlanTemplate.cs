using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Engagement;

namespace CustomerHealth.Domain.Onboarding;

/// <summary>How a milestone gets done.</summary>
public enum MilestoneRuleKind
{
    Unspecified = 0,
    /// <summary>A person marks it done (a kickoff call, a training session).</summary>
    Manual = 1,
    /// <summary>The first event of <see cref="MilestoneRule.EventName"/> on or after the plan's start.</summary>
    FirstEvent = 2,
    /// <summary>At least <see cref="MilestoneRule.Count"/> distinct users have been active since the start.</summary>
    ActiveUsers = 3,
    /// <summary>
    /// At least <see cref="MilestoneRule.Share"/> of the purchased seats have been active since the start.
    /// </summary>
    ActiveSeatShare = 4,
    /// <summary>
    /// Any key feature of the catalogue used (or the one named by <see cref="MilestoneRule.EventName"/>).
    /// </summary>
    KeyFeatureUsed = 5,
    /// <summary>The first event the catalogue marks as first value.</summary>
    FirstValue = 6,
}

/// <summary>A milestone's completion rule with its parameter.</summary>
public sealed record MilestoneRule(MilestoneRuleKind Kind, string? EventName = null, int Count = 0, double Share = 0)
{
    public static MilestoneRule Manual { get; } = new(MilestoneRuleKind.Manual);

    public bool IsAutomatic => Kind is not (MilestoneRuleKind.Manual or MilestoneRuleKind.Unspecified);

    /// <summary>Why the rule is unusable, or null.</summary>
    public string? Explain() => Kind switch
    {
        MilestoneRuleKind.Manual or MilestoneRuleKind.FirstValue => null,
        MilestoneRuleKind.FirstEvent when string.IsNullOrWhiteSpace(EventName) =>
            "a first-event rule needs an event name",
        MilestoneRuleKind.FirstEvent or MilestoneRuleKind.KeyFeatureUsed when EventName is not null
            && EventRules.ExplainEventName(EventName) is { } problem => $"event name {problem}",
        MilestoneRuleKind.FirstEvent or MilestoneRuleKind.KeyFeatureUsed => null,
        MilestoneRuleKind.ActiveUsers when Count is < 1 or > 100_000 =>
            "an active-users rule needs a count from 1 to 100,000",
        MilestoneRuleKind.ActiveUsers => null,
        MilestoneRuleKind.ActiveSeatShare when !(Share > 0 && Share <= 1) =>
            "an active-seat-share rule needs a share above 0 and at most 1",
        MilestoneRuleKind.ActiveSeatShare => null,
        _ => "the rule kind is required",
    };

    public string Describe() => Kind switch
    {
        MilestoneRuleKind.Manual => "marked done by a person",
        MilestoneRuleKind.FirstEvent => $"first '{EventName}' event",
        MilestoneRuleKind.ActiveUsers => $"{Count} distinct active users",
        MilestoneRuleKind.ActiveSeatShare => $"{Share:P0} of the seats active",
        MilestoneRuleKind.KeyFeatureUsed =>
            EventName is null ? "a key feature used" : $"key feature '{EventName}' used",
        MilestoneRuleKind.FirstValue => "first-value event",
        _ => "no rule",
    };
}

/// <summary>A milestone of a template: a key, a title, a due day counted from the contract start, and a rule.</summary>
public sealed record MilestoneTemplate(string Key, string Title, int DueDay, MilestoneRule Rule)
{
    public const int MaxKeyLength = 64;
    public const int MaxTitleLength = 200;
    public const int MaxDueDay = 365;
}

/// <summary>The milestone plan for one CS tier, versioned: plans keep the version they were created with.</summary>
public sealed record PlanTemplate(
    CsTier Tier, int Version, IReadOnlyList<MilestoneTemplate> Milestones, DateTime CreatedAt, string CreatedBy)
{
    public const int MaxMilestones = 30;

    /// <summary>Checks a template's milestones, reporting every problem with its field path.</summary>
    public static void Validate(IReadOnlyList<MilestoneTemplate> milestones, string field = "milestones")
    {
        var v = new Violations();
        if (milestones.Count == 0) v.Add(field, "must hold at least one milestone");
        if (milestones.Count > MaxMilestones) v.Add(
            field, $"may hold at most {MaxMilestones} milestones (got {milestones.Count})");
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < milestones.Count && i < MaxMilestones; i++)
        {
            var m = milestones[i];
            if (string.IsNullOrEmpty(m.Key)) v.Add($"{field}[{i}].key", "is required");
            else if (m.Key.Length > MilestoneTemplate.MaxKeyLength) v.Add(
                $"{field}[{i}].key", $"must be at most {MilestoneTemplate.MaxKeyLength} characters");
            else if (Identifiers.Explain(m.Key) is { } problem) v.Add($"{field}[{i}].key", problem);
            else if (!keys.Add(m.Key)) v.Add($"{field}[{i}].key", $"'{m.Key}' is used twice");
            v.Text($"{field}[{i}].title", m.Title, MilestoneTemplate.MaxTitleLength, required: true);
            if (m.DueDay is < 0 or > MilestoneTemplate.MaxDueDay) v.Add(
                $"{field}[{i}].due_day", $"must be from 0 to {MilestoneTemplate.MaxDueDay}");
            if (m.Rule.Explain() is { } ruleProblem) v.Add($"{field}[{i}].rule", ruleProblem);
        }
        v.ThrowIfAny();
    }
}

/// <summary>
/// The built-in templates (version 1 of each tier). Every tier reaches first value by day 30 at the latest and ends
/// with the day-90 mark; the touch model decides the rest: high-touch has people-led steps (kickoff, integration,
/// training, review), tech-touch only steps the product can observe.
/// </summary>
public static class DefaultPlanTemplates
{
    public static readonly DateTime Epoch = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static PlanTemplate For(CsTier tier) => tier switch
    {
        CsTier.HighTouch => new(tier, 1,
        [
            new("kickoff", "Kickoff call held", 7, MilestoneRule.Manual),
            new("integration_live", "Integration live", 14, MilestoneRule.Manual),
            new("first_value", "First value reached", 30, new(MilestoneRuleKind.FirstValue)),
            new("training_done", "Admin and user training done", 45, MilestoneRule.Manual),
            new("half_seats_active", "Half of the seats active", 60,
                new(MilestoneRuleKind.ActiveSeatShare, Share: 0.5)),
            new("day_90_review", "Day-90 business review held", 90, MilestoneRule.Manual),
        ], Epoch, "built-in"),
        CsTier.LowTouch => new(tier, 1,
        [
            new("kickoff", "Onboarding webinar attended", 10, MilestoneRule.Manual),
            new("first_value", "First value reached", 30, new(MilestoneRuleKind.FirstValue)),
            new("key_feature_adopted", "A key feature adopted", 45, new(MilestoneRuleKind.KeyFeatureUsed)),
            new("half_seats_active", "Half of the seats active", 60,
                new(MilestoneRuleKind.ActiveSeatShare, Share: 0.5)),
            new("day_90_review", "Day-90 check-in done", 90, MilestoneRule.Manual),
        ], Epoch, "built-in"),
        _ => new(CsTier.TechTouch, 1,
        [
            new("first_active_user", "First user active", 3, new(MilestoneRuleKind.ActiveUsers, Count: 1)),
            new("first_value", "First value reached", 14, new(MilestoneRuleKind.FirstValue)),
            new("key_feature_adopted", "A key feature adopted", 30, new(MilestoneRuleKind.KeyFeatureUsed)),
            new("half_seats_active", "Half of the seats active", 60,
                new(MilestoneRuleKind.ActiveSeatShare, Share: 0.5)),
        ], Epoch, "built-in"),
    };

    public static IReadOnlyList<CsTier> Tiers { get; } = [CsTier.TechTouch, CsTier.LowTouch, CsTier.HighTouch];
}
