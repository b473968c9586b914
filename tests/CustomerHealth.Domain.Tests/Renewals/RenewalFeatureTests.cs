using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Renewals;
using S = CustomerHealth.Domain.Tests.Health.Signals;

namespace CustomerHealth.Domain.Tests.Renewals;

public sealed class RenewalFeatureTests
{
    private static RenewalFeatureVector Build(AccountSignals signals, double? scoreBefore = null, decimal arr = 24_000m, int daysToRenewal = 90) =>
        RenewalFeatures.Build(new RenewalFeatureInput(signals, S.Score(signals), scoreBefore, arr, S.Today.AddDays(daysToRenewal)));

    [Fact]
    public void EveryFeatureHasAValueInNameOrder()
    {
        var features = Build(S.Steady(seats: 40), scoreBefore: 60);

        Assert.Equal(RenewalFeatures.Count, features.Values.Count);
        Assert.All(features.Values, v => Assert.False(double.IsNaN(v)));
        Assert.Equal(0.5, features[RenewalFeatures.SeatUtilisation]);
        Assert.Equal(Math.Log(21), features[RenewalFeatures.LogActiveUsers30Days], 9);
        Assert.Equal(Math.Log(24_001), features[RenewalFeatures.LogArr], 9);
        Assert.Equal(1, features[RenewalFeatures.LowTouch]);
        Assert.Equal(0, features[RenewalFeatures.HighTouch]);
        Assert.Equal(1, features[RenewalFeatures.RenewalsSoFar]);
        Assert.Equal(90, features[RenewalFeatures.DaysToRenewal]);
        Assert.Equal(400 / 365.0, features[RenewalFeatures.TenureYears], 9);
        var score = S.Score(S.Steady(seats: 40)).Score!.Value;
        Assert.Equal(score, features[RenewalFeatures.HealthScore]);
        Assert.Equal(score - 60, features[RenewalFeatures.ScoreChange30Days], 9);
    }

    [Fact]
    public void MissingDataTakesTheDocumentedDefaults()
    {
        var features = Build(S.Lead());

        Assert.Equal(50, features[RenewalFeatures.HealthScore]);
        Assert.Equal(0, features[RenewalFeatures.ScoreChange30Days]);
        Assert.Equal(70, features[RenewalFeatures.Sentiment]);
        Assert.Equal(7, features[RenewalFeatures.LatestNps]);
        Assert.Equal(0, features[RenewalFeatures.HasNps]);
        Assert.Equal(RenewalFeatures.UnreachedTimeToValueDays, features[RenewalFeatures.TimeToValueDays]);
        Assert.Equal(0, features[RenewalFeatures.SeatUtilisation]);
    }

    [Fact]
    public void NothingDatedAfterTheAsOfInstantCounts()
    {
        var signals = S.Steady() with
        {
            NpsAnswers = [S.Answer(9, daysAgo: 10), new NpsAnswer(2, S.AsOf.AddHours(1))],
            Tickets =
            [
                new TicketSummary(TicketSeverity.High, S.AsOf.AddDays(-3), null),
                new TicketSummary(TicketSeverity.Low, S.AsOf.AddDays(-5), S.AsOf.AddDays(2)),
                new TicketSummary(TicketSeverity.Low, S.AsOf.AddDays(-5), S.AsOf.AddDays(-1)),
                new TicketSummary(TicketSeverity.Urgent, S.AsOf.AddHours(3), null),
            ],
            Onboarding = S.Plan(120, ("kickoff", 7, 5), ("first_value", 30, 40), ("review", 90, 125)),
        };

        var features = Build(signals);

        Assert.Equal(9, features[RenewalFeatures.LatestNps]);
        Assert.Equal(1, features[RenewalFeatures.HasNps]);
        Assert.Equal(2, features[RenewalFeatures.OpenTickets]);
        Assert.Equal(2 / 3.0, features[RenewalFeatures.OnboardingCompletion], 9);
        Assert.Equal(40, features[RenewalFeatures.TimeToValueDays]);
    }

    [Fact]
    public void TimeToValueWithoutFirstValueCountsAtLeastTheFloor()
    {
        var (_, early) = RenewalFeatures.OnboardingFigures(S.Plan(30, ("first_value", 30, null)), S.Today);
        var (_, late) = RenewalFeatures.OnboardingFigures(S.Plan(200, ("first_value", 30, null)), S.Today);
        var (_, capped) = RenewalFeatures.OnboardingFigures(S.Plan(500, ("first_value", 30, null)), S.Today);

        Assert.Equal(90, early);
        Assert.Equal(200, late);
        Assert.Equal(365, capped);
    }

    [Fact]
    public void AnUnknownFeatureNameIsRefused() =>
        Assert.Throws<ArgumentException>(() => RenewalFeatures.IndexOf("shoe_size"));
}

public sealed class RenewalRulesTests
{
    [Theory]
    [InlineData(0.95, RenewalRisk.Low)]
    [InlineData(0.8, RenewalRisk.Low)]
    [InlineData(0.79, RenewalRisk.Medium)]
    [InlineData(0.6, RenewalRisk.Medium)]
    [InlineData(0.5, RenewalRisk.High)]
    [InlineData(0.39, RenewalRisk.Critical)]
    [InlineData(0.0, RenewalRisk.Critical)]
    public void RiskLevelsFollowTheProbability(double p, RenewalRisk expected) => Assert.Equal(expected, RenewalRisks.Of(p));

    [Fact]
    public void ThePriorIsTheDocumentedLogisticOfTheScore()
    {
        Assert.Equal(0.5, RenewalPrior.Probability(40), 9);
        Assert.Equal(1 / (1 + Math.Exp(-2)), RenewalPrior.Probability(70), 9);
        Assert.Equal(RenewalPrior.Probability(50), RenewalPrior.Probability(null), 9);
        Assert.True(RenewalPrior.Probability(20) < RenewalPrior.Probability(21));
    }

    [Fact]
    public void ThePriorHasOneDriverTheHealthScore()
    {
        var values = new double[RenewalFeatures.Count];
        values[RenewalFeatures.IndexOf(RenewalFeatures.HealthScore)] = 20;
        var drivers = RenewalDrivers.OfPrior(new RenewalFeatureVector(values));

        var driver = Assert.Single(drivers);
        Assert.Equal(RenewalFeatures.HealthScore, driver.Feature);
        Assert.Equal(-2, driver.Contribution, 9);
        Assert.Equal(DriverDirection.LowersRenewal, driver.Direction);
    }

    [Fact]
    public void DriversAreSortedByAbsoluteContributionAndCut()
    {
        var drivers = RenewalDrivers.Top(
        [
            new("a", 1, 0.1), new("b", 1, -0.9), new("c", 1, 0.5), new("d", 1, 0), new("e", 1, -0.2), new("f", 1, 0.3), new("g", 1, 0.05),
        ]);

        Assert.Equal(["b", "c", "f", "e", "a"], drivers.Select(d => d.Feature));
        Assert.Equal(DriverDirection.LowersRenewal, drivers[0].Direction);
        Assert.Equal(DriverDirection.RaisesRenewal, drivers[1].Direction);
    }

    [Fact]
    public void ExpectedArrUsesTheTiersOwnChangeWhenItHasEnoughRenewals()
    {
        var renewals = Enumerable.Repeat(new RecordedRenewal(CsTier.HighTouch, 100_000m, 120_000m), 20)
            .Concat(Enumerable.Repeat(new RecordedRenewal(CsTier.TechTouch, 1_000m, 900m), 5))
            .ToArray();
        var history = ArrChangeHistory.From(renewals);

        Assert.Equal(1.2, history.RatioFor(CsTier.HighTouch), 9);
        // Tech-touch has only 5: all tiers' mean, (20 × 1.2 + 5 × 0.9) / 25.
        Assert.Equal((20 * 1.2 + 5 * 0.9) / 25, history.RatioFor(CsTier.TechTouch), 9);
        Assert.Equal(0.5m * 200_000m * 1.2m, history.ExpectedRenewalArr(0.5, 200_000m, CsTier.HighTouch));
        Assert.Equal(1.0, ArrChangeHistory.Flat.RatioFor(CsTier.LowTouch));
    }
}

public sealed class RenewalEvaluationTests
{
    [Fact]
    public void PerfectPredictionsScoreAucOneAndNoLoss()
    {
        var metrics = RenewalEvaluation.Evaluate([(0.999999, true), (0.000001, false), (0.999999, true)]);

        Assert.Equal(1.0, metrics.Auc);
        Assert.True(metrics.LogLoss < 1e-5);
        Assert.True(metrics.Brier < 1e-10);
    }

    [Fact]
    public void BrierLogLossAndCalibrationAreComputedAsDocumented()
    {
        (double, bool)[] cases = [(0.9, true), (0.9, false), (0.2, false), (0.25, true)];
        var metrics = RenewalEvaluation.Evaluate(cases);

        Assert.Equal((0.01 + 0.81 + 0.04 + 0.5625) / 4, metrics.Brier, 9);
        Assert.Equal((-Math.Log(0.9) - Math.Log(0.1) - Math.Log(0.8) - Math.Log(0.25)) / 4, metrics.LogLoss, 9);
        Assert.Collection(metrics.Calibration,
            b => { Assert.Equal(0.2, b.Lower); Assert.Equal(2, b.Count); Assert.Equal(0.225, b.MeanPredicted, 9); Assert.Equal(0.5, b.ObservedRate); },
            b => { Assert.Equal(0.9, b.Lower); Assert.Equal(1.0, b.Upper); Assert.Equal(2, b.Count); Assert.Equal(0.5, b.ObservedRate); });
        Assert.Null(metrics.MaxCalibrationGap); // no bin has 20 cases
        Assert.Equal(0.625, metrics.Auc); // pairs: tie 0.5 + 1 + 0 + 1 of 4
    }

    [Fact]
    public void PlattScalingRecoversAKnownLogisticRelation()
    {
        // Scores on a grid with outcomes in the exact proportions of σ(2s − 1).
        var cases = new List<(double, bool)>();
        for (var s = -3.0; s <= 3.0; s += 0.25)
        {
            var renewals = (int)Math.Round(200 * RenewalPrior.Sigmoid(2 * s - 1));
            for (var i = 0; i < 200; i++) cases.Add((s, i < renewals));
        }

        var platt = PlattScaling.Fit(cases);

        Assert.Equal(2, platt.A, 1);
        Assert.Equal(-1, platt.B, 1);
    }

    [Fact]
    public void PlattScalingNeedsBothOutcomes() =>
        Assert.Throws<ArgumentException>(() => PlattScaling.Fit([(1.0, true), (2.0, true)]));

    private sealed record Outcome(string ContractId, DateOnly RenewalDate) : ITimedOutcome;

    [Fact]
    public void TheSplitHoldsOutTheNewestOutcomesAndCalibratesOnTheNewestOfTheRest()
    {
        var start = new DateOnly(2025, 1, 1);
        var outcomes = Enumerable.Range(0, 100).Select(i => new Outcome($"c{i:D3}", start.AddDays((i * 37) % 100))).ToArray();

        var split = TimeOrderedSplitter.Split(outcomes, holdoutShare: 0.2, calibrationShare: 0.25);

        Assert.Equal((60, 20, 20), (split.Fit.Count, split.Calibration.Count, split.Holdout.Count));
        Assert.True(split.Fit.Max(o => o.RenewalDate) <= split.Calibration.Min(o => o.RenewalDate));
        Assert.True(split.Calibration.Max(o => o.RenewalDate) <= split.Holdout.Min(o => o.RenewalDate));
        Assert.Equal(start.AddDays(80), split.Holdout[0].RenewalDate);
    }
}
