using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Renewals;

namespace CustomerHealth.Domain.Tests.Renewals;

public sealed class CalibratedAucBoundTests
{
    /// <summary>
    /// Ranked high to low: churn, renewal, churn, renewal (AUC 0.25). Tying a lowest or a highest run only reaches 0.5;
    /// a negative Platt slope reverses the ranking to 0.75, the bound.
    /// </summary>
    [Fact]
    public void TheBoundIsTheBestOfEitherDirectionWithItsEndsTied()
    {
        (double, bool)[] cases = [(1, true), (2, false), (3, true), (4, false)];

        Assert.Equal(0.25, HealthBacktest.Auc(cases));
        Assert.Equal(0.75, CalibratedAucBound.Of(cases));
        Assert.Equal(0.75, HealthBacktest.Auc(cases.Select(c => (new PlattScaling(-1, 0).Probability(c.Item1),
            c.Item2)).ToArray()));
    }

    /// <summary>
    /// On noisy scores, none of the calibrations the trainer fits (Platt of either slope, isotonic fitted on other
    /// outcomes, their saturated ends) gives a higher AUC than the bound, which is at least the raw AUC.
    /// </summary>
    [Fact]
    public void NoCalibrationTheTrainerFitsBeatsTheBound()
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
            isotonic.Probability, s => Math.Min(s, 0.9), s => Math.Clamp(s, 0.2, 1.1),
        ];

        var bound = CalibratedAucBound.Of(cases)!.Value;

        for (var seed = 0; seed < 20; seed++)
        {
            var shuffled = new Random(seed);
            var fitted = IsotonicCalibration.Fit(cases.Select(c => (c.Score + shuffled.NextDouble() - 0.5, c.Renewed))
                .ToArray());
            Assert.True(HealthBacktest.Auc(cases.Select(c => (fitted.Probability(c.Score), c.Renewed)).ToArray())
                <= bound);
        }
        Assert.All(maps, map =>
            Assert.True(HealthBacktest.Auc(cases.Select(c => (map(c.Score), c.Renewed)).ToArray()) <= bound));
        Assert.Null(CalibratedAucBound.Of([(1, true), (2, true)]));
    }
}
