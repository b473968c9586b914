namespace CustomerHealth.Domain.Renewals;

/// <summary>
/// The highest AUC (ties counting half, as <see cref="Health.HealthBacktest.Auc"/> counts them) that the trainer's
/// calibration (<see cref="RenewalCalibrator"/>) can give a model's raw scores on some outcomes, whatever outcomes
/// it is fitted on. Platt scaling is strictly monotone (either slope), so it keeps the scores' order, except where the
/// logistic saturates at either end; isotonic calibration (<see cref="IsotonicCalibration"/>) interpolates linearly
/// between knots of strictly increasing probability, so it keeps the order between its first and last knot and only
/// ties the scores below the first or above the last. Either way the calibrated ranking is the raw ranking (or its
/// reverse) with a lowest and a highest run of scores each tied: the bound is the raw AUC (or its complement) plus
/// the most that tying a lowest run and a highest run can add. (Any monotone map whatsoever is bounded only by the
/// area under the convex hull of the ROC curve, which is looser: it never ruled the trees out on the benchmark sets,
/// ADR 0094.) Pure.
/// </summary>
public static class CalibratedAucBound
{
    /// <summary>The bound; null without at least one renewal and one churn (no AUC either).</summary>
    public static double? Of(IReadOnlyList<(double Score, bool Renewed)> cases)
    {
        long positives = cases.Count(c => c.Renewed);
        long negatives = cases.Count - positives;
        if (positives == 0 || negatives == 0) return null;
        var groups = Groups(cases.OrderBy(c => c.Score).ToArray());
        var up = EndsTiedHalfPairs(groups);
        groups.Reverse();
        var down = EndsTiedHalfPairs(groups);
        // Never below 0.5: everything tied in one value is a possible calibration too.
        return Math.Max(Math.Max(up, down), positives * negatives) / (2.0 * positives * negatives);
    }

    /// <summary>The renewals and churns of each group of equal scores, lowest score first.</summary>
    private static List<(long Renewals, long Churns)> Groups((double Score, bool Renewed)[] ascending)
    {
        var groups = new List<(long, long)>();
        for (var i = 0; i < ascending.Length;)
        {
            long renewals = 0, churns = 0;
            var j = i;
            for (; j < ascending.Length && ascending[j].Score == ascending[i].Score; j++)
            {
                if (ascending[j].Renewed) renewals++;
                else churns++;
            }
            groups.Add((renewals, churns));
            i = j;
        }
        return groups;
    }

    /// <summary>
    /// In half pairs (exact): the renewal–churn pairs ranked right by <paramref name="ranked"/> (lowest first, a tie
    /// counting one half pair), plus the most that tying a lowest run of groups and, separately, a highest run can
    /// add (each pair within a tied run then counts one half pair). The two best runs may overlap; the sum is then
    /// still at least every possible calibration's.
    /// </summary>
    private static long EndsTiedHalfPairs(List<(long Renewals, long Churns)> ranked)
    {
        long raw = 0, renewalsBelow = 0, churnsBelow = 0;
        long lowGain = 0, lowRight = 0;
        foreach (var (renewals, churns) in ranked)
        {
            var right = (2 * renewals * churnsBelow) + (renewals * churns);
            raw += right;
            lowRight += right;
            renewalsBelow += renewals;
            churnsBelow += churns;
            lowGain = Math.Max(lowGain, (renewalsBelow * churnsBelow) - lowRight);
        }
        long highGain = 0, highRight = 0, renewalsAbove = 0, churnsAbove = 0;
        for (var k = ranked.Count - 1; k >= 0; k--)
        {
            var (renewals, churns) = ranked[k];
            highRight += (2 * churns * renewalsAbove) + (renewals * churns);
            renewalsAbove += renewals;
            churnsAbove += churns;
            highGain = Math.Max(highGain, (renewalsAbove * churnsAbove) - highRight);
        }
        return raw + lowGain + highGain;
    }
}
