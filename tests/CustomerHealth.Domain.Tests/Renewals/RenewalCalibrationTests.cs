using CustomerHealth.Domain.Renewals;

namespace CustomerHealth.Domain.Tests.Renewals;

public sealed class RenewalCalibrationTests
{
    [Fact]
    public void PoolAdjacentViolatorsPoolsEveryDecreaseAndKeepsTheRestAsTheyAre()
    {
        // Rates by score: 1 → 0/2, 2 → 2/2, 3 → 0/2 (violates 2), 4 → 2/2. Scores 2 and 3 pool to 2/4 at mean score
        // 2.5.
        (double, bool)[] cases = [(1, false), (1, false), (2, true), (2, true), (3, false), (3, false), (4, true),
            (4, true)];

        var iso = IsotonicCalibration.Fit(cases);

        Assert.Equal([1, 2.5, 4], iso.Scores);
        var floor = 1.0 / (cases.Length + 2);
        Assert.Equal([floor, 0.5, 1 - floor], iso.Probabilities);
    }

    [Fact]
    public void IsotonicProbabilitiesInterpolateBetweenKnotsAndStayFlatOutside()
    {
        var iso = new IsotonicCalibration([0, 1, 3], [0.2, 0.4, 0.8]);

        Assert.Equal(0.2, iso.Probability(-5), 9);
        Assert.Equal(0.3, iso.Probability(0.5), 9);
        Assert.Equal(0.4, iso.Probability(1), 9);
        Assert.Equal(0.6, iso.Probability(2), 9);
        Assert.Equal(0.8, iso.Probability(9), 9);
    }

    [Fact]
    public void IsotonicCalibrationIsNonDecreasingAndTiesShareOneValue()
    {
        var random = new Random(7);
        var cases = Enumerable.Range(0, 500).Select(_ =>
        {
            var s = Math.Round(random.NextDouble() * 6 - 3, 1);
            return (s, random.NextDouble() < RenewalPrior.Sigmoid(1.5 * s));
        }).ToArray();

        var iso = IsotonicCalibration.Fit(cases);

        for (var k = 1; k < iso.Scores.Count; k++)
        {
            Assert.True(iso.Scores[k] > iso.Scores[k - 1]);
            Assert.True(iso.Probabilities[k] > iso.Probabilities[k - 1]);
        }
        var grid = Enumerable.Range(-40, 81).Select(i => iso.Probability(i / 10.0)).ToArray();
        Assert.Equal(grid.Order(), grid);
        Assert.Throws<ArgumentException>(() => IsotonicCalibration.Fit([]));
    }

    [Fact]
    public void ThePlattLogisticIsKeptWhenTheScoresAreLogisticAndIsotonicWhenTheyAreNot()
    {
        // Outcomes drawn from σ(2s − 1): Platt's two parameters are the true model, so cross-validation keeps Platt.
        var random = new Random(3);
        var logistic = Enumerable.Range(0, 2000).Select(_ =>
        {
            var s = random.NextDouble() * 6 - 3;
            return (s, random.NextDouble() < RenewalPrior.Sigmoid(2 * s - 1));
        }).ToArray();
        var kept = RenewalCalibrator.Fit(logistic);
        Assert.Equal(RenewalCalibrator.PlattMethod, kept.Method);
        Assert.Equal(kept.Platt.Probability(0.3), kept.Probability(0.3), 12);

        // A step: renewal rate 0.2 below 0 and 0.9 above, whatever the distance; a logistic of s cannot bend that
        // sharply.
        var step = Enumerable.Range(0, 2000).Select(_ =>
        {
            var s = random.NextDouble() * 20 - 10;
            return (s, random.NextDouble() < (s < 0 ? 0.2 : 0.9));
        }).ToArray();
        var (plattLoss, isotonicLoss) = RenewalCalibrator.CrossValidatedLogLoss(step);
        Assert.True(isotonicLoss < plattLoss);
        var chosen = RenewalCalibrator.Fit(step);
        Assert.Equal(RenewalCalibrator.IsotonicMethod, chosen.Method);
        Assert.InRange(chosen.Probability(-5), 0.15, 0.25);
        Assert.InRange(chosen.Probability(5), 0.85, 0.95);
    }

    [Fact]
    public void FewCalibrationOutcomesAlwaysUsePlatt()
    {
        var step = Enumerable.Range(0, RenewalCalibrator.MinimumForIsotonic - 1).Select(i => ((double)i, i % 3 != 0))
            .ToArray();

        Assert.Equal(RenewalCalibrator.PlattMethod, RenewalCalibrator.Fit(step).Method);
    }
}
