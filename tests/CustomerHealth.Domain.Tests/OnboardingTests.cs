using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Onboarding;

namespace CustomerHealth.Domain.Tests;

public sealed class OnboardingPlanTests
{
    private static readonly DateOnly Start = new(2026, 3, 1);
    private static readonly DateTime Now = new(2026, 3, 15, 10, 0, 0, DateTimeKind.Utc);

    private static OnboardingPlan PlanFor(CsTier tier) =>
        OnboardingPlan.Create("acme", Start, DefaultPlanTemplates.For(tier), Now);

    /// <summary>Evidence given as a table: rule kind → the instant it was reached.</summary>
    private sealed class Evidence(Dictionary<MilestoneRuleKind, DateTime> reached) : IOnboardingEvidence
    {
        public DateTime? ReachedAt(MilestoneRule rule) => reached.TryGetValue(rule.Kind, out var at) ? at : null;
    }

    [Fact]
    public void EveryBuiltInTemplateIsValidAndReachesFirstValueByDay30()
    {
        foreach (var tier in DefaultPlanTemplates.Tiers)
        {
            var template = DefaultPlanTemplates.For(tier);
            PlanTemplate.Validate(template.Milestones);
            Assert.Equal(tier, template.Tier);
            Assert.InRange(template.Milestones.Single(m => m.Rule.Kind == MilestoneRuleKind.FirstValue).DueDay, 1, 30);
        }
        Assert.All(DefaultPlanTemplates.For(CsTier.TechTouch).Milestones, m => Assert.True(m.Rule.IsAutomatic));
    }

    [Fact]
    public void DueDatesCountFromTheStartAndOverdueBeginsTheNextDay()
    {
        var kickoff = PlanFor(CsTier.HighTouch).Milestones.Single(m => m.Key == "kickoff");

        Assert.Equal(new DateOnly(2026, 3, 8), kickoff.DueDate);
        Assert.Equal(MilestoneStatus.Pending, kickoff.StatusOn(new DateOnly(2026, 3, 8)));
        Assert.Equal(MilestoneStatus.Overdue, kickoff.StatusOn(new DateOnly(2026, 3, 9)));
    }

    [Fact]
    public void ThePlanIsAtRiskWithOneOverdueAndBehindWithFirstValueOverdue()
    {
        var plan = PlanFor(CsTier.HighTouch);

        Assert.Equal(PlanStatus.OnTrack, plan.StatusOn(new DateOnly(2026, 3, 8)));
        Assert.Equal(PlanStatus.AtRisk, plan.StatusOn(new DateOnly(2026, 3, 9)));
        Assert.Equal(PlanStatus.Behind, plan.StatusOn(new DateOnly(2026, 3, 16)));
    }

    [Fact]
    public void EvidenceCompletesAutomaticMilestonesOnlyAndSetsTimeToValue()
    {
        var plan = PlanFor(CsTier.HighTouch);

        var completed = plan.ApplyEvidence(new Evidence(new()
        {
            [MilestoneRuleKind.FirstValue] = new DateTime(2026, 3, 12, 9, 0, 0, DateTimeKind.Utc),
            [MilestoneRuleKind.Manual] = Now,
        }), Now);

        Assert.Equal(["first_value"], completed);
        Assert.Equal(11, plan.TimeToValueDays);
        Assert.False(plan.Milestones.Single(m => m.Key == "kickoff").IsDone);
        Assert.Equal(CompletionMethod.Rule, plan.FirstValueMilestone!.CompletedHow);
    }

    [Fact]
    public void EarlierEvidenceMovesARuleCompletionAndTheTimeToValueEarlierButNeverLater()
    {
        var plan = PlanFor(CsTier.TechTouch);
        plan.ApplyEvidence(
            new Evidence(
                new() { [MilestoneRuleKind.FirstValue] = new DateTime(2026, 3, 12, 9, 0, 0, DateTimeKind.Utc) }), Now);

        var moved = plan.ApplyEvidence(
            new Evidence(
                new() { [MilestoneRuleKind.FirstValue] = new DateTime(2026, 3, 5, 8, 0, 0, DateTimeKind.Utc) }), Now);
        var later = plan.ApplyEvidence(
            new Evidence(
                new() { [MilestoneRuleKind.FirstValue] = new DateTime(2026, 3, 20, 8, 0, 0, DateTimeKind.Utc) }), Now);

        Assert.Equal(["first_value"], moved);
        Assert.Empty(later);
        Assert.Equal(new DateTime(2026, 3, 5, 8, 0, 0, DateTimeKind.Utc), plan.FirstValueMilestone!.CompletedAt);
        Assert.Equal(4, plan.TimeToValueDays);
    }

    [Fact]
    public void EvidenceNeverMovesACompletionMadeByHand()
    {
        var plan = PlanFor(CsTier.TechTouch);
        plan.CompleteManually("first_value", "alice", "confirmed on a call", Now, Now);

        var changed = plan.ApplyEvidence(
            new Evidence(
                new() { [MilestoneRuleKind.FirstValue] = new DateTime(2026, 3, 2, 8, 0, 0, DateTimeKind.Utc) }), Now);

        Assert.Empty(changed);
        Assert.Equal(Now, plan.FirstValueMilestone!.CompletedAt);
        Assert.Equal(CompletionMethod.Manual, plan.FirstValueMilestone.CompletedHow);
    }

    [Fact]
    public void EvidenceFromBeforeTheStartCountsAsReachedOnTheStart()
    {
        var plan = PlanFor(CsTier.TechTouch);

        plan.ApplyEvidence(
            new Evidence(
                new() { [MilestoneRuleKind.FirstValue] = new DateTime(2026, 2, 20, 0, 0, 0, DateTimeKind.Utc) }), Now);

        Assert.Equal(0, plan.TimeToValueDays);
    }

    [Fact]
    public void ManualCompletionIsIdempotentAndBoundedByStartAndNow()
    {
        var plan = PlanFor(CsTier.HighTouch);

        Assert.True(plan.CompleteManually("kickoff", "alice", "done", Now, Now));
        Assert.False(plan.CompleteManually("kickoff", "bob", null, Now, Now));
        Assert.Equal("alice", plan.Milestones.Single(m => m.Key == "kickoff").CompletedBy);
        Assert.Throws<NotFoundException>(() => plan.CompleteManually("nope", "alice", null, Now, Now));
        Assert.Equal(
            "complete_time",
            Assert.Throws<ValidationException>(
                () => plan.CompleteManually(
                    "training_done", "alice", null, new DateTime(2026, 2, 28, 0, 0, 0, DateTimeKind.Utc), Now))
                    .Violations.Single().Field);
        Assert.Throws<ValidationException>(
            () => plan.CompleteManually("training_done", "alice", null, Now.AddHours(1), Now));
    }

    [Fact]
    public void ACompletePlanHasEveryMilestoneDone()
    {
        var plan = PlanFor(CsTier.TechTouch);
        foreach (var m in plan.Milestones) plan.CompleteManually(m.Key, "ops", null, Now, Now);

        Assert.Equal(PlanStatus.Complete, plan.StatusOn(new DateOnly(2026, 12, 1)));
    }

    [Theory]
    [InlineData(MilestoneRuleKind.FirstEvent, null, 0, 0.0, false)]
    [InlineData(MilestoneRuleKind.FirstEvent, "login", 0, 0.0, true)]
    [InlineData(MilestoneRuleKind.ActiveUsers, null, 0, 0.0, false)]
    [InlineData(MilestoneRuleKind.ActiveUsers, null, 3, 0.0, true)]
    [InlineData(MilestoneRuleKind.ActiveSeatShare, null, 0, 0.0, false)]
    [InlineData(MilestoneRuleKind.ActiveSeatShare, null, 0, 0.5, true)]
    [InlineData(MilestoneRuleKind.Unspecified, null, 0, 0.0, false)]
    public void RulesNeedTheirParameters(
        MilestoneRuleKind kind, string? eventName, int count, double share, bool valid) =>
        Assert.Equal(valid, new MilestoneRule(kind, eventName, count, share).Explain() is null);
}
