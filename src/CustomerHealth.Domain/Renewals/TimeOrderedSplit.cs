namespace CustomerHealth.Domain.Renewals;

/// <summary>
/// One recorded outcome for training: when the renewal was due, which contract, and whether it renewed.
/// </summary>
public interface ITimedOutcome
{
    DateOnly RenewalDate { get; }
    string ContractId { get; }
}

/// <summary>The three folds of a time-ordered split, each oldest first.</summary>
public sealed record TimeOrderedSplit<T>(IReadOnlyList<T> Fit, IReadOnlyList<T> Calibration, IReadOnlyList<T> Holdout);

/// <summary>
/// Splits outcomes by time, never at random: sorted by renewal date (then contract id), about the newest
/// <c>holdoutShare</c> are held out for the figures, about the newest <c>calibrationShare</c> of the rest calibrate
/// probabilities, and the oldest are fitted on. So a model is always judged on renewals that came after everything it
/// learnt from. Every cut falls between two renewal days, never inside one (<see cref="CutOnWholeDays{T}"/>), so a fold
/// is a range of renewal dates: a backtest over the holdout's dates finds exactly the holdout's outcomes.
/// </summary>
public static class TimeOrderedSplitter
{
    public static TimeOrderedSplit<T> Split<T>(IEnumerable<T> outcomes, double holdoutShare, double calibrationShare)
        where T : ITimedOutcome
    {
        if (holdoutShare is <= 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(holdoutShare), "must be between 0 and 1");
        if (calibrationShare is <= 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(calibrationShare), "must be between 0 and 1");
        var sorted = outcomes.OrderBy(o => o.RenewalDate).ThenBy(o => o.ContractId, StringComparer.Ordinal).ToArray();
        var rest = CutOnWholeDays(sorted, sorted.Length, (int)Math.Round(sorted.Length * holdoutShare));
        var fit = CutOnWholeDays(sorted, rest, (int)Math.Round(rest * calibrationShare));
        return new TimeOrderedSplit<T>(sorted[..fit], sorted[fit..rest], sorted[rest..]);
    }

    /// <summary>
    /// Where to cut the first <paramref name="length"/> outcomes of <paramref name="sorted"/> so that about
    /// <paramref name="newest"/> of them come after the cut: the index of the first one after it. When that index falls
    /// inside a renewal day, the cut moves to the day's start or its end, whichever leaves a count nearer the target
    /// (a tie: the start, the larger newer part); it never moves to index 0 (the older part would be empty) when the
    /// end
    /// of the day is available instead.
    /// </summary>
    public static int CutOnWholeDays<T>(IReadOnlyList<T> sorted, int length, int newest) where T : ITimedOutcome
    {
        var cut = Math.Clamp(length - newest, 0, length);
        if (cut == 0 || cut == length || sorted[cut - 1].RenewalDate != sorted[cut].RenewalDate) return cut;
        var day = sorted[cut].RenewalDate;
        var start = cut;
        while (start > 0 && sorted[start - 1].RenewalDate == day) start--;
        var end = cut;
        while (end < length && sorted[end].RenewalDate == day) end++;
        if (start == 0) return end;
        return cut - start <= end - cut ? start : end;
    }
}
