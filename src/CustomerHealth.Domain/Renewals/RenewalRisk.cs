namespace CustomerHealth.Domain.Renewals;

/// <summary>
/// How likely a contract is to churn, from its probability of renewal; each level riskier than the one before.
/// </summary>
public enum RenewalRisk
{
    Unspecified = 0,
    /// <summary>Probability of renewal of 0.8 or more.</summary>
    Low = 1,
    /// <summary>From 0.6 to below 0.8.</summary>
    Medium = 2,
    /// <summary>From 0.4 to below 0.6.</summary>
    High = 3,
    /// <summary>Below 0.4.</summary>
    Critical = 4,
}

/// <summary>What made a prediction.</summary>
public enum RenewalModelKind
{
    Unspecified = 0,
    /// <summary>The prior on the health score (<see cref="RenewalPrior"/>), version 0.</summary>
    Heuristic = 1,
    LogisticRegression = 2,
    GradientBoostedTrees = 3,
}

public static class RenewalRisks
{
    public const double LowFrom = 0.8;
    public const double MediumFrom = 0.6;
    public const double HighFrom = 0.4;

    public static RenewalRisk Of(double probability) =>
        double.IsNaN(probability) ? throw new ArgumentException("The probability is not a number.", nameof(probability))
        : probability >= LowFrom ? RenewalRisk.Low
        : probability >= MediumFrom ? RenewalRisk.Medium
        : probability >= HighFrom ? RenewalRisk.High
        : RenewalRisk.Critical;
}
