using System.Globalization;
using CustomerHealth.Domain.Accounts;

namespace CustomerHealth.Domain.Health;

/// <summary>
/// A scorecard component made of one usage-rate metric (<see cref="UsageRates"/>): its weight per tier, and how its
/// value maps to 0–100. The mapping is piecewise linear over <paramref name="Breakpoints"/> (non-decreasing, 2 to <see
/// cref="MaxBreakpoints"/>): the first maps to 0, the last to 100, evenly spaced between; a value below the first is 0,
/// above the last 100; a value equal to several breakpoints (a tie, as percentiles of a metric that is often 0 have)
/// takes the mean of their positions. Two breakpoints are thresholds; eleven deciles of the metric among accounts are a
/// percentile mapping. With <paramref name="LowerIsBetter"/> the score is 100 minus that.
/// </summary>
public sealed record UsageMetricComponent(
    string Metric,
    double TechTouchWeight,
    double LowTouchWeight,
    double HighTouchWeight,
    IReadOnlyList<double> Breakpoints,
    bool LowerIsBetter = false)
{
    public const int MaxBreakpoints = 21;

    /// <summary>The weight for a tier; unspecified is tech-touch.</summary>
    public double WeightFor(CsTier tier) => tier switch
    {
        CsTier.HighTouch => HighTouchWeight,
        CsTier.LowTouch => LowTouchWeight,
        _ => TechTouchWeight,
    };

    /// <summary>The 0–100 score of a metric value.</summary>
    public double ScoreOf(double value)
    {
        var b = Breakpoints;
        var steps = b.Count - 1;
        double position;
        if (value < b[0]) position = 0;
        else if (value > b[^1]) position = steps;
        else if (b.Contains(value)) position = TiedPosition(b, value);
        else
        {
            var i = 0;
            while (b[i + 1] < value) i++;
            position = i + (value - b[i]) / (b[i + 1] - b[i]);
        }
        var score = 100 * position / steps;
        return LowerIsBetter ? 100 - score : score;
    }

    /// <summary>How the value maps, in words ("deciles 0 to 12.5, higher is better").</summary>
    public string DescribeMapping() =>
        $"{(Breakpoints.Count == 2 ? "thresholds" : $"{Breakpoints.Count} breakpoints")} " +
        $"{Breakpoints[0].ToString("0.##", CultureInfo.InvariantCulture)} to " +
        $"{Breakpoints[^1].ToString("0.##", CultureInfo.InvariantCulture)}, " +
        (LowerIsBetter ? "lower is better" : "higher is better");

    /// <summary>What is wrong with a list of breakpoints, or null when it maps.</summary>
    public static string? ExplainBreakpoints(IReadOnlyList<double>? breakpoints)
    {
        if (breakpoints is null || breakpoints.Count < 2) return "must hold at least 2 values";
        if (breakpoints.Count > MaxBreakpoints)
            return $"may hold at most {MaxBreakpoints} values (got {breakpoints.Count})";
        if (breakpoints.Any(x => !double.IsFinite(x))) return "must be finite numbers";
        for (var i = 1; i < breakpoints.Count; i++)
        {
            if (breakpoints[i] < breakpoints[i - 1]) return "must not decrease";
        }
        return breakpoints[^1] > breakpoints[0] ? null : "must not all be equal";
    }

    private static double TiedPosition(IReadOnlyList<double> b, double value)
    {
        double sum = 0;
        var n = 0;
        for (var i = 0; i < b.Count; i++)
        {
            if (b[i] != value) continue;
            sum += i;
            n++;
        }
        return sum / n;
    }
}
