using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Health;
using static CustomerHealth.Domain.Tests.Health.Signals;

namespace CustomerHealth.Domain.Tests.Health;

public sealed class ScorecardFitterTests
{
    /// <summary>A tech-touch steady account whose "report" metric event was used <paramref name="perDay"/> times a
    /// day.</summary>
    private static AccountSignals Using(int perDay) => Steady(CsTier.TechTouch) with
    {
        Metrics = new(["report"], [],
            [.. Enumerable.Range(0, 56).Select(i => new MetricDay(Today.AddDays(-i), "report", perDay))]),
    };

    private static FitCase Case(int day, bool renewed, int perDay) =>
        new(new DateOnly(2026, 1, 1).AddDays(day), $"c{day:000}-{perDay}", renewed, Using(perDay));

    /// <summary>Older cases (days 0–29): heavy users renew. Newer (days 30–39): the other way round.</summary>
    private static List<FitCase> Reversing()
    {
        var cases = new List<FitCase>();
        for (var d = 0; d < 30; d++) cases.Add(Case(d, renewed: d % 2 == 0, perDay: d % 2 == 0 ? 5 + d % 3 : 1));
        for (var d = 30; d < 40; d++) cases.Add(Case(d, renewed: d % 2 == 0, perDay: d % 2 == 0 ? 1 : 6));
        return cases;
    }

    [Fact]
    public void TheSplitHoldsOutTheNewestWholeRenewalDays()
    {
        var cases = new[]
        {
            Case(0, true, 1), Case(1, false, 1), Case(2, true, 1), Case(2, false, 2), Case(3, true, 1),
        };

        var (fit, holdout) = ScorecardFitter.SplitOnDays(cases, 0.25); // 1.25 → 1 wanted, but day 3 alone is 1: fine

        Assert.Equal(4, fit.Count);
        Assert.Single(holdout);
        // 2 wanted: day 3 and one of day 2, so all of day 2.
        var (fit2, holdout2) = ScorecardFitter.SplitOnDays(cases, 0.4);
        Assert.Equal(2, fit2.Count);
        Assert.Equal(3, holdout2.Count);
        Assert.All(holdout2, c => Assert.True(c.RenewalDate >= new DateOnly(2026, 1, 3)));
    }

    [Fact]
    public void TheProposalLearnsFromTheOlderCasesOnlyAndReportsTheNewerOnesHonestly()
    {
        var proposal = ScorecardFitter.Propose(Reversing(), Scorecard.Default, new FitOptions(HoldoutShare: 0.25));

        Assert.Equal((30, 10), (proposal.FitCount, proposal.HoldoutCount));
        Assert.Equal(new DateOnly(2026, 1, 31), proposal.HoldoutStart);
        Assert.Equal(1.0, proposal.ProposedFitAuc);
        // A fit that had seen the holdout would have turned the metric round.
        Assert.Equal(0.0, proposal.ProposedHoldoutAuc);
        Assert.Equal(0.5, proposal.CurrentFitAuc); // the built-in components are the same for every case
        var rate = proposal.Scorecard.MetricComponents.Single(m => m.Metric == "rate:report");
        Assert.False(rate.LowerIsBetter);
        Assert.Equal(ScorecardFitter.Deciles, rate.Breakpoints.Count);
        // The lowest fit rate: a report a day, 28 per 20 monthly active users.
        Assert.Equal(28 / 20.0, rate.Breakpoints[0], 9);
        Assert.Equal(100, proposal.Components.Sum(c => c.Weight), 0);
        Assert.Empty(proposal.Scorecard.Validate());

        // Fitted on the newer cases alone, the same code turns the metric round and ranks them perfectly.
        var newer = Reversing().Skip(30).Concat(Reversing().Skip(30)).ToList();
        var onNewer = ScorecardFitter.Propose(newer, Scorecard.Default, new FitOptions(HoldoutShare: 0.05));
        Assert.True(onNewer.Scorecard.MetricComponents.Single(m => m.Metric == "rate:report").LowerIsBetter);
    }

    [Fact]
    public void AtMostTheAskedNumberOfUsageMetricsAreKept()
    {
        // A second metric event used as often as "report": its rate separates the cases just as well.
        var cases = Reversing().Select(c => c with
        {
            Signals = c.Signals with
            {
                Metrics = c.Signals.Metrics with
                {
                    Events = ["report", "share"],
                    Days =
                    [
                        .. c.Signals.Metrics.Days,
                        .. c.Signals.Metrics.Days.Select(d => d with { EventName = "share" }),
                    ],
                },
            },
        }).ToList();

        IReadOnlyList<UsageMetricComponent> Kept(int max) => ScorecardFitter
            .Propose(cases, Scorecard.Default, new FitOptions(MaxUsageMetrics: max)).Scorecard.MetricComponents;
        Assert.Equal(2, Kept(8).Count);
        Assert.Single(Kept(1));
        // Without usage metrics nothing separates these cases: no proposal.
        var error = Assert.Throws<RuleViolationException>(() => Kept(0));
        Assert.Equal("NO_SEPARATING_COMPONENT", error.Reason);
    }

    [Fact]
    public void AFitSetWithoutBothOutcomesIsAPreconditionFailure()
    {
        var cases = Enumerable.Range(0, 8).Select(d => Case(d, renewed: true, perDay: d)).ToList();

        var error = Assert.Throws<RuleViolationException>(
            () => ScorecardFitter.Propose(cases, Scorecard.Default, new FitOptions()));
        Assert.Equal("NOT_ENOUGH_OUTCOMES", error.Reason);
    }

    [Fact]
    public void TheRegressionKeepsWeightsAtZeroOrAboveAndFindsTheSeparatingColumn()
    {
        // Column 0 rises with renewal, column 1 falls with it: its weight stays at 0 instead of going negative.
        var x = new List<double[]>();
        var y = new List<bool>();
        for (var i = 0; i < 40; i++)
        {
            var renewed = i % 2 == 0;
            x.Add([renewed ? 0.8 : 0.2, renewed ? 0.1 : 0.9]);
            y.Add(renewed);
        }

        var w = NonNegativeLogistic.Fit(x, y, l2: 0.01);

        Assert.True(w[0] > 1);
        Assert.Equal(0, w[1]);
    }
}
