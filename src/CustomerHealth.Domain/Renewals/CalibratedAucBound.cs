namespace CustomerHealth.Domain.Renewals;

/// <summary>
/// The highest AUC (ties counting half, as <see cref="Health.HealthBacktest.Auc"/> counts them) that any monotone map
/// of a model's raw scores can reach on some outcomes: the area under the upper convex hull of the scores' ROC curve,
/// in whichever direction is larger. A non-decreasing map (isotonic calibration, Platt scaling with a positive slope)
/// can only merge adjacent groups of equal scores, so its ROC curve joins some of the raw curve's vertices by straight
/// lines and lies under the hull; a non-increasing one (a negative Platt slope) does the same for the reversed scores.
/// Whatever a calibrator fitted elsewhere does to these scores, their calibrated AUC cannot exceed the bound. Pure.
/// </summary>
public static class CalibratedAucBound
{
    /// <summary>The bound; null without at least one renewal and one churn (no AUC either).</summary>
    public static double? Of(IReadOnlyList<(double Score, bool Renewed)> cases)
    {
        long positives = cases.Count(c => c.Renewed);
        long negatives = cases.Count - positives;
        if (positives == 0 || negatives == 0) return null;
        var ascending = cases.OrderBy(c => c.Score).ToArray();
        var doubleArea = Math.Max(
            DoubleHullArea(ascending.Reverse().ToArray()), DoubleHullArea(ascending));
        return doubleArea / (2.0 * positives * negatives);
    }

    /// <summary>
    /// Twice the area under the upper hull of the ROC curve that ranks <paramref name="ranked"/> first to last (churns
    /// passed on x, renewals on y, one vertex per group of equal scores), in whole counts so that it is exact.
    /// </summary>
    private static long DoubleHullArea((double Score, bool Renewed)[] ranked)
    {
        var hull = new List<(long X, long Y)> { (0, 0) };
        long x = 0, y = 0;
        for (var i = 0; i < ranked.Length;)
        {
            var j = i;
            for (; j < ranked.Length && ranked[j].Score == ranked[i].Score; j++)
            {
                if (ranked[j].Renewed) y++;
                else x++;
            }
            // Drop the last vertex while it lies on or under the segment from the one before it to the new point.
            while (hull.Count > 1 && Cross(hull[^2], hull[^1], (x, y)) >= 0) hull.RemoveAt(hull.Count - 1);
            hull.Add((x, y));
            i = j;
        }
        long area = 0;
        for (var k = 1; k < hull.Count; k++) area += (hull[k].X - hull[k - 1].X) * (hull[k].Y + hull[k - 1].Y);
        return area;
    }

    /// <summary>Non-negative when b lies on or under the segment from a to c (a counter-clockwise turn).</summary>
    private static long Cross((long X, long Y) a, (long X, long Y) b, (long X, long Y) c) =>
        ((b.X - a.X) * (c.Y - a.Y)) - ((b.Y - a.Y) * (c.X - a.X));
}
