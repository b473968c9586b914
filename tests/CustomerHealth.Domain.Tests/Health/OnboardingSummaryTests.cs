using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Onboarding;

namespace CustomerHealth.Domain.Tests.Health;

public sealed class OnboardingSummaryTests
{
    [Fact]
    public void AStoredPlanIsSummarisedWithItsDueDaysCompletionDaysAndFirstValue()
    {
        var start = new DateOnly(2026, 3, 1);
        var now = new DateTime(2026, 3, 20, 9, 0, 0, DateTimeKind.Utc);
        var plan = OnboardingPlan.Create("acme", start, DefaultPlanTemplates.For(CsTier.HighTouch), now);
        plan.CompleteManually("kickoff", "alice", null, new DateTime(2026, 3, 5, 23, 30, 0, DateTimeKind.Utc), now);

        var summary = OnboardingSummary.Of(plan);

        Assert.Equal(start, summary.StartDate);
        Assert.Equal(
            ["kickoff", "integration_live", "first_value", "training_done", "half_seats_active", "day_90_review"],
            summary.Milestones.Select(m => m.Key));
        Assert.Equal(new MilestoneSummary("kickoff", 7, new DateOnly(2026, 3, 5)), summary.Milestones[0]);
        Assert.Equal("first_value", summary.Milestones.Single(m => m.IsFirstValue).Key);
        Assert.All(summary.Milestones.Skip(1), m => Assert.Null(m.DoneOn));
    }
}
