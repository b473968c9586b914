using CustomerHealth.Domain.Health;

namespace CustomerHealth.Domain.Tests.Health;

public sealed class HealthBacktestTests
{
    [Fact]
    public void PerfectSeparationIsOneAndReversedIsZero()
    {
        Assert.Equal(1.0, HealthBacktest.Auc([(80, true), (90, true), (20, false), (35, false)]));
        Assert.Equal(0.0, HealthBacktest.Auc([(10, true), (20, true), (30, false), (95, false)]));
    }

    [Fact]
    public void TiesCountHalf()
    {
        Assert.Equal(0.5, HealthBacktest.Auc([(50, true), (50, false)]));
        Assert.Equal(0.5, HealthBacktest.Auc([(60, true), (60, true), (60, false), (60, false), (60, false)]));
    }

    [Fact]
    public void TheAucCountsOrderedPairs()
    {
        // Renewals 70, 50, 50; churns 60, 50. Pairs (renewal, churn): 70>60, 70>50, 50<60, 50=50, 50<60, 50=50 → (2 + 2
        // × 0.5) / 6.
        Assert.Equal(0.5, HealthBacktest.Auc([(70, true), (50, true), (50, true), (60, false), (50, false)]));
        // Renewals 90, 40; churns 30, 80, 95: 90 beats 30 and 80, 40 beats 30 → 3 / 6.
        Assert.Equal(0.5, HealthBacktest.Auc([(90, true), (40, true), (30, false), (80, false), (95, false)]));
        // Renewals 90, 85, 40; churn 50: 2 / 3.
        Assert.Equal(2.0 / 3, HealthBacktest.Auc([(90, true), (85, true), (40, true), (50, false)])!.Value, 12);
    }

    [Fact]
    public void TheAucAgreesWithCountingPairsOnRandomCases()
    {
        var random = new Random(7);
        var cases = Enumerable.Range(0, 300)
            .Select(_ => (Score: Math.Round(random.NextDouble() * 100, 0), Renewed: random.NextDouble() < 0.7))
            .ToArray();
        double wins = 0;
        var pairs = 0;
        foreach (var r in cases.Where(c => c.Renewed))
        {
            foreach (var c in cases.Where(c => !c.Renewed))
            {
                pairs++;
                wins += r.Score > c.Score ? 1 : r.Score == c.Score ? 0.5 : 0;
            }
        }
        Assert.Equal(wins / pairs, HealthBacktest.Auc(cases)!.Value, 12);
    }

    [Fact]
    public void WithoutBothOutcomesThereIsNoAuc()
    {
        Assert.Null(HealthBacktest.Auc([]));
        Assert.Null(HealthBacktest.Auc([(80, true), (20, true)]));
        Assert.Null(HealthBacktest.Auc([(80, false)]));
    }

    [Fact]
    public void EvaluateCountsOutcomesAndTheRenewalRateOfEachBand()
    {
        var result = HealthBacktest.Evaluate(
        [
            new(85, HealthBand.Healthy, true),
            new(75, HealthBand.Healthy, true),
            new(72, HealthBand.Healthy, false),
            new(55, HealthBand.AtRisk, true),
            new(30, HealthBand.Critical, false),
        ]);

        Assert.Equal(3, result.Renewals);
        Assert.Equal(2, result.Churns);
        // Pairs: 85, 75 beat 72 and 30; 55 beats 30 only → 5 / 6.
        Assert.Equal(5.0 / 6, result.Auc!.Value, 12);
        Assert.Equal([HealthBand.Critical, HealthBand.AtRisk, HealthBand.Healthy], result.Bands.Select(b => b.Band));
        Assert.Equal(new BandRenewals(HealthBand.Critical, 0, 1), result.Bands[0]);
        Assert.Equal(0.0, result.Bands[0].RenewalRate);
        Assert.Equal(1.0, result.Bands[1].RenewalRate);
        Assert.Equal(2.0 / 3, result.Bands[2].RenewalRate!.Value, 12);
    }

    [Fact]
    public void ABandWithoutCasesHasNoRate()
    {
        var result = HealthBacktest.Evaluate([new(90, HealthBand.Healthy, true)]);

        Assert.Null(result.Auc);
        Assert.Equal(new BandRenewals(HealthBand.Critical, 0, 0), result.Bands[0]);
        Assert.Null(result.Bands[0].RenewalRate);
    }
}
