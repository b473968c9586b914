namespace CustomerHealth.Domain.Health;

/// <summary>One recorded renewal decision beside the health score the account had some days before it.</summary>
/// <param name="Score">The score (0 to 100) as of the lead day.</param>
/// <param name="Band">The band of that score (critical, at risk or healthy).</param>
/// <param name="Renewed">True for a renewal, false for a churn.</param>
public readonly record struct BacktestCase(double Score, HealthBand Band, bool Renewed);

/// <summary>The renewals and churns of the cases whose score fell in one band.</summary>
public sealed record BandRenewals(HealthBand Band, int Renewals, int Churns)
{
    /// <summary>Renewals / (renewals + churns); null when the band had no case.</summary>
    public double? RenewalRate => Renewals + Churns == 0 ? null : (double)Renewals / (Renewals + Churns);
}

/// <summary>How well scores separated renewals from churns.</summary>
/// <param name="Auc">See <see cref="HealthBacktest.Auc"/>; null without at least one renewal and one churn.</param>
/// <param name="Bands">Critical, at risk and healthy, in that order, each present even without cases.</param>
public sealed record BacktestResult(int Renewals, int Churns, double? Auc, IReadOnlyList<BandRenewals> Bands);

/// <summary>
/// Score quality: does a higher health score some days before a renewal go with renewing? Pure figures over cases that
/// had a score; which cases and which scores is the caller's business.
/// </summary>
public static class HealthBacktest
{
    private static readonly HealthBand[] ReportedBands = [HealthBand.Critical, HealthBand.AtRisk, HealthBand.Healthy];

    /// <summary>The AUC, the renewals and churns, and the renewal rate of each band.</summary>
    public static BacktestResult Evaluate(IReadOnlyCollection<BacktestCase> cases)
    {
        var renewals = cases.Count(c => c.Renewed);
        var bands = ReportedBands
            .Select(
                b => new BandRenewals(
                    b, cases.Count(c => c.Band == b && c.Renewed), cases.Count(c => c.Band == b && !c.Renewed)))
            .ToArray();
        return new BacktestResult(
            renewals, cases.Count - renewals, Auc(cases.Select(c => (c.Score, c.Renewed)).ToArray()), bands);
    }

    /// <summary>
    /// The area under the ROC curve of the score as a predictor of renewal: the probability that a renewal picked at
    /// random scored higher than a churn picked at random, a tie counting half (the Mann–Whitney U of the renewals
    /// divided by renewals × churns). 1: every renewal scored above every churn; 0.5: no better than chance; 0: exactly
    /// backwards. Computed from mid-ranks in O(n log n). Null without at least one renewal and one churn.
    /// </summary>
    public static double? Auc(IReadOnlyList<(double Score, bool Renewed)> cases)
    {
        var positives = cases.Count(c => c.Renewed);
        var negatives = cases.Count - positives;
        if (positives == 0 || negatives == 0) return null;

        var sorted = cases.OrderBy(c => c.Score).ToArray();
        var positiveRankSum = 0.0;
        for (var i = 0; i < sorted.Length;)
        {
            var j = i;
            while (j < sorted.Length && sorted[j].Score == sorted[i].Score) j++;
            // Ranks i+1 .. j share their mean.
            var midRank = (i + 1 + j) / 2.0;
            for (var k = i; k < j; k++)
            {
                if (sorted[k].Renewed) positiveRankSum += midRank;
            }
            i = j;
        }
        var u = positiveRankSum - positives * (positives + 1) / 2.0;
        return u / ((double)positives * negatives);
    }
}
