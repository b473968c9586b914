using CustomerHealth.Domain.Renewals;
using RenewalTrainer = CustomerHealth.Infrastructure.Renewals.RenewalTrainer;

namespace CustomerHealth.Server.Tests.Renewals;

/// <summary>The hyper-parameter settings the calibration fold chooses among.</summary>
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
}
