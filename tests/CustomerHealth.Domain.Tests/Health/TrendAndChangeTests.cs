using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Health;
using static CustomerHealth.Domain.Tests.Health.Signals;

namespace CustomerHealth.Domain.Tests.Health;

public sealed class TrendAndChangeTests
{
    private static ScoreSnapshot Snapshot(double? score, int daysAgo = 1) =>
        new(Today.AddDays(-daysAgo), score, Scorecard.Default.BandOf(score));

    private static HealthScore Current(double? score) =>
        new(AsOf, 1, CsTier.LowTouch, score, Scorecard.Default.BandOf(score), [], new(score is null ? 0 : 1, []),
            LifecycleStage.Live, false);

    [Fact]
    public void TheTrendIsTheChangeSinceSevenAndThirtyDaysAgo()
    {
        var trend = HealthTrend.Of(72.4, Snapshot(75.1, 7), Snapshot(60.0, 30));

        Assert.Equal(-2.7, trend.Change7Days);
        Assert.Equal(12.4, trend.Change30Days);
    }

    [Fact]
    public void AMissingOrUnknownEndGivesNoChange()
    {
        Assert.Equal(new HealthTrend(null, null), HealthTrend.Of(72.4, null, Snapshot(null, 30)));
        Assert.Equal(new HealthTrend(null, null), HealthTrend.Of(null, Snapshot(70, 7), Snapshot(60, 30)));
    }

    [Fact]
    public void AScoreTakesItsTrendFromItsOwnSnapshot()
    {
        var score = Score(Steady());

        Assert.Equal(new ScoreSnapshot(Today, 84.7, HealthBand.Healthy), score.ToSnapshot());
        Assert.Equal(4.7, HealthTrend.Of(score.Score, Snapshot(80, 7), null).Change7Days);
    }

    [Fact]
    public void AnAccountsFirstScoreGoesIntoTheFeed()
    {
        Assert.Equal(ChangeReason.FirstScore, ChangeFeed.ReasonFor(null, Current(55), Scorecard.Default));
        Assert.Equal(ChangeReason.FirstScore, ChangeFeed.ReasonFor(null, Current(null), Scorecard.Default));
    }

    [Theory]
    [InlineData(71.0, 69.9)]
    [InlineData(40.0, 39.9)]
    [InlineData(55.0, null)]
    [InlineData(null, 55.0)]
    public void ABandChangeGoesIntoTheFeedHoweverSmallTheMove(double? before, double? now) =>
        Assert.Equal(ChangeReason.BandChanged, ChangeFeed.ReasonFor(Snapshot(before), Current(now), Scorecard.Default));

    [Theory]
    [InlineData(80.0, 90.0, ChangeReason.Moved)]
    [InlineData(90.0, 80.0, ChangeReason.Moved)]
    [InlineData(70.3, 80.3, ChangeReason.Moved)]
    [InlineData(80.0, 89.9, ChangeReason.None)]
    [InlineData(80.0, 80.0, ChangeReason.None)]
    public void AMoveWithinTheBandGoesIntoTheFeedFromTheThreshold(double before, double now, ChangeReason expected) =>
        Assert.Equal(expected, ChangeFeed.ReasonFor(Snapshot(before), Current(now), Scorecard.Default));

    [Fact]
    public void TheThresholdComesFromTheScorecard() =>
        Assert.Equal(
            ChangeReason.Moved,
            ChangeFeed.ReasonFor(Snapshot(80), Current(85), Scorecard.Default with { ChangeThresholdPoints = 5 }));

    [Fact]
    public void AnUnknownScoreThatStaysUnknownIsNoChange() =>
        Assert.Equal(ChangeReason.None, ChangeFeed.ReasonFor(Snapshot(null), Current(null), Scorecard.Default));
}
