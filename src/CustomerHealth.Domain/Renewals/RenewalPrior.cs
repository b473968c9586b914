namespace CustomerHealth.Domain.Renewals;

/// <summary>
/// The heuristic used while too few outcomes are recorded to train a model: the probability of renewal is a logistic
/// function of the health score, p = σ((s − 40) / 15), s the overall score (an unknown score counts as 50). A score of
/// 40 (the default at-risk threshold) gives 0.5, 70 (healthy) 0.88, 20 0.21; the curve is monotone, so its AUC is the
/// score's own. Its one driver is the health score, contributing (s − 50) / 15 to the log-odds against a middling score
/// of 50.
/// </summary>
public static class RenewalPrior
{
    public const double Midpoint = 40;
    public const double Scale = 15;
    public const double Reference = 50;

    public static double Probability(double? score) => Sigmoid(((score ?? Reference) - Midpoint) / Scale);

    /// <summary>The probability from a feature vector (its <c>health_score</c>, already filled).</summary>
    public static double ProbabilityOf(RenewalFeatureVector features) =>
        Probability(features[RenewalFeatures.HealthScore]);

    /// <summary>The health score's contribution to the log-odds against a score of <see cref="Reference"/>.</summary>
    public static double Contribution(double score) => (score - Reference) / Scale;

    public static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));
}
