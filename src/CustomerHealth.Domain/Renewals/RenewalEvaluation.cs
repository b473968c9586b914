using CustomerHealth.Domain.Health;

namespace CustomerHealth.Domain.Renewals;

/// <summary>
/// One bin of a calibration table: predictions from <see cref="Lower"/> (included) to <see cref="Upper"/>.
/// </summary>
public sealed record CalibrationBin(double Lower, double Upper, int Count, double MeanPredicted, double ObservedRate)
{
    public double Gap => Math.Abs(MeanPredicted - ObservedRate);
}

/// <summary>A predictor's figures on a set of outcomes.</summary> <param name="Auc">Null without both renewals and
/// churns.</param> <param name="MaxCalibrationGap">The largest gap over bins with at least <see
/// cref="RenewalEvaluation.MinimumBinForGap"/> outcomes; null when none has.</param> <param name="AucInterval">The
/// AUC's 95 % confidence interval (<see cref="AucConfidence.HanleyMcNeil"/>); null without an AUC, and in figures
/// stored before it was reported.</param>
public sealed record RenewalMetrics(
    int Count, double? Auc, double LogLoss, double Brier, IReadOnlyList<CalibrationBin> Calibration,
    double? MaxCalibrationGap, AucInterval? AucInterval = null);

/// <summary>Quality figures of probabilities of renewal against outcomes (1 renewed, 0 churned). Pure.</summary>
public static class RenewalEvaluation
{
    public const int Bins = 10;
    public const double Epsilon = 1e-6;
    public const int MinimumBinForGap = 20;

    public static RenewalMetrics Evaluate(IReadOnlyList<(double Probability, bool Renewed)> cases)
    {
        if (cases.Count == 0) return new RenewalMetrics(0, null, 0, 0, [], null);
        var calibration = Calibration(cases);
        var gaps = calibration.Where(b => b.Count >= MinimumBinForGap).Select(b => b.Gap).ToArray();
        var auc = HealthBacktest.Auc(cases);
        var renewals = cases.Count(c => c.Renewed);
        return new RenewalMetrics(cases.Count, auc, LogLoss(cases), Brier(cases), calibration,
            gaps.Length == 0 ? null : gaps.Max(), AucConfidence.HanleyMcNeil(auc, renewals, cases.Count - renewals));
    }

    /// <summary>Mean negative log-likelihood, natural log, probabilities clipped to [ε, 1 − ε].</summary>
    public static double LogLoss(IReadOnlyList<(double Probability, bool Renewed)> cases) =>
        cases.Average(c =>
        {
            var p = Math.Clamp(c.Probability, Epsilon, 1 - Epsilon);
            return -(c.Renewed ? Math.Log(p) : Math.Log(1 - p));
        });

    /// <summary>Mean squared error of the probability against the outcome.</summary>
    public static double Brier(IReadOnlyList<(double Probability, bool Renewed)> cases) =>
        cases.Average(c => Math.Pow(c.Probability - (c.Renewed ? 1 : 0), 2));

    /// <summary>The decile a probability falls in (0 to <see cref="Bins"/> − 1; 1.0 in the last one).</summary>
    public static int BinOf(double probability) =>
        Math.Min(Bins - 1, (int)Math.Floor(Math.Clamp(probability, 0, 1) * Bins));

    /// <summary>Deciles of predicted probability (the last one includes 1.0), only those holding a case.</summary>
    public static IReadOnlyList<CalibrationBin> Calibration(IReadOnlyList<(double Probability, bool Renewed)> cases) =>
        cases.GroupBy(c => BinOf(c.Probability))
            .OrderBy(g => g.Key)
            .Select(
                g => new CalibrationBin(
                    g.Key / (double)Bins, (g.Key + 1) / (double)Bins, g.Count(), g.Average(c => c.Probability),
                    g.Average(c => c.Renewed ? 1.0 : 0.0)))
            .ToArray();
}
