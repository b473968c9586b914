namespace CustomerHealth.Synthetic;

/// <summary>Which kinds of business a portfolio holds (<c>generate --archetype</c>).</summary>
public enum PortfolioMix
{
    /// <summary>Annual B2B contracts with seats, tiers and CSMs (the generator's first kind; the default).</summary>
    B2b,

    /// <summary>Self-serve, product-led: monthly plans, one to five users (<see cref="SelfServeModel"/>).</summary>
    SelfServe,

    /// <summary>Both: each account is self-serve with probability <see cref="PortfolioOptions.SelfServeShare"/>, drawn
    /// from a stream of its own, so the B2B accounts are those the same index makes in a B2B portfolio.</summary>
    Mixed,
}

/// <summary>What portfolio to make. The same options (seed included) always give the same portfolio.</summary>
public sealed record PortfolioOptions
{
    /// <summary>How many accounts.</summary>
    public int Accounts { get; init; } = 300;

    public int Seed { get; init; } = 1;

    /// <summary>
    /// The day the portfolio is generated up to: activity ends the day before (the service refuses future events).
    /// </summary>
    public required DateOnly Today { get; init; }

    /// <summary>First contracts start up to this many days before <see cref="Today"/> (two years by default).</summary>
    public int HistoryDays { get; init; } = 730;

    /// <summary>
    /// Usage events, NPS answers, tickets and touchpoints are made for this many days before <see cref="Today"/>.
    /// At most 400: the service keeps raw events that long by default and refuses older ones.
    /// </summary>
    public int ActivityDays { get; init; } = 180;

    /// <summary>Prefix of account ids (<c>acct-000001</c>), so a generated set can sit beside real data.</summary>
    public string AccountPrefix { get; init; } = "acct-";

    /// <summary>The event source the events are sent under (deduplication is per source and event id).</summary>
    public string Source { get; init; } = "synthetic";

    /// <summary>
    /// Share of tech-touch accounts (many small ones); the rest split by <see cref="HighTouchShare"/>.
    /// </summary>
    public double TechTouchShare { get; init; } = 0.70;

    public double HighTouchShare { get; init; } = 0.06;

    /// <summary>Which kinds of business (B2B by default).</summary>
    public PortfolioMix Mix { get; init; } = PortfolioMix.B2b;

    /// <summary>With <see cref="PortfolioMix.Mixed"/>: the share of self-serve accounts.</summary>
    public double SelfServeShare { get; init; } = 0.5;

    public const int MaxActivityDays = 400;

    /// <summary>The names <c>--archetype</c> and <c>Demo:Archetype</c> take, by mix.</summary>
    public static IReadOnlyDictionary<string, PortfolioMix> MixNames { get; } = new Dictionary<string, PortfolioMix>
    {
        ["b2b"] = PortfolioMix.B2b, ["self-serve"] = PortfolioMix.SelfServe, ["mixed"] = PortfolioMix.Mixed,
    };

    /// <summary>Why these options cannot make a portfolio, or null.</summary>
    public string? Explain() =>
        Accounts is < 1 or > 10_000_000 ? "accounts must be between 1 and 10,000,000"
        : HistoryDays is < 1 or > 3650 ? "history days must be between 1 and 3,650"
        : ActivityDays is < 1 or > MaxActivityDays ? $"activity days must be between 1 and {MaxActivityDays}"
        : ActivityDays > HistoryDays ? "activity days must not exceed history days"
        : string.IsNullOrWhiteSpace(AccountPrefix) || AccountPrefix.Length > 40
            ? "the account prefix must be 1 to 40 characters"
        : TechTouchShare < 0 || HighTouchShare < 0 || TechTouchShare + HighTouchShare > 1
            ? "tier shares must be between 0 and 1 and sum to at most 1"
        : SelfServeShare is < 0 or > 1 ? "the self-serve share must be between 0 and 1"
        : null;
}
