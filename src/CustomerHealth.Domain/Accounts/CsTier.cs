namespace CustomerHealth.Domain.Accounts;

/// <summary>How an account is served, following the three sales motions (DESIGN §2).</summary>
public enum CsTier
{
    /// <summary>Not given; derive from ARR.</summary>
    Unspecified = 0,
    TechTouch = 1,
    LowTouch = 2,
    HighTouch = 3,
}

/// <summary>
/// ARR thresholds that derive a tier when the CRM gives none: below <see cref="LowTouchFrom"/> is tech-touch,
/// from it up to <see cref="HighTouchFrom"/> low-touch, from <see cref="HighTouchFrom"/> high-touch.
/// Amounts are in the reporting currency: a contract's ARR is converted with the exchange-rate table first
/// (defaults follow the 10k / 100k ACV split of the three sales motions).
/// </summary>
public sealed record TierThresholds(decimal LowTouchFrom = 10_000m, decimal HighTouchFrom = 100_000m)
{
    public static TierThresholds Default { get; } = new();

    public CsTier Classify(decimal arr) =>
        arr >= HighTouchFrom ? CsTier.HighTouch
        : arr >= LowTouchFrom ? CsTier.LowTouch
        : CsTier.TechTouch;

    /// <summary>Why these thresholds are unusable, or null.</summary>
    public string? Explain() =>
        LowTouchFrom < 0 ? "the low-touch threshold must not be negative"
        : HighTouchFrom <= LowTouchFrom ? "the high-touch threshold must be above the low-touch threshold"
        : null;
}
