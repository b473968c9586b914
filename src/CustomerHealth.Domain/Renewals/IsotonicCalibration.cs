namespace CustomerHealth.Domain.Renewals;

/// <summary>
/// Isotonic calibration: the non-decreasing step function of a model's raw score that best fits the outcomes in squared
/// error, fitted by pool-adjacent-violators on held-back outcomes. Each pooled block becomes a knot (mean score of the
/// block, renewal rate of the block); a score between two knots is interpolated linearly, one outside them takes the
/// nearest knot's value. Probabilities are kept within [1/(n + 2), 1 − 1/(n + 2)] for n calibration outcomes, so a
/// block of one class alone cannot claim certainty (the bound Platt's smoothed targets imply).
/// </summary>
public sealed record IsotonicCalibration(IReadOnlyList<double> Scores, IReadOnlyList<double> Probabilities)
{
    public double Probability(double score)
    {
        var xs = Scores;
        var ys = Probabilities;
        if (xs.Count == 0) return 0.5;
        if (score <= xs[0]) return ys[0];
        if (score >= xs[^1]) return ys[^1];
        // The last knot at or below the score (binary search: knots are sorted by score, strictly increasing).
        int lo = 0, hi = xs.Count - 1;
        while (hi - lo > 1)
        {
            var mid = (lo + hi) / 2;
            if (xs[mid] <= score) lo = mid;
            else hi = mid;
        }
        var t = (score - xs[lo]) / (xs[hi] - xs[lo]);
        return ys[lo] + t * (ys[hi] - ys[lo]);
    }

    public static IsotonicCalibration Fit(IReadOnlyList<(double Score, bool Renewed)> cases)
    {
        if (cases.Count == 0) throw new ArgumentException("Calibration needs outcomes.", nameof(cases));
        var sorted = cases.OrderBy(c => c.Score).ToArray();
        // Blocks of equal scores first (ties must share one value), then pool adjacent violators.
        var sums = new List<double>();
        var scoreSums = new List<double>();
        var counts = new List<int>();
        for (var i = 0; i < sorted.Length; i++)
        {
            var y = sorted[i].Renewed ? 1.0 : 0.0;
            if (counts.Count > 0 && sorted[i].Score == sorted[i - 1].Score)
            {
                sums[^1] += y;
                scoreSums[^1] += sorted[i].Score;
                counts[^1]++;
            }
            else
            {
                sums.Add(y);
                scoreSums.Add(sorted[i].Score);
                counts.Add(1);
            }
            while (counts.Count > 1 && sums[^2] / counts[^2] >= sums[^1] / counts[^1])
            {
                sums[^2] += sums[^1];
                scoreSums[^2] += scoreSums[^1];
                counts[^2] += counts[^1];
                sums.RemoveAt(sums.Count - 1);
                scoreSums.RemoveAt(scoreSums.Count - 1);
                counts.RemoveAt(counts.Count - 1);
            }
        }
        var floor = 1.0 / (cases.Count + 2);
        var xs = new double[counts.Count];
        var ys = new double[counts.Count];
        for (var k = 0; k < counts.Count; k++)
        {
            xs[k] = scoreSums[k] / counts[k];
            ys[k] = Math.Clamp(sums[k] / counts[k], floor, 1 - floor);
        }
        return new IsotonicCalibration(xs, ys);
    }
}
