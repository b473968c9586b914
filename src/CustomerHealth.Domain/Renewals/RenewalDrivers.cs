namespace CustomerHealth.Domain.Renewals;

/// <summary>Which way a feature pushes a prediction.</summary>
public enum DriverDirection
{
    Unspecified = 0,
    RaisesRenewal = 1,
    LowersRenewal = 2,
}

/// <summary>One feature's part in a prediction: its value and its contribution to the log-odds of renewal.</summary>
public sealed record RenewalDriver(string Feature, double Value, double Contribution)
{
    public DriverDirection Direction =>
        Contribution >= 0 ? DriverDirection.RaisesRenewal : DriverDirection.LowersRenewal;
}

public static class RenewalDrivers
{
    public const int DefaultTop = 5;

    /// <summary>
    /// The <paramref name="top"/> drivers with the largest absolute contribution, largest first (ties by feature name);
    /// contributions of exactly 0 (a feature at its reference value) are left out.
    /// </summary>
    public static IReadOnlyList<RenewalDriver> Top(IEnumerable<RenewalDriver> drivers, int top = DefaultTop) =>
        drivers.Where(d => d.Contribution != 0 && !double.IsNaN(d.Contribution))
            .OrderByDescending(d => Math.Abs(d.Contribution))
            .ThenBy(d => d.Feature, StringComparer.Ordinal)
            .Take(top)
            .ToArray();

    /// <summary>The heuristic's single driver: the health score.</summary>
    public static IReadOnlyList<RenewalDriver> OfPrior(RenewalFeatureVector features)
    {
        var score = features[RenewalFeatures.HealthScore];
        return Top([new RenewalDriver(RenewalFeatures.HealthScore, score, RenewalPrior.Contribution(score))]);
    }
}
