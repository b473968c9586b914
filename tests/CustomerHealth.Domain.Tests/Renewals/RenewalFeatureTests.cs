using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Renewals;
using S = CustomerHealth.Domain.Tests.Health.Signals;

namespace CustomerHealth.Domain.Tests.Renewals;

public sealed class RenewalFeatureTests
{
    private static RenewalFeatureVector Build(
        AccountSignals signals, double? scoreBefore = null, decimal arr = 24_000m, int daysToRenewal = 90) =>
        RenewalFeatures.Build(
            new RenewalFeatureInput(signals, S.Score(signals), scoreBefore, arr, S.Today.AddDays(daysToRenewal)));

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

    /// <summary>
    /// Steady's account (40 seats, customer for 400 days) with 180 days of use (and one more day, after the instant):
    /// 20 users a day on the last 60 days and 10 before; NPS answers, tickets, touchpoints, key-feature days; and one
    /// of each dated after the instant.
    /// </summary>
    private static RenewalHistory History() => new(
        [.. S.Days(0, 60, activeUsers: 20, events: 200), .. S.Days(60, 120, activeUsers: 10, events: 50),
            new DailyUsage(S.Today.AddDays(1), 40, 999)],
        [S.Answer(9, daysAgo: 10), S.Answer(5, daysAgo: 200), S.Answer(0, daysAgo: 400),
            new NpsAnswer(0, S.AsOf.AddHours(1))],
        [
            new TicketSummary(TicketSeverity.High, S.AsOf.AddDays(-10), S.AsOf.AddDays(-8)),
            new TicketSummary(TicketSeverity.Low, S.AsOf.AddDays(-100), S.AsOf.AddDays(-96)),
            new TicketSummary(TicketSeverity.Urgent, S.AsOf.AddDays(-20), S.AsOf.AddDays(3)),
            new TicketSummary(TicketSeverity.Urgent, S.AsOf.AddDays(-200), S.AsOf.AddDays(-199)),
            new TicketSummary(TicketSeverity.Urgent, S.AsOf.AddHours(2), null),
        ],
        [S.AsOf.AddDays(-50), S.AsOf.AddDays(-5), S.AsOf.AddDays(-190), S.AsOf.AddHours(1)],
        LastRenewalArrChange: 0.2,
        KeyFeatureDays:
        [
            new KeyFeatureDay(S.Today.AddDays(-3), "report", 4), new KeyFeatureDay(S.Today.AddDays(-4), "report", 2),
            new KeyFeatureDay(S.Today.AddDays(-40), "share", 6), new KeyFeatureDay(S.Today.AddDays(-70), "export", 3),
            new KeyFeatureDay(S.Today.AddDays(-95), "automate", 9),
                new KeyFeatureDay(S.Today.AddDays(1), "automate", 9),
        ],
        KeyFeaturesInCatalogue: 5);

    [Fact]
    public void LongerWindowsGiveLevelsAndTrendsOfUseNpsTicketsTouchpointsAndTheLastRenewal()
    {
        var signals = S.Steady(seats: 40) with { LastTouchpointAt = S.AsOf.AddDays(-5) };
        var f = RenewalFeatures.Build(
            new RenewalFeatureInput(signals, S.Score(signals), null, 24_000m, S.Today.AddDays(90), History()));

        // Active users per seat per day: 20/40 over the last 30 days; (60 × 20 + 30 × 10) / 90 / 40; (60 × 20 + 120 ×
        // 10) / 180 / 40.
        Assert.Equal(0.5, f[RenewalFeatures.ActiveShare30Days], 9);
        Assert.Equal(1500 / 3600.0, f[RenewalFeatures.ActiveShare90Days], 9);
        Assert.Equal(2400 / 7200.0, f[RenewalFeatures.ActiveShare180Days], 9);

        // Last 30 days against days 31 to 90: (30 × 20 + 30 × 10) / 60 / 40 = 0.375.
        Assert.Equal(0.5 - 0.375, f[RenewalFeatures.ActiveShareTrend], 9);
        Assert.Equal(0, f[RenewalFeatures.DaysSinceActive]);
        Assert.Equal(1, f[RenewalFeatures.HasUsage180Days]);
        // NPS: the answers of 10 and 200 days ago (the one of 400 days ago is outside, the later one not yet given).
        Assert.Equal(7, f[RenewalFeatures.NpsMean365Days], 9);
        Assert.Equal(2, f[RenewalFeatures.NpsAnswers365Days]);
        // Tickets opened in 180 days: three; two high or urgent; closed by then: 2 and 4 days (the third closes later).
        Assert.Equal(3, f[RenewalFeatures.Tickets180Days]);
        Assert.Equal(2, f[RenewalFeatures.SevereTickets180Days]);
        Assert.Equal(3, f[RenewalFeatures.TicketCloseDays], 9);
        Assert.Equal(2, f[RenewalFeatures.Touchpoints180Days]);
        Assert.Equal(5, f[RenewalFeatures.DaysSinceTouchpoint], 9);
        Assert.Equal(0.2, f[RenewalFeatures.LastRenewalArrChange], 9);
        Assert.Equal(Math.Log(41), f[RenewalFeatures.LogSeats], 9);
        // Key features: 1 of 5 in 30 days, 3 of 5 in 90 days (the one of 95 days ago is outside); 2 in days 31 to 90.
        Assert.Equal(0.2, f[RenewalFeatures.KeyFeatureBreadth30Days], 9);
        Assert.Equal(0.6, f[RenewalFeatures.KeyFeatureBreadth90Days], 9);
        Assert.Equal(0.2 - 0.4, f[RenewalFeatures.KeyFeatureBreadthTrend], 9);
        // Depth over 90 days: 15 key-feature events / (60 × 20 + 30 × 10) user-days; all events: (60 × 200 + 30 × 50) /
        // 1500.
        Assert.Equal(15 / 1500.0, f[RenewalFeatures.KeyFeatureEventsPerActiveDay90Days], 9);
        Assert.Equal(13_500 / 1500.0, f[RenewalFeatures.EventsPerActiveDay90Days], 9);
    }

    [Fact]
    public void WithoutHistoryTheLongerWindowFeaturesTakeTheirDefaults()
    {
        var f = Build(S.Lead());

        Assert.Equal(0, f[RenewalFeatures.ActiveShare180Days]);
        Assert.Equal(RenewalHistory.UsageDays, f[RenewalFeatures.DaysSinceActive]);
        Assert.Equal(0, f[RenewalFeatures.HasUsage180Days]);
        Assert.Equal(7, f[RenewalFeatures.NpsMean365Days]);
        Assert.Equal(RenewalFeatures.MaxDaysSinceTouchpoint, f[RenewalFeatures.DaysSinceTouchpoint]);
        Assert.Equal(0, f[RenewalFeatures.LastRenewalArrChange]);
        Assert.Equal(0, f[RenewalFeatures.KeyFeatureBreadth90Days]);
    }

    [Fact]
    public void ANewCustomersSharesCountOnlyTheDaysSinceItsStart()
    {
        var signals = S.NewCustomer(day: 9);
        var history = RenewalHistory.None with { Days = S.Days(0, 10, activeUsers: 8) };
        var f = RenewalFeatures.Build(
            new RenewalFeatureInput(signals, S.Score(signals), null, 24_000m, S.Today.AddDays(356), history));

        // 10 days as a customer, 8 of 40 seats active on each: 0.2 over every window, no trend (no days 31 to 90 yet).
        Assert.Equal(0.2, f[RenewalFeatures.ActiveShare30Days], 9);
        Assert.Equal(0.2, f[RenewalFeatures.ActiveShare180Days], 9);
        Assert.Equal(0, f[RenewalFeatures.ActiveShareTrend]);
    }

    [Fact]
    public void SharesCountOnlyTheDaysSinceTheFirstRecordedUse()
    {
        // A customer of 400 days whose use is on record only from 20 days ago (tracking connected then): 10 of 40 seats
        // active on each of those days reads as 0.25 over every window, not as 20 days of use thinned over 90 or 180.
        var signals = S.Steady(seats: 40);
        var tracked = RenewalHistory.None with
        {
            Days = S.Days(0, 20, activeUsers: 10),
            FirstActiveDay = S.Today.AddDays(-19)
        };
        var f = RenewalFeatures.Build(
            new RenewalFeatureInput(signals, S.Score(signals), null, 24_000m, S.Today.AddDays(90), tracked));
        Assert.Equal(0.25, f[RenewalFeatures.ActiveShare30Days], 9);
        Assert.Equal(0.25, f[RenewalFeatures.ActiveShare90Days], 9);
        Assert.Equal(0.25, f[RenewalFeatures.ActiveShare180Days], 9);
        Assert.Equal(0, f[RenewalFeatures.ActiveShareTrend]);

        // Use recorded long before the window: the idle days within it count as idle.
        var lapsed = tracked with { FirstActiveDay = S.Today.AddDays(-300) };
        f = RenewalFeatures.Build(
            new RenewalFeatureInput(signals, S.Score(signals), null, 24_000m, S.Today.AddDays(90), lapsed));
        Assert.Equal(200 / 1200.0, f[RenewalFeatures.ActiveShare30Days], 9);
        Assert.Equal(200 / 7200.0, f[RenewalFeatures.ActiveShare180Days], 9);

        // The earliest active day of the rollups counts when the first active day given is later (or not given at all).
        Assert.Equal(
            S.Today.AddDays(-19),
            RenewalFeatures.ObservedSince(
                S.Today.AddDays(-400), null,
                new Dictionary<DateOnly, int> { [S.Today.AddDays(-19)] = 3, [S.Today.AddDays(-25)] = 0 }));
        Assert.Equal(
            S.Today.AddDays(-400),
            RenewalFeatures.ObservedSince(S.Today.AddDays(-400), null, new Dictionary<DateOnly, int>()));
        Assert.Equal(
            S.Today.AddDays(-10),
            RenewalFeatures.ObservedSince(S.Today.AddDays(-10), S.Today.AddDays(-50), new Dictionary<DateOnly, int>()));
    }

    [Fact]
    public void TheModelSeesEveryFeatureButTheOnboardingOnesInVectorOrder()
    {
        var values = Enumerable.Range(0, RenewalFeatures.Count).Select(i => (double)i).ToArray();

        var input = RenewalFeatures.ModelInput(values);

        Assert.Equal(RenewalFeatures.Count - 3, input.Length);
        Assert.Equal(RenewalFeatures.ModelNames.Select(n => (float)RenewalFeatures.IndexOf(n)), input);
        Assert.DoesNotContain(RenewalFeatures.TimeToValueDays, RenewalFeatures.ModelNames);
        Assert.Contains(RenewalFeatures.HealthScore, RenewalFeatures.ModelNames);
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
    public void RiskLevelsFollowTheProbability(double p, RenewalRisk expected) =>
        Assert.Equal(expected, RenewalRisks.Of(p));

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
            new("a", 1, 0.1), new("b", 1, -0.9), new("c", 1, 0.5), new("d", 1, 0), new("e", 1, -0.2), new("f", 1, 0.3),
                new("g", 1, 0.05),
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
            b =>
            {
                Assert.Equal(0.2, b.Lower);
                Assert.Equal(2, b.Count);
                Assert.Equal(0.225, b.MeanPredicted, 9);
                Assert.Equal(0.5, b.ObservedRate);
            },
            b =>
            {
                Assert.Equal(0.9, b.Lower);
                Assert.Equal(1.0, b.Upper);
                Assert.Equal(2, b.Count);
                Assert.Equal(0.5, b.ObservedRate);
            });
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
        var outcomes = Enumerable.Range(0, 100).Select(i => new Outcome($"c{i:D3}", start.AddDays((i * 37) % 100)))
            .ToArray();

        var split = TimeOrderedSplitter.Split(outcomes, holdoutShare: 0.2, calibrationShare: 0.25);

        Assert.Equal((60, 20, 20), (split.Fit.Count, split.Calibration.Count, split.Holdout.Count));
        Assert.True(split.Fit.Max(o => o.RenewalDate) <= split.Calibration.Min(o => o.RenewalDate));
        Assert.True(split.Calibration.Max(o => o.RenewalDate) <= split.Holdout.Min(o => o.RenewalDate));
        Assert.Equal(start.AddDays(80), split.Holdout[0].RenewalDate);
    }
}

public sealed class RenewalUsageMetricFeatureTests
{
    [Fact]
    public void UsageRateMetricsBecomeFeatures()
    {
        // 20 monthly active users; "report" 3 a day on the last 28 days and 2 a day before; "share" last used 10 days
        // ago.
        var days = Enumerable.Range(0, 56).Select(i => new MetricDay(S.Today.AddDays(-i), "report", i < 28 ? 3 : 2))
            .Append(new MetricDay(S.Today.AddDays(-10), "share", 4)).ToArray();
        var signals = S.Steady() with { Metrics = new(["report", "share"], [], days) };
        var scorecard = Scorecard.Default with
        {
            UsageMetrics = [new UsageMetricComponent("rate:report", 0, 10, 0, [0, 8.4])],
        };
        RenewalFeatureVector Build(AccountSignals s, Scorecard card) => RenewalFeatures.Build(
            new RenewalFeatureInput(s, HealthScorer.Score(s, card), null, 24_000m, S.Today.AddDays(90)));

        var f = Build(signals, scorecard);

        Assert.Equal(50, f[RenewalFeatures.UsageMetricScore]); // rate 4.2 half of the way to 8.4
        Assert.Equal((Math.Log(1 + 4.2) + Math.Log(1 + 0.2)) / 2, f[RenewalFeatures.MetricLogRateMean], 9);
        Assert.Equal(0.5, f[RenewalFeatures.MetricChangeMean], 9); // report +50%; share has no earlier use
        Assert.Equal((0 + 10) / 2.0, f[RenewalFeatures.MetricDaysSinceMean]);
        var none = Build(S.Steady(), Scorecard.Default);
        Assert.Equal((50.0, 0.0, 0.0, 0.0), (none[RenewalFeatures.UsageMetricScore],
            none[RenewalFeatures.MetricLogRateMean], none[RenewalFeatures.MetricChangeMean],
            none[RenewalFeatures.MetricDaysSinceMean]));
    }

    [Fact]
    public void EachMetricEventsLogRateIsReadByTheModelsOwnList()
    {
        // 20 monthly active users; "report" 84 in the last 28 days (rate 4.2), "share" 4 (rate 0.2), "export" tracked
        // but unused (rate 0).
        var days = Enumerable.Range(0, 28).Select(i => new MetricDay(S.Today.AddDays(-i), "report", 3))
            .Append(new MetricDay(S.Today.AddDays(-10), "share", 4)).ToArray();
        var signals = S.Steady() with { Metrics = new(["report", "share", "export"], [], days) };
        var f = RenewalFeatures.Build(new RenewalFeatureInput(
            signals, HealthScorer.Score(signals, Scorecard.Default), null, 24_000m, S.Today.AddDays(90)));

        Assert.Equal(Math.Log(1 + 4.2), f.MetricLogRates["report"], 9);
        Assert.Equal(Math.Log(1 + 0.2), f.MetricLogRates["share"], 9);
        Assert.Equal(0, f.MetricLogRates["export"]);
        // The model's list fixes the inputs after the fixed features: a name the catalogue no longer tracks reads 0.
        var input = RenewalFeatures.ModelInput(f, ["share", "gone", "report"]);
        var fixedCount = RenewalFeatures.ModelNames.Count;
        Assert.Equal(fixedCount + 3, input.Length);
        Assert.Equal(RenewalFeatures.ModelInput(f.Values), input[..fixedCount]);
        Assert.Equal([(float)Math.Log(1.2), 0f, (float)Math.Log(5.2)], input[fixedCount..]);
        Assert.Equal(["export", "report", "share"], RenewalFeatures.MetricEventsOf([f, f]));
        var noMetrics = RenewalFeatures.Build(new RenewalFeatureInput(
            S.Steady(), HealthScorer.Score(S.Steady(), Scorecard.Default), null, 24_000m, S.Today.AddDays(90)));
        Assert.Empty(noMetrics.MetricLogRates);
        Assert.Empty(RenewalFeatures.MetricEventsOf([noMetrics]));
    }
}
