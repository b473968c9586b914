using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Plays;

namespace CustomerHealth.Domain.Tests.Plays;

public sealed class PlayPlannerTests
{
    private static readonly DateOnly Today = new(2026, 3, 15);
    private static readonly DateTime Now = new(2026, 3, 15, 10, 0, 0, DateTimeKind.Utc);

    private static PlayFacts Critical() => new()
    {
        Today = Today, Tier = CsTier.HighTouch, Customer = true, CustomerDays = 365, Score = 20,
        Band = HealthBand.Critical, LastActiveDay = Today, LastTouchpoint = Today,
    };

    private static PlayFacts CriticalOn(DateOnly day) =>
        Critical() with { Today = day, LastActiveDay = day, LastTouchpoint = day };

    private static PlayFacts Recovered() => Critical() with { Score = 75, Band = HealthBand.Healthy };

    private static Play OpenPlay(PlayRuleKind kind = PlayRuleKind.BandCritical, CsTier tier = CsTier.HighTouch) =>
        Play.Open("acme", "ann@example.com", tier, new PlayFinding(kind, PlayPriority.High, []),
            PlayRuleSet.Default, Now.AddDays(-3));

    [Fact]
    public void AFiringRuleOpensAPlayDueAfterTheTiersCadence()
    {
        var plan = PlayPlanner.Plan(PlayRuleSet.Default, Critical(), []);
        var finding = Assert.Single(plan.Open);
        Assert.Equal(PlayRuleKind.BandCritical, finding.Kind);

        var play = Play.Open("acme", "ann", CsTier.HighTouch, finding, PlayRuleSet.Default, Now);
        Assert.Equal(
            (PlayStatus.Open, new DateOnly(2026, 3, 17), PlayChannel.Csm), (play.Status, play.DueDate, play.Channel));
        var tech = Play.Open("acme", "ann", CsTier.TechTouch, finding, PlayRuleSet.Default, Now);
        Assert.Equal((Today, PlayChannel.Automated), (tech.DueDate, tech.Channel));
        var low = Play.Open("a", null, CsTier.LowTouch, finding, PlayRuleSet.Default, Now);
        Assert.Equal(new DateOnly(2026, 3, 20), low.DueDate);
    }

    [Fact]
    public void AnActivePlayOfTheSameRuleIsNotOpenedTwice()
    {
        var open = OpenPlay();
        Assert.True(PlayPlanner.Plan(PlayRuleSet.Default, Critical(), [open]).IsEmpty);
        open.Acknowledge("ann", Now);
        Assert.True(PlayPlanner.Plan(PlayRuleSet.Default, Critical(), [open]).IsEmpty);
    }

    [Fact]
    public void APlayWhoseConditionClearsResolvesItself()
    {
        var open = OpenPlay();
        var plan = PlayPlanner.Plan(PlayRuleSet.Default, Recovered(), [open]);
        Assert.Same(open, Assert.Single(plan.Resolve));
        open.AutoResolve(Now);
        Assert.Equal((PlayStatus.AutoResolved, Now), (open.Status, open.ClosedAt));
        Assert.True(PlayPlanner.Plan(PlayRuleSet.Default, Recovered(), [open]).IsEmpty);
    }

    [Fact]
    public void ASnoozedPlayComesBackOnItsDayIfTheConditionStillHolds()
    {
        var play = OpenPlay();
        play.Snooze(Today.AddDays(3), Now);
        var early = Critical() with { Today = Today.AddDays(2) };
        Assert.True(PlayPlanner.Plan(PlayRuleSet.Default, early, [play]).IsEmpty);
        var due = PlayPlanner.Plan(PlayRuleSet.Default, Critical() with { Today = Today.AddDays(3) }, [play]);
        Assert.Same(play, Assert.Single(due.Reopen));
        play.Reopen(Now.AddDays(3));
        Assert.Equal((PlayStatus.Open, (DateOnly?)null), (play.Status, play.SnoozedUntil));
    }

    [Fact]
    public void ACompletedPlayKeepsTheSameRuleQuietForTheCooldown()
    {
        var play = OpenPlay();
        Assert.True(play.Complete(PlayOutcome.Addressed, " called them ", "ann", Now));
        Assert.False(play.Complete(PlayOutcome.Addressed, "called them", "ann", Now)); // a retry
        Assert.Equal("called them", play.OutcomeNote);

        Assert.True(PlayPlanner.Plan(PlayRuleSet.Default, CriticalOn(Today.AddDays(13)), [play]).IsEmpty);
        Assert.Single(PlayPlanner.Plan(PlayRuleSet.Default, CriticalOn(Today.AddDays(14)), [play]).Open);
        Assert.Equal(
            Today.AddDays(-13).ToDateTime(TimeOnly.MinValue), PlayPlanner.CooldownStart(PlayRuleSet.Default, Today));
    }

    [Fact]
    public void AClosedPlayRefusesChangesAndSnoozeNeedsAFutureDay()
    {
        var play = OpenPlay();
        Assert.Throws<ValidationException>(() => play.Snooze(Today, Now));
        play.AutoResolve(Now);
        var closed = Assert.Throws<RuleViolationException>(() => play.Acknowledge("ann", Now));
        Assert.Equal("PLAY_CLOSED", closed.Reason);
        Assert.Throws<RuleViolationException>(() => play.Complete(PlayOutcome.Addressed, null, "ann", Now));
        Assert.Throws<RuleViolationException>(() => play.Snooze(Today.AddDays(1), Now));
    }

    [Fact]
    public void AnActivePlayFollowsItsAccountsOwner()
    {
        var play = OpenPlay();
        Assert.False(play.Reassign("ann@example.com", CsTier.HighTouch, Now));
        Assert.True(play.Reassign("bob@example.com", CsTier.HighTouch, Now));
        play.AutoResolve(Now);
        Assert.False(play.Reassign("cy@example.com", CsTier.HighTouch, Now));
        Assert.Equal("bob@example.com", play.Owner);
    }
}
