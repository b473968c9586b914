using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Health;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>
/// An account's current health score (table <c>health_scores</c>, one row per account). The columns lists filter and
/// sort on are plain columns; the components and what was missing are one JSON document (<see cref="DetailJson"/>),
/// always read and written whole with the score.
/// </summary>
public sealed class HealthScoreRow
{
    public required string AccountId { get; set; }
    public double? Score { get; set; }
    public HealthBand Band { get; set; }
    public CsTier Tier { get; set; }
    public LifecycleStage Stage { get; set; }
    public bool EffectiveAccount { get; set; }

    /// <summary>
    /// Distinct users active in the 30 days ending on the as-of day (monthly active users, as the scorer counted them);
    /// null on a row written before the column existed, until the account's next recompute.
    /// </summary>
    public int? MonthlyActiveUsers { get; set; }

    /// <summary>
    /// The account's first day with an active user up to the as-of day (daily rollups), or null when it had none. As
    /// the earliest such day it only ever moves earlier, so it answers for any day up to the as-of day too: the first
    /// active day on or before day D is this one when it is on or before D, else there is none. Null as well on a row
    /// written before the column existed, until the account's next recompute.
    /// </summary>
    public DateOnly? FirstActiveDay { get; set; }

    /// <summary>
    /// The UTC day the onboarding plan's first-value milestone was done (<see
    /// cref="Domain.Onboarding.OnboardingPlan.FirstValueMilestone"/>),
    /// or null while it is not (or on a row written before the column existed). Like <see cref="FirstActiveDay"/> it
    /// answers for earlier days too: done by day D when this day is on or before D.
    /// </summary>
    public DateOnly? FirstValueDay { get; set; }

    public double CompletenessShare { get; set; }
    public required string DetailJson { get; set; }
    public double? Change7Days { get; set; }
    public double? Change30Days { get; set; }
    public int ScorecardVersion { get; set; }
    public DateTime AsOf { get; set; }
    public DateTime ComputedAt { get; set; }

    /// <summary>The current contract's renewal date, for the renewal filter and order; null without a
    /// contract.</summary>
    public DateOnly? RenewalDate { get; set; }

    /// <summary>The current contract's ARR in micro-units of <see cref="Currency"/>, for the ARR order; null without a
    /// contract.</summary>
    public long? ArrMicros { get; set; }

    public string? Currency { get; set; }

    /// <summary>
    /// What the play rules read from the account's signals, set when the score is computed and used when it is stored
    /// (<see cref="Plays.PlayEvaluator"/>); not a column.
    /// </summary>
    public Domain.Plays.PlayFacts? PlayFacts { get; set; }

    /// <summary>Not stored here: the account's override in force when the row was read (see <see cref="HealthStore"/>),
    /// else null.</summary>
    public HealthOverride? Override { get; set; }
}

/// <summary>The last score of an account on a UTC day (table <c>health_snapshots</c>): its history.</summary>
public sealed class HealthSnapshotRow
{
    public required string AccountId { get; set; }
    public DateOnly Day { get; set; }
    public double? Score { get; set; }
    public HealthBand Band { get; set; }
    public LifecycleStage Stage { get; set; }

    /// <summary>An effective account as of the day's end (see <see cref="HealthScoreRow.EffectiveAccount"/>); null on a
    /// snapshot written before the column existed.</summary>
    public bool? EffectiveAccount { get; set; }

    /// <summary>Monthly active users as of the day's end (see <see cref="HealthScoreRow.MonthlyActiveUsers"/>); null on
    /// a snapshot written before the column existed.</summary>
    public int? MonthlyActiveUsers { get; set; }

    public int ScorecardVersion { get; set; }
    public required string DetailJson { get; set; }
    public DateTime ComputedAt { get; set; }
}

/// <summary>A stored scorecard version (table <c>health_scorecards</c>); the built-in version 1 is not
/// stored.</summary>
public sealed class ScorecardRow
{
    public int Version { get; init; }
    public required string PayloadJson { get; init; }
    public required string UpdatedBy { get; init; }
    public DateTime UpdatedAt { get; init; }
}

/// <summary>
/// A mark that an account's score must be recomputed from <see cref="DueAt"/> on (table <c>health_recompute_queue</c>).
/// Insert-only: a write adds a mark in its own transaction without reading or upserting, the worker takes the marks of
/// an
/// account together and deletes those it has seen.
/// </summary>
public sealed class HealthRecomputeRow
{
    public long Id { get; init; }
    public required string AccountId { get; init; }
    public DateTime DueAt { get; init; }
}

/// <summary>
/// One entry of the change feed (table <c>health_changes</c>): an account's score changed band or moved by at least the
/// scorecard's threshold since its previous entry. <see cref="Sequence"/> is the database's identity, so it only grows;
/// the recompute worker appends under a feed lock (see <see cref="HealthRecomputer"/>), so sequences also commit in
/// order.
/// </summary>
public sealed class HealthChangeRow
{
    public long Sequence { get; init; }
    public required string AccountId { get; init; }
    /// <summary>The score of the account's previous entry; null for the first entry or when that score was
    /// unknown.</summary>
    public double? PreviousScore { get; init; }
    /// <summary>The band of the account's previous entry; unspecified for the first entry.</summary>
    public HealthBand PreviousBand { get; init; }
    public double? Score { get; init; }
    public HealthBand Band { get; init; }
    public ChangeReason Reason { get; init; }
    public CsTier Tier { get; init; }
    public DateTime AsOf { get; init; }
    public DateTime ComputedAt { get; init; }
}

/// <summary>
/// An account's override (table <c>health_overrides</c>, at most one per account; setting another replaces it). Rows
/// past <see cref="ExpiresAt"/> are left in place and ignored by every read.
/// </summary>
public sealed class HealthOverrideRow
{
    public required string AccountId { get; set; }
    public double? Score { get; set; }
    public HealthBand Band { get; set; }
    public required string Reason { get; set; }
    public required string SetBy { get; set; }
    public DateTime SetAt { get; set; }
    public DateTime ExpiresAt { get; set; }

    public HealthOverride ToDomain() =>
        new(Score, Band, Reason, SetBy, new DateTimeOffset(DateTime.SpecifyKind(SetAt, DateTimeKind.Utc)),
            new DateTimeOffset(DateTime.SpecifyKind(ExpiresAt, DateTimeKind.Utc)));
}
