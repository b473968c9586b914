using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Health;

namespace CustomerHealth.Domain.Tests.Health;

public sealed class ScorecardTests
{
    [Fact]
    public void TheDefaultScorecardIsValid() =>
        Assert.Empty(Scorecard.Default.Validate());

    [Fact]
    public void TheDefaultMeasuresRelationshipForServedTiersOnly()
    {
        Assert.Equal(0, Scorecard.Default.For(CsTier.TechTouch).Weights.Relationship);
        Assert.Null(Scorecard.Default.For(CsTier.TechTouch).TouchpointCadenceDays);
        Assert.Equal(90, Scorecard.Default.For(CsTier.LowTouch).TouchpointCadenceDays);
        Assert.Equal(30, Scorecard.Default.For(CsTier.HighTouch).TouchpointCadenceDays);
        Assert.True(Scorecard.Default.HighTouch.Weights.Relationship > Scorecard.Default.LowTouch.Weights.Relationship);
        Assert.Same(Scorecard.Default.TechTouch, Scorecard.Default.For(CsTier.Unspecified));
    }

    [Theory]
    [InlineData(70.0, HealthBand.Healthy)]
    [InlineData(69.9, HealthBand.AtRisk)]
    [InlineData(40.0, HealthBand.AtRisk)]
    [InlineData(39.9, HealthBand.Critical)]
    [InlineData(0.0, HealthBand.Critical)]
    [InlineData(null, HealthBand.Unknown)]
    public void BandsAreHealthyFrom70AtRiskFrom40AndCriticalBelow(double? score, HealthBand expected) =>
        Assert.Equal(expected, Scorecard.Default.BandOf(score));

    [Fact]
    public void EveryBrokenRuleIsReportedWithItsField()
    {
        var broken = Scorecard.Default with
        {
            Version = 0,
            TechTouch = new(new(-1, double.NaN, 0, 0, 0, 0, 0), 0),
            LowTouch = new(new(0, 0, 0, 0, 0, 0, 0), null),
            HighTouch = Scorecard.Default.HighTouch with { Weights = Scorecard.Default.HighTouch.Weights with { Support = double.PositiveInfinity } },
            AtRiskFrom = 40,
            HealthyFrom = 40,
            ChangeThresholdPoints = 0,
            EffectiveAccountWindowDays = 0,
            MinimumCompleteness = 1.5,
        };

        Assert.Equal(
        [
            "scorecard.version",
            "scorecard.tech_touch.weights.engagement",
            "scorecard.tech_touch.weights.adoption",
            "scorecard.tech_touch.weights",
            "scorecard.tech_touch.touchpoint_cadence_days",
            "scorecard.low_touch.weights",
            "scorecard.high_touch.weights.support",
            "scorecard.healthy_from",
            "scorecard.change_threshold_points",
            "scorecard.effective_account_window_days",
            "scorecard.minimum_completeness",
        ], broken.Validate().Select(v => v.Field));
    }

    [Theory]
    [InlineData(40, 70, true)]
    [InlineData(40, 100, true)]
    [InlineData(0.5, 1, true)]
    [InlineData(0, 70, false)]
    [InlineData(-5, 70, false)]
    [InlineData(70, 70, false)]
    [InlineData(80, 70, false)]
    [InlineData(40, 100.5, false)]
    [InlineData(double.NaN, 70, false)]
    public void ThresholdsMustRiseFromAboveZeroToAtMost100(double atRiskFrom, double healthyFrom, bool valid) =>
        Assert.Equal(
            valid, (Scorecard.Default with { AtRiskFrom = atRiskFrom, HealthyFrom = healthyFrom }).Validate()
            .Count == 0);

    [Theory]
    [InlineData(0.1, true)]
    [InlineData(10, true)]
    [InlineData(0, false)]
    [InlineData(-1, false)]
    [InlineData(double.NaN, false)]
    public void TheChangeThresholdMustBePositive(double points, bool valid) =>
        Assert.Equal(valid, (Scorecard.Default with { ChangeThresholdPoints = points }).Validate().Count == 0);

    [Fact]
    public void OneWeightAboveZeroIsEnoughForATier()
    {
        var engagementOnly = Scorecard.Default with { TechTouch = new(new(1, 0, 0, 0, 0, 0, 0), null) };

        Assert.Empty(engagementOnly.Validate());
    }

    [Fact]
    public void TheUsageHistoryCoversTheEffectiveAccountWindow()
    {
        Assert.Equal(60, Scorecard.Default.UsageHistoryDays);
        // The window of complete days ends yesterday, so the history reaches one day further back.
        Assert.Equal(91, (Scorecard.Default with { EffectiveAccountWindowDays = 90 }).UsageHistoryDays);
    }
}
