using System.Globalization;
using CustomerHealth.Domain.Renewals;
using RenewalTrainer = CustomerHealth.Infrastructure.Renewals.RenewalTrainer;
using RenewalTrainingSettings = CustomerHealth.Infrastructure.Renewals.RenewalTrainingSettings;
using TrainingOutcome = CustomerHealth.Infrastructure.Renewals.TrainingOutcome;

namespace CustomerHealth.Server.Tests.Renewals;

/// <summary>The hyper-parameter settings the calibration fold chooses among, and the fits the trainer skips.</summary>
public sealed class RenewalTrainerSettingsTests
{
    /// <summary>
    /// The logistic regression is tried from weak to strong L2, up to strengths that keep about 50 inputs steady on
    /// some 2,000 outcomes (ADR 0089), and the reported setting names say which one was kept.
    /// </summary>
    [Fact]
    public void TheLogisticRegressionIsTriedFromWeakToStrongL2()
    {
        var names = RenewalTrainer.Settings(RenewalModelKind.LogisticRegression).Select(s => s.Name).ToArray();

        Assert.Equal(["L2 0.1", "L2 1", "L2 10", "L2 100", "L2 1000"], names);
        Assert.Equal(4, RenewalTrainer.Settings(RenewalModelKind.GradientBoostedTrees).Count());
    }

    /// <summary>
    /// The trees' cross-fits are skipped when no calibration of their refit's holdout scores can reach the
    /// regression's holdout AUC (ADR 0094): on outcomes whose renewal follows a slanted linear boundary across twenty
    /// inputs, which a linear model draws and axis-aligned trees only approximate, the result says so with that bound
    /// and keeps the model a training running every fit keeps, whose trees' calibrated AUC is within the bound.
    /// </summary>
    [Fact]
    public void TheTreesCrossFitsAreSkippedWhenTheirRefitCannotWinAndTheKeptModelIsTheSame()
    {
        var outcomes = LinearOutcomes(1500);

        var skipping = RenewalTrainer.Train(outcomes, new RenewalTrainingSettings());
        var full = RenewalTrainer.Train(outcomes, new RenewalTrainingSettings { SkipCrossFitsThatCannotWin = false });

        var skipped = skipping.Detail.Candidates[1];
        Assert.True(skipped.StartsWith("gradient_boosted_trees: AUC at most ", StringComparison.Ordinal),
            string.Join(" | ", full.Detail.Candidates));
        Assert.Contains("cross-fits and calibration skipped", skipped);
        var bound = double.Parse(skipped.Split(' ')[4], CultureInfo.InvariantCulture);
        Assert.True(bound < skipping.Detail.Holdout.Auc, $"{skipped} against {skipping.Detail.Holdout.Auc}");
        var trees = double.Parse(full.Detail.Candidates[1].Split(' ')[2].TrimEnd(','), CultureInfo.InvariantCulture);
        Assert.True(trees <= bound, $"{full.Detail.Candidates[1]} against {skipped}");
        Assert.Equal((full.Kind, full.Detail.Setting), (skipping.Kind, skipping.Detail.Setting));
        Assert.Equal(full.Detail.Candidates[0], skipping.Detail.Candidates[0]);
        Assert.Equal((full.Detail.PlattA, full.Detail.PlattB), (skipping.Detail.PlattA, skipping.Detail.PlattB));
        Assert.Equal(full.Holdout.Select(h => h.Probability), skipping.Holdout.Select(h => h.Probability));
    }

    /// <summary>
    /// Outcomes on consecutive days whose first twenty model inputs are standard normal and whose renewal follows
    /// their sum, every other one negated, plus logistic noise (seeded).
    /// </summary>
    private static TrainingOutcome[] LinearOutcomes(int count)
    {
        var random = new Random(3);
        var inputs = RenewalFeatures.ModelNames.Take(20).Select(RenewalFeatures.IndexOf).ToArray();
        return Enumerable.Range(0, count).Select(i =>
        {
            var values = new double[RenewalFeatures.Count];
            var sum = 0.0;
            for (var k = 0; k < inputs.Length; k++)
            {
                var x = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                values[inputs[k]] = x;
                sum += k % 2 == 0 ? x : -x;
            }
            var u = random.NextDouble();
            var renewed = sum / 2 + Math.Log(u / (1 - u)) > -1;
            return new TrainingOutcome(
                $"c{i}", new DateOnly(2025, 1, 1).AddDays(i / 3), new RenewalFeatureVector(values), renewed);
        }).ToArray();
    }
}
