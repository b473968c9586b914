namespace CustomerHealth.Domain.Renewals;

/// <summary>One recorded outcome for training: when the renewal was due, which contract, and whether it renewed.</summary>
public interface ITimedOutcome
{
    DateOnly RenewalDate { get; }
    string ContractId { get; }
}

/// <summary>The three folds of a time-ordered split, each oldest first.</summary>
public sealed record TimeOrderedSplit<T>(IReadOnlyList<T> Fit, IReadOnlyList<T> Calibration, IReadOnlyList<T> Holdout);

/// <summary>
/// Splits outcomes by time, never at random: sorted by renewal date (then contract id), the newest
/// <c>holdoutShare</c> are held out for the figures, the newest <c>calibrationShare</c> of the rest calibrate probabilities,
/// and the oldest are fitted on. So a model is always judged on renewals that came after everything it learnt from.
/// </summary>
public static class TimeOrderedSplitter
{
    public static TimeOrderedSplit<T> Split<T>(IEnumerable<T> outcomes, double holdoutShare, double calibrationShare) where T : ITimedOutcome
    {
        if (holdoutShare is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(holdoutShare), "must be between 0 and 1");
        if (calibrationShare is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(calibrationShare), "must be between 0 and 1");
        var sorted = outcomes.OrderBy(o => o.RenewalDate).ThenBy(o => o.ContractId, StringComparer.Ordinal).ToArray();
        var holdout = (int)Math.Round(sorted.Length * holdoutShare);
        var rest = sorted.Length - holdout;
        var calibration = (int)Math.Round(rest * calibrationShare);
        var fit = rest - calibration;
        return new TimeOrderedSplit<T>(sorted[..fit], sorted[fit..rest], sorted[rest..]);
    }
}
