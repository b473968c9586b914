using CustomerHealth.Domain.Renewals;

namespace CustomerHealth.Domain.Tests.Renewals;

public sealed class RenewalQualityGateTests
{
    /// <summary>
    /// 100 outcomes the model puts at <paramref name="high"/> (85 renewed) and 100 at <paramref name="low"/> (25
    /// renewed):
    /// calibrated at 0.85 and 0.25, AUC 0.803. The prior says <paramref name="prior"/> for all (AUC 0.5) unless given
    /// per
    /// group; the serving model, when given, says its two values.
    /// </summary>
    private static GateCase[] Holdout(
        double high = 0.85, double low = 0.25, (double High, double Low)? prior = null, (double High,
            double Low)? serving = null)
    {
        var cases = new List<GateCase>();
        for (var i = 0; i < 100; i++)
        {
            cases.Add(new GateCase(high, prior?.High ?? 0.5, serving?.High, Renewed: i < 85));
            cases.Add(new GateCase(low, prior?.Low ?? 0.5, serving?.Low, Renewed: i < 25));
        }
        return [.. cases];
    }

    [Fact]
    public void AModelThatRanksAndIsCalibratedBetterThanThePriorPasses()
    {
        var decision = RenewalQualityGate.Decide(Holdout(), servingVersion: null);

        Assert.True(decision.Passed, decision.Reason);
        Assert.StartsWith("Passed the quality gate: holdout AUC 0.803 (95% CI ", decision.Reason,
            StringComparison.Ordinal);
        Assert.Contains("calibrated within bounds on the 2 deciles", decision.Reason, StringComparison.Ordinal);
        Assert.Null(decision.Serving);
    }

    [Fact]
    public void AModelThatDoesNotBeatThePriorByTheMarginIsHeldBack()
    {
        // The prior ranks exactly as the model does: same AUC, not 0.01 better.
        var decision = RenewalQualityGate.Decide(Holdout(prior: (0.7, 0.4)), servingVersion: null);

        Assert.False(decision.Passed);
        Assert.StartsWith("Held back as a candidate: its AUC 0.803", decision.Reason, StringComparison.Ordinal);
        Assert.Contains("does not beat the score-only prior's 0.803", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AModelThatDoesNotBeatTheServingModelOnTheSameOutcomesIsHeldBack()
    {
        var decision = RenewalQualityGate.Decide(Holdout(serving: (0.9, 0.2)), servingVersion: 3);

        Assert.False(decision.Passed);
        Assert.Contains("does not beat serving model 3's 0.803", decision.Reason, StringComparison.Ordinal);
        Assert.Equal(200, decision.Serving!.Count);

        var worseServing = RenewalQualityGate.Decide(Holdout(serving: (0.5, 0.5)), servingVersion: 3);
        Assert.True(worseServing.Passed, worseServing.Reason);
        Assert.Contains("beats serving model 3's 0.500 on the same 200 outcomes", worseServing.Reason,
            StringComparison.Ordinal);
    }

    [Fact]
    public void AServingModelThatCouldNotBeAskedKeepsServing()
    {
        var decision = RenewalQualityGate.Decide(Holdout(), servingVersion: 3);

        Assert.False(decision.Passed);
        Assert.Contains("cannot be measured", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ADecileOfEnoughOutcomesWhoseObservedRateIsFarFromItsPredictionsIsRefused()
    {
        // 0.99 predicted, 0.85 observed over 100 outcomes: a gap of 0.14 above 0.05 + 3 × √(0.99 × 0.01 / 100) = 0.080.
        var decision = RenewalQualityGate.Decide(Holdout(high: 0.99), servingVersion: null);

        Assert.False(decision.Passed);
        Assert.Contains(
            "the decile 0.9-1.0 (100 outcomes) predicts 0.990 but 0.850 renewed, a gap above its bound 0.080",
            decision.Reason, StringComparison.Ordinal);
        // Within the binomial noise of 100 outcomes (0.95: bound 0.05 + 3 × √(0.95 × 0.05 / 100) = 0.115 > 0.10) it
        // passes.
        Assert.True(RenewalQualityGate.Decide(Holdout(high: 0.95), servingVersion: null).Passed);
    }

    [Fact]
    public void DecilesTooSmallToJudgeAreNotJudged()
    {
        // 12 outcomes at 0.99 of which 6 renewed would be far off, but 12 is below the 30 a decile needs to be judged.
        var cases = Holdout().Concat(Enumerable.Range(0, 12).Select(i => new GateCase(0.99, 0.5, null,
            i < 6))).ToArray();

        var decision = RenewalQualityGate.Decide(cases, servingVersion: null);

        Assert.True(decision.Passed, decision.Reason);
    }

    [Fact]
    public void AHoldoutWithFewerThanTenOfAClassCannotJudgeAModel()
    {
        var cases = Enumerable.Range(0, 40).Select(i => new GateCase(i < 31 ? 0.9 : 0.1, 0.5, null,
            Renewed: i < 31)).ToArray();

        var decision = RenewalQualityGate.Decide(cases, servingVersion: null);

        Assert.False(decision.Passed);
        Assert.Contains("the holdout holds 31 renewals and 9 churns; judging a model takes at least 10 of each",
            decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TheAucIntervalFollowsHanleyAndMcNeil()
    {
        // A = 0.75, 50 and 50: Q1 = 0.6, Q2 = 0.642857; SE² = (0.1875 + 49 × 0.0375 + 49 × 0.080357) / 2500 = 0.002385.
        var interval = AucConfidence.HanleyMcNeil(0.75, 50, 50)!;

        Assert.Equal(0.04884, interval.StandardError, 5);
        Assert.Equal(0.75 - 1.959964 * interval.StandardError, interval.Lower, 12);
        Assert.Equal(0.75 + 1.959964 * interval.StandardError, interval.Upper, 12);
        Assert.Null(AucConfidence.HanleyMcNeil(null, 50, 50));
        Assert.Null(AucConfidence.HanleyMcNeil(0.75, 50, 0));
        Assert.Equal(1, AucConfidence.HanleyMcNeil(0.99, 3, 3)!.Upper);
        Assert.Equal(interval.Lower, RenewalEvaluation.Evaluate(Holdout().Select(c => (c.Model,
            c.Renewed)).ToArray()).AucInterval!.Lower, 1);
    }

    [Fact]
    public void ALeadAtOrAboveTheMedianTermIsRefused()
    {
        int[] monthly = [30, 31, 28, 31, 365];

        Assert.Equal(31, RenewalLead.MedianTermDays(monthly));
        Assert.Null(RenewalLead.WhyTooLong(5, monthly));
        Assert.Null(RenewalLead.WhyTooLong(30, monthly));
        Assert.StartsWith("a lead of 31 days is not shorter than the median term (31 days",
            RenewalLead.WhyTooLong(31, monthly), StringComparison.Ordinal);
        Assert.Contains("choose a lead below 31 days", RenewalLead.WhyTooLong(90, monthly), StringComparison.Ordinal);
        Assert.Null(RenewalLead.WhyTooLong(90, []));
    }

    private sealed record Outcome(string ContractId, DateOnly RenewalDate) : ITimedOutcome;

    [Fact]
    public void TheSplitCutsBetweenRenewalDaysSoABacktestOverTheHoldoutsDatesFindsIt()
    {
        // 10 renewal days of 10 outcomes each: a 25 % holdout would cut day 8 in half; it takes days 8 to 10 (30)
        // rather
        // than days 9 and 10 (20): both are 5 away from 25, and a tie takes the larger holdout.
        var start = new DateOnly(2025, 1, 1);
        var outcomes = Enumerable.Range(0, 100).Select(i => new Outcome($"c{i:D3}", start.AddDays(i / 10))).ToArray();

        var split = TimeOrderedSplitter.Split(outcomes, holdoutShare: 0.25, calibrationShare: 0.34);

        Assert.Equal(30, split.Holdout.Count);
        Assert.Equal(start.AddDays(7), split.Holdout[0].RenewalDate);
        var inRange = outcomes.Where(o => o.RenewalDate >= split.Holdout[0].RenewalDate
            && o.RenewalDate <= split.Holdout[^1].RenewalDate);
        Assert.Equal(split.Holdout.Select(o => o.ContractId).Order(), inRange.Select(o => o.ContractId).Order());
        // The calibration fold is whole days as well: 70 × 0.34 = 23.8 → 24, cut to 20 (days 6 and 7) or 30: 20 is
        // nearer.
        Assert.Equal(20, split.Calibration.Count);
        Assert.True(split.Fit[^1].RenewalDate < split.Calibration[0].RenewalDate);
        // One day only: no cut inside it, so nothing is held out rather than everything.
        var oneDay = TimeOrderedSplitter.Split(outcomes.Take(10).ToArray(), 0.2, 0.3);
        Assert.Equal((10, 0, 0), (oneDay.Fit.Count, oneDay.Calibration.Count, oneDay.Holdout.Count));
    }
}
