using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Health;

namespace CustomerHealth.Domain.Expansion;

/// <summary>
/// One account's usage as the expansion signals see it, as of one day: figures over the 30 days ending on it and the 30
/// before, read beforehand from the stored rollups (never raw events).
/// </summary>
public sealed record ExpansionFacts
{
    public required string AccountId { get; init; }

    /// <summary>The effective CS tier; with <see cref="Segment"/> it names the account's peer group.</summary>
    public CsTier Tier { get; init; }

    public string? Segment { get; init; }
    public string? Owner { get; init; }

    /// <summary>Seats of the contracts covering the day (0 without one, or when none sells seats).</summary>
    public int Seats { get; init; }

    /// <summary>Distinct users active in the last 30 days (monthly active users).</summary>
    public int ActiveUsers { get; init; }

    /// <summary>Distinct users active in the 30 days before those.</summary>
    public int PreviousActiveUsers { get; init; }

    /// <summary>Events of the catalogue's key features in the last 30 days.</summary>
    public long KeyFeatureEvents { get; init; }

    /// <summary>Events of the key features in the 30 days before those.</summary>
    public long PreviousKeyFeatureEvents { get; init; }

    /// <summary>All events in the last 30 days.</summary>
    public long Events { get; init; }

    /// <summary>The current health band, or null without a score.</summary>
    public HealthBand? Band { get; init; }

    /// <summary>The current lifecycle stage, or null without a score.</summary>
    public LifecycleStage? Stage { get; init; }
}

/// <summary>
/// The thresholds of the expansion signals (docs/models/expansion.md); the defaults are starting points to tune on
/// recorded expansions.
/// </summary>
/// <param name="SeatSaturation">Seat saturation fires from this share of seats active (0.9: nine in ten).</param>
/// <param name="ActiveUserGrowth">Active-user growth fires from this growth over the previous 30 days (0.2:
/// +20 %).</param>
/// <param name="MinimumActiveUsers">... and only with at least this many active users now (1 → 2 is no
/// signal).</param>
/// <param name="KeyFeatureGrowth">Key-feature growth fires from this growth of key-feature events (0.25:
/// +25 %).</param>
/// <param name="MinimumKeyFeatureEvents">... and only with at least this many key-feature events now.</param>
/// <param name="PeerMultiple">Heavy for its plan fires from this multiple of the peers' median usage per
/// seat.</param>
/// <param name="MinimumPeers">... and only in a peer group (tier and segment) of at least this many accounts with
/// seats.</param>
public sealed record ExpansionThresholds(
    double SeatSaturation = 0.9,
    double ActiveUserGrowth = 0.2,
    int MinimumActiveUsers = 5,
    double KeyFeatureGrowth = 0.25,
    long MinimumKeyFeatureEvents = 50,
    double PeerMultiple = 2.0,
    int MinimumPeers = 5)
{
    public static ExpansionThresholds Default { get; } = new();
}

/// <summary>What an expansion signal is about.</summary>
public enum ExpansionSignalKind
{
    Unspecified = 0,

    /// <summary>Most seats are in use: the account is about to need more.</summary>
    SeatSaturation = 1,

    /// <summary>More people use it than 30 days before.</summary>
    ActiveUserGrowth = 2,

    /// <summary>The key features are used more than 30 days before.</summary>
    KeyFeatureGrowth = 3,

    /// <summary>A plan no larger than its peers' used far more per seat than theirs: it behaves like a bigger
    /// one.</summary>
    HeavyForItsPlan = 4,
}

/// <summary>One signal that fired: its figure, the threshold it reached, and a sentence for a person.</summary>
public sealed record ExpansionReason(ExpansionSignalKind Kind, double Value, double Threshold, string Explanation);
