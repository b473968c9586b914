using CustomerHealth.Domain.Expansion;
using Microsoft.Extensions.Options;

namespace CustomerHealth.Infrastructure.Expansion;

/// <summary>
/// The <c>Expansion</c> configuration section: the thresholds of the expansion signals (docs/models/expansion.md),
/// read by the expansion RPCs and the plays' expansion rule. Checked at start-up by
/// <see cref="ExpansionOptionsValidator"/>; the defaults are <see cref="ExpansionThresholds.Default"/>.
/// </summary>
public sealed class ExpansionOptions
{
    public const string Section = "Expansion";

    /// <summary>Seat saturation fires from this share of seats active (0–10; 0.9: nine in ten).</summary>
    public double SeatSaturation { get; set; } = ExpansionThresholds.Default.SeatSaturation;

    /// <summary>Active-user growth fires from this growth over the previous 30 days (0–100; 0.2: +20 %).</summary>
    public double ActiveUserGrowth { get; set; } = ExpansionThresholds.Default.ActiveUserGrowth;

    /// <summary>... with at least this many active users now (1–1,000,000).</summary>
    public int MinimumActiveUsers { get; set; } = ExpansionThresholds.Default.MinimumActiveUsers;

    /// <summary>Key-feature growth fires from this growth of key-feature events (0–100; 0.25: +25 %).</summary>
    public double KeyFeatureGrowth { get; set; } = ExpansionThresholds.Default.KeyFeatureGrowth;

    /// <summary>... with at least this many key-feature events now (1–1,000,000,000).</summary>
    public long MinimumKeyFeatureEvents { get; set; } = ExpansionThresholds.Default.MinimumKeyFeatureEvents;

    /// <summary>Heavy for its plan fires from this multiple of the peers' median usage per seat (1–100).</summary>
    public double PeerMultiple { get; set; } = ExpansionThresholds.Default.PeerMultiple;

    /// <summary>... in a peer group of at least this many accounts with seats (2–100,000).</summary>
    public int MinimumPeers { get; set; } = ExpansionThresholds.Default.MinimumPeers;

    public ExpansionThresholds Thresholds => new(
        SeatSaturation, ActiveUserGrowth, MinimumActiveUsers, KeyFeatureGrowth, MinimumKeyFeatureEvents, PeerMultiple,
        MinimumPeers);
}

/// <summary>The rules of <see cref="ExpansionOptions"/>; every broken one is reported, each naming its key.</summary>
public sealed class ExpansionOptionsValidator : IValidateOptions<ExpansionOptions>
{
    public ValidateOptionsResult Validate(string? name, ExpansionOptions options)
    {
        var failures = new List<string>();
        void Check(bool ok, string key, string rule, object value)
        {
            if (!ok) failures.Add(
                FormattableString.Invariant($"{ExpansionOptions.Section}:{key} must be {rule} (got {value})"));
        }
        Check(options.SeatSaturation is > 0 and <= 10, nameof(options.SeatSaturation), "above 0 and at most 10",
            options.SeatSaturation);
        Check(options.ActiveUserGrowth is > 0 and <= 100, nameof(options.ActiveUserGrowth), "above 0 and at most 100",
            options.ActiveUserGrowth);
        Check(options.MinimumActiveUsers is >= 1 and <= 1_000_000, nameof(options.MinimumActiveUsers),
            "between 1 and 1000000", options.MinimumActiveUsers);
        Check(options.KeyFeatureGrowth is > 0 and <= 100, nameof(options.KeyFeatureGrowth), "above 0 and at most 100",
            options.KeyFeatureGrowth);
        Check(options.MinimumKeyFeatureEvents is >= 1 and <= 1_000_000_000, nameof(options.MinimumKeyFeatureEvents),
            "between 1 and 1000000000", options.MinimumKeyFeatureEvents);
        Check(options.PeerMultiple is >= 1 and <= 100, nameof(options.PeerMultiple), "between 1 and 100",
            options.PeerMultiple);
        Check(options.MinimumPeers is >= 2 and <= 100_000, nameof(options.MinimumPeers), "between 2 and 100000",
            options.MinimumPeers);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
