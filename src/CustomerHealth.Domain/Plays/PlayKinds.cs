namespace CustomerHealth.Domain.Plays;

/// <summary>The kinds of play rule (values match the contract's <c>PlayRuleKind</c>; never renumber).</summary>
public enum PlayRuleKind
{
    Unspecified = 0,

    /// <summary>The score fell by at least the threshold's points over 7 days.</summary>
    ScoreDrop = 1,

    /// <summary>The computed band is critical.</summary>
    BandCritical = 2,

    /// <summary>A contract renews within the threshold's days with a high or critical renewal risk.</summary>
    RenewalRisk = 3,

    /// <summary>An onboarding milestone is more than the threshold's days past its due day.</summary>
    OnboardingOverdue = 4,

    /// <summary>Monthly active users below the threshold's percent of the seats.</summary>
    LowSeatUtilisation = 5,

    /// <summary>No active user for at least the threshold's days.</summary>
    NoActivity = 6,

    /// <summary>An NPS answer of the last 90 days at or below the threshold (a detractor: 0–6).</summary>
    DetractorNps = 7,

    /// <summary>No CSM touchpoint for the tier's cadence (threshold unused).</summary>
    NoTouchpoint = 8,

    /// <summary>A champion contact left (and none is in place) or went quiet while others stay active.</summary>
    ChampionLeft = 9,

    /// <summary>Declared, never fires yet: expansion signals are another slice's work.</summary>
    ExpansionSignal = 10,
}

/// <summary>Where a play is in its life (values match the contract's <c>PlayStatus</c>).</summary>
public enum PlayStatus
{
    Unspecified = 0,
    Open = 1,
    Acknowledged = 2,
    Snoozed = 3,
    Completed = 4,
    AutoResolved = 5,
}

/// <summary>How urgent a play is (values match the contract's <c>PlayPriority</c>).</summary>
public enum PlayPriority
{
    Unspecified = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Urgent = 4,
}

/// <summary>Who carries a play out (values match the contract's <c>PlayChannel</c>).</summary>
public enum PlayChannel
{
    Unspecified = 0,

    /// <summary>The account's CSM.</summary>
    Csm = 1,

    /// <summary>Automated outreach (tech-touch): a campaign tool sends it, a person reviews it.</summary>
    Automated = 2,
}

/// <summary>How a completed play ended (values match the contract's <c>PlayOutcome</c>).</summary>
public enum PlayOutcome
{
    Unspecified = 0,

    /// <summary>The customer was reached and the issue addressed.</summary>
    Addressed = 1,

    /// <summary>Handed on (to management, support, product).</summary>
    Escalated = 2,

    /// <summary>The customer did not answer.</summary>
    NoResponse = 3,

    /// <summary>Looked at; nothing to do.</summary>
    NotNeeded = 4,
}

/// <summary>What a play change-feed entry records (values match the contract's <c>PlayChangeKind</c>).</summary>
public enum PlayChangeKind
{
    Unspecified = 0,
    Opened = 1,
    Acknowledged = 2,
    Snoozed = 3,
    Reopened = 4,
    Completed = 5,
    AutoResolved = 6,
}

/// <summary>Status helpers.</summary>
public static class PlayStatuses
{
    /// <summary>The statuses of a play still to do: at most one per account and rule.</summary>
    public static readonly IReadOnlyList<PlayStatus> Active =
        [PlayStatus.Open, PlayStatus.Acknowledged, PlayStatus.Snoozed];

    public static bool IsActive(this PlayStatus status) =>
        status is PlayStatus.Open or PlayStatus.Acknowledged or PlayStatus.Snoozed;
}
