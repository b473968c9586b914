namespace CustomerHealth.Domain.Renewals;

/// <summary>
/// Platt scaling: a calibrated probability p = σ(A·s + B) from a model's raw score s, with A and B fitted by maximum
/// likelihood (Newton's method) on held-back outcomes, with Platt's smoothed targets (N₊ + 1)/(N₊ + 2) and 1/(N₋ + 2)
/// so a small calibration set cannot push probabilities to exactly 0 or 1.
/// </summary>
public sealed record PlattScaling(double A, double B)
{
    public double Probability(double score) => RenewalPrior.Sigmoid(A * score + B);

    public static PlattScaling Fit(IReadOnlyList<(double Score, bool Renewed)> cases, int maxIterations = 100)
    {
        var positives = cases.Count(c => c.Renewed);
        var negatives = cases.Count - positives;
        if (positives == 0 || negatives == 0) throw new ArgumentException(
            "Calibration needs at least one renewal and one churn.", nameof(cases));
        var hi = (positives + 1.0) / (positives + 2.0);
        var lo = 1.0 / (negatives + 2.0);
        double a = 1, b = 0;
        var previous = NegativeLogLikelihood(cases, a, b, hi, lo);
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            // Gradient and Hessian of the negative log-likelihood in (a, b).
            double ga = 0, gb = 0, haa = 1e-12, hab = 0, hbb = 1e-12;
            foreach (var (s, renewed) in cases)
            {
                var t = renewed ? hi : lo;
                var p = RenewalPrior.Sigmoid(a * s + b);
                var d = p - t;
                var w = p * (1 - p);
                ga += d * s;
                gb += d;
                haa += w * s * s;
                hab += w * s;
                hbb += w;
            }
            var det = haa * hbb - hab * hab;
            if (Math.Abs(det) < 1e-18) break;
            var da = (hbb * ga - hab * gb) / det;
            var db = (haa * gb - hab * ga) / det;
            // Backtracking keeps every step an improvement.
            var step = 1.0;
            double next;
            do
            {
                next = NegativeLogLikelihood(cases, a - step * da, b - step * db, hi, lo);
                if (next <= previous + 1e-12) break;
                step /= 2;
            }
            while (step > 1e-8);
            a -= step * da;
            b -= step * db;
            if (Math.Abs(previous - next) < 1e-10) break;
            previous = next;
        }
        return new PlattScaling(a, b);
    }

    private static double NegativeLogLikelihood(
        IReadOnlyList<(double Score, bool Renewed)> cases, double a, double b, double hi, double lo)
    {
        var sum = 0.0;
        foreach (var (s, renewed) in cases)
        {
            var t = renewed ? hi : lo;
            var z = a * s + b;
            // log(1 + e^z) computed stably.
            var softplus = z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z));
            sum += softplus - t * z;
        }
        return sum;
    }
}
