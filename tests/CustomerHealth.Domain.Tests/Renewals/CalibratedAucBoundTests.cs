using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Renewals;

namespace CustomerHealth.Domain.Tests.Renewals;

public sealed class CalibratedAucBoundTests
{
    /// <summary>
    /// Ranked high to low: churn, renewal, churn, renewal (AUC 0.25). Upwards the hull is the diagonal (0.5); reversed,
    /// the scores rank at 0.75, and tying the middle two (a non-increasing step) reaches 0.875, the bound.
    /// </summary>
    [Fact]
    public void TheBoundIsTheLargerHullAreaOfEitherDirection()
    {
        (double, bool)[] cases = [(1, true), (2, false), (3, true), (4, false)];

        Assert.Equal(0.25, HealthBacktest.Auc(cases));
        Assert.Equal(0.875, CalibratedAucBound.Of(cases));
        Assert.Equal(0.875, HealthBacktest.Auc([(4, true), (2.5, false), (2.5, true), (1, false)]));
    }

    /// <summary>
    /// On noisy scores, no monotone map (Platt of either slope, isotonic fitted on other outcomes, coarse steps) gives
    /// a higher AUC than the bound, which is at least the raw AUC.
    /// </summary>
    [Fact]
    public void NoMonotoneMapOfTheScoresBeatsTheBound()
    {
        var random = new Random(7);
        var cases = Enumerable.Range(0, 400).Select(_ =>
        {
            var renewed = random.NextDouble() < 0.7;
            return (Score: random.NextDouble() + (renewed ? 0.3 : 0) + (random.NextDouble() < 0.1 ? 0.8 : 0),
                Renewed: renewed);
        }).ToArray();
        var other = cases.Select(c => (Score: c.Score + (random.NextDouble() - 0.5), c.Renewed)).ToArray();
        var isotonic = IsotonicCalibration.Fit(other);
        Func<double, double>[] maps =
        [
            s => s, s => -s, new PlattScaling(2, -1).Probability, new PlattScaling(-3, 1).Probability,
            isotonic.Probability, s => Math.Round(s * 4) / 4, s => Math.Min(s, 0.9),
        ];

        var bound = CalibratedAucBound.Of(cases)!.Value;

        Assert.All(maps, map =>
            Assert.True(HealthBacktest.Auc(cases.Select(c => (map(c.Score), c.Renewed)).ToArray()) <= bound));
        Assert.Null(CalibratedAucBound.Of([(1, true), (2, true)]));
    }
}
