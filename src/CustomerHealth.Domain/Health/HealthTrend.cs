namespace CustomerHealth.Domain.Health;

/// <summary>What the daily history keeps of a score: its day, the score (null when unknown) and the band.</summary>
public sealed record ScoreSnapshot(DateOnly Day, double? Score, HealthBand Band);

/// <summary>Score changes over 7 and 30 days, in points (one decimal); null when either end has no score.</summary>
public sealed record HealthTrend(double? Change7Days, double? Change30Days)
{
    /// <summary>
    /// The changes from the snapshots 7 and 30 days before (either may be missing) to <paramref name="current"/>.
    /// </summary>
    public static HealthTrend Of(double? current, ScoreSnapshot? sevenDaysAgo, ScoreSnapshot? thirtyDaysAgo) =>
        new(Delta(current, sevenDaysAgo?.Score), Delta(current, thirtyDaysAgo?.Score));

    internal static double? Delta(double? now, double? before) =>
        now is { } n && before is { } b ? Math.Round(n - b, 1, MidpointRounding.AwayFromZero) : null;
}

/// <summary>Why a change-feed entry is due, or <see cref="None"/>.</summary>
public enum ChangeReason
{
    None = 0,
    /// <summary>The account's first score.</summary>
    FirstScore = 1,
    /// <summary>The band changed (including to or from unknown).</summary>
    BandChanged = 2,
    /// <summary>Same band, but the score moved by at least the scorecard's threshold.</summary>
    Moved = 3,
}

/// <summary>When an account's score goes into the change feed.</summary>
public static class ChangeFeed
{
    /// <summary>
    /// Compares a new score with the one of the account's <b>last change-feed entry</b> (not with yesterday's snapshot,
    /// so that slow drifts add up until they cross the threshold): due when there is none yet, when the band differs,
    /// or when the score moved by at least <see cref="Scorecard.ChangeThresholdPoints"/> (compared at one decimal).
    /// </summary>
    public static ChangeReason ReasonFor(ScoreSnapshot? lastReported, HealthScore current, Scorecard scorecard) =>
        ReasonFor(lastReported, current.ToSnapshot(), scorecard);

    /// <summary>The same rule for a score already reduced to its snapshot (as stored scores are).</summary>
    public static ChangeReason ReasonFor(ScoreSnapshot? lastReported, ScoreSnapshot current, Scorecard scorecard) =>
        lastReported is null ? ChangeReason.FirstScore
        : lastReported.Band != current.Band ? ChangeReason.BandChanged
        : HealthTrend.Delta(current.Score, lastReported.Score) is { } delta
            && Math.Abs(delta) >= scorecard.ChangeThresholdPoints ? ChangeReason.Moved
        : ChangeReason.None;
}
