namespace CustomerHealth.Domain.Renewals;

/// <summary>
/// Turns a model's raw score into a probability of renewal: Platt scaling, or isotonic calibration when it fits the
/// calibration outcomes better. Platt is always fitted: its slope A puts a change of raw score on the log-odds scale,
/// which is how drivers are measured whichever calibration the probabilities use.
/// </summary>
public sealed record RenewalCalibrator(PlattScaling Platt, IsotonicCalibration? Isotonic)
{
    public const string PlattMethod = "platt";
    public const string IsotonicMethod = "isotonic";

    /// <summary>Folds of the cross-validation that chooses the method.</summary>
    public const int Folds = 5;

    /// <summary>
    /// Isotonic calibration is only considered from this many calibration outcomes on (below, Platt's two parameters).
    /// </summary>
    public const int MinimumForIsotonic = 200;

    public string Method => Isotonic is null ? PlattMethod : IsotonicMethod;

    public double Probability(double score) => Isotonic?.Probability(score) ?? Platt.Probability(score);

    /// <summary>
    /// Fits both on <paramref name="cases"/> and keeps isotonic only when its mean log-loss over a <see
    /// cref="Folds"/>-fold cross-validation within <paramref name="cases"/> (case i in fold i mod <see cref="Folds"/>)
    /// is lower than Platt's. Nothing outside the calibration outcomes is looked at.
    /// </summary>
    public static RenewalCalibrator Fit(IReadOnlyList<(double Score, bool Renewed)> cases)
    {
        var platt = PlattScaling.Fit(cases);
        if (cases.Count < MinimumForIsotonic) return new RenewalCalibrator(platt, null);
        var (plattLoss, isotonicLoss) = CrossValidatedLogLoss(cases);
        return isotonicLoss < plattLoss
            ? new RenewalCalibrator(platt, IsotonicCalibration.Fit(cases)) : new RenewalCalibrator(platt, null);
    }

    /// <summary>
    /// The mean held-out log-loss of Platt and of isotonic calibration over the folds; a fold whose training part lacks
    /// a class is skipped.
    /// </summary>
    public static (double Platt, double Isotonic) CrossValidatedLogLoss(
        IReadOnlyList<(double Score, bool Renewed)> cases)
    {
        var platt = new List<(double, bool)>();
        var isotonic = new List<(double, bool)>();
        for (var fold = 0; fold < Folds; fold++)
        {
            var train = cases.Where((_, i) => i % Folds != fold).ToArray();
            var test = cases.Where((_, i) => i % Folds == fold).ToArray();
            if (test.Length == 0 || train.All(c => c.Renewed) || train.All(c => !c.Renewed)) continue;
            var p = PlattScaling.Fit(train);
            var iso = IsotonicCalibration.Fit(train);
            platt.AddRange(test.Select(c => (p.Probability(c.Score), c.Renewed)));
            isotonic.AddRange(test.Select(c => (iso.Probability(c.Score), c.Renewed)));
        }
        return platt.Count == 0 ? (0, double.PositiveInfinity)
            : (RenewalEvaluation.LogLoss(platt), RenewalEvaluation.LogLoss(isotonic));
    }
}
