namespace CustomerHealth.Domain.Health;

/// <summary>
/// L2-regularised logistic regression whose weights are held at zero or above (projected gradient descent): the model
/// of P(renewed) = σ(b + Σ wⱼ xⱼ) with every wⱼ ≥ 0, so that a higher component score can only raise the estimate — the
/// monotone form a health score's weighted mean needs. Inputs are centred on their means (the intercept absorbs them);
/// the intercept is not regularised. Deterministic: a fixed number of full-batch steps from zero.
/// </summary>
public static class NonNegativeLogistic
{
    public const int Iterations = 2000;

    /// <summary>The weights (one per column, each ≥ 0) fitted to <paramref name="x"/> (rows × columns, no gaps) and
    /// labels.</summary>
    public static double[] Fit(IReadOnlyList<double[]> x, IReadOnlyList<bool> renewed, double l2)
    {
        var (n, p) = (x.Count, x.Count == 0 ? 0 : x[0].Length);
        var w = new double[p];
        if (n == 0 || p == 0) return w;
        var means = new double[p];
        foreach (var row in x)
        {
            for (var j = 0; j < p; j++) means[j] += row[j] / n;
        }
        var centred = x.Select(row => row.Select((v, j) => v - means[j]).ToArray()).ToArray();
        // A step of 1 / L, where L bounds the curvature of the mean log-loss: ¼ of the mean squared row norm, plus the
        // L2.
        var lipschitz = 0.25 * centred.Sum(r => r.Sum(v => v * v)) / n + l2;
        var step = lipschitz > 0 ? 1 / lipschitz : 1;
        var positives = renewed.Count(r => r);
        var b = Math.Log((positives + 0.5) / (n - positives + 0.5));
        var gradient = new double[p];
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            Array.Clear(gradient);
            double gb = 0;
            for (var i = 0; i < n; i++)
            {
                var z = b;
                for (var j = 0; j < p; j++) z += w[j] * centred[i][j];
                var error = 1 / (1 + Math.Exp(-z)) - (renewed[i] ? 1 : 0);
                gb += error / n;
                for (var j = 0; j < p; j++) gradient[j] += error * centred[i][j] / n;
            }
            b -= step * gb;
            for (var j = 0; j < p; j++) w[j] = Math.Max(0, w[j] - step * (gradient[j] + l2 * w[j]));
        }
        return w;
    }
}
