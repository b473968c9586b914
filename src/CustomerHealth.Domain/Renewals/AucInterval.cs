namespace CustomerHealth.Domain.Renewals;

/// <summary>An AUC with its standard error and a two-sided confidence interval, clipped to [0, 1].</summary>
public sealed record AucInterval(double Auc, double StandardError, double Lower, double Upper);

/// <summary>
/// The uncertainty of an AUC measured on a finite set of outcomes, by Hanley and McNeil's approximation (Radiology,
/// 1982): with A the AUC, n₁ renewals and n₂ churns, Q₁ = A / (2 − A), Q₂ = 2A² / (1 + A) and
/// SE² = (A(1 − A) + (n₁ − 1)(Q₁ − A²) + (n₂ − 1)(Q₂ − A²)) / (n₁ n₂); the interval is A ± z · SE. It treats the scores
/// as exponentially distributed in each class, which makes it a little wide or narrow at the extremes, but it needs
/// only
/// the counts, so it can be reported beside any stored AUC. Pure.
/// </summary>
public static class AucConfidence
{
    /// <summary>The normal quantile of a two-sided 95 % interval.</summary>
    public const double Z95 = 1.959964;

    /// <summary>Null without an AUC or without at least one outcome of each class.</summary>
    public static AucInterval? HanleyMcNeil(double? auc, int renewals, int churns, double z = Z95)
    {
        if (auc is not { } a || renewals < 1 || churns < 1) return null;
        var q1 = a / (2 - a);
        var q2 = 2 * a * a / (1 + a);
        var variance = (a * (1 - a) + (renewals - 1) * (q1 - a * a) + (churns - 1) * (q2 - a * a))
            / ((double)renewals * churns);
        var se = Math.Sqrt(Math.Max(0, variance));
        return new AucInterval(a, se, Math.Max(0, a - z * se), Math.Min(1, a + z * se));
    }
}
