using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Health;

namespace CustomerHealth.Domain.Metrics;

/// <summary>
/// What portfolio metrics are computed from: one row per account and one per contract (the account's whole contract
/// history), each a handful of figures a set-based query can produce; never raw events. Rows that depend on the report
/// (band, stage, effective flag, monthly active users, NPS answers) are read for its period and as-of day.
/// </summary>
public sealed record PortfolioInputs(IReadOnlyList<AccountFacts> Accounts, IReadOnlyList<ContractFacts> Contracts)
{
    public static PortfolioInputs Empty { get; } = new([], []);
}

/// <summary>
/// One account as the metrics see it. Tier, segment and owner are the current ones (filters use them).
/// </summary>
public sealed record AccountFacts
{
    public required string AccountId { get; init; }

    /// <summary>The effective CS tier.</summary>
    public CsTier Tier { get; init; }

    public string? Segment { get; init; }
    public string? Owner { get; init; }

    /// <summary>The health band as of the as-of day, or null when the account has no score.</summary>
    public HealthBand? Band { get; init; }

    /// <summary>The lifecycle stage as of the as-of day, or null when unknown.</summary>
    public LifecycleStage? Stage { get; init; }

    /// <summary>
    /// An effective account as of the as-of day (a login on each day of the effective-account window).
    /// </summary>
    public bool Effective { get; init; }

    /// <summary>
    /// Day 0 of the account as a customer: the start of its first contract (and of its onboarding plan); null for a
    /// lead.
    /// </summary>
    public DateOnly? FirstContractStart { get; init; }

    /// <summary>
    /// The UTC day the onboarding plan's first-value milestone was done, or null. Not before <see
    /// cref="FirstContractStart"/>.
    /// </summary>
    public DateOnly? FirstValueOn { get; init; }

    /// <summary>
    /// Onboarding milestones due within the first 90 days (due day 0–90 of the plan). Used only for the accounts of the
    /// period's onboarding cohort (<see cref="PortfolioMetrics.InOnboardingCohort"/>), so a reader may leave it (and
    /// <see cref="MilestonesOnTime"/>) 0 for the others.
    /// </summary>
    public int MilestonesDue { get; init; }

    /// <summary>Of <see cref="MilestonesDue"/>, those done on or before their due date.</summary>
    public int MilestonesOnTime { get; init; }

    /// <summary>The UTC day the account went live (its first day of normal use), or null while it has not.</summary>
    public DateOnly? LiveOn { get; init; }

    /// <summary>The scores (0–10) of the account's NPS answers given within the period.</summary>
    public IReadOnlyList<int> NpsScores { get; init; } = [];

    /// <summary>
    /// Monthly active users as of the as-of day: distinct users of the account active in the 30 days ending on it (the
    /// health score's figure, so 0 for an account without a score).
    /// </summary>
    public int MonthlyActiveUsers { get; init; }
}

/// <summary>
/// One contract: ARR over its term from <see cref="Start"/> up to <see cref="End"/> (the renewal date, not counted),
/// and its renewal outcome if one is recorded: renewed with <see cref="NewArr"/> (in the same currency), or churned,
/// decided on <see cref="DecidedOn"/>.
/// </summary>
public sealed record ContractFacts
{
    public required string ContractId { get; init; }
    public required string AccountId { get; init; }
    public required Money Arr { get; init; }
    public required DateOnly Start { get; init; }
    public required DateOnly End { get; init; }

    /// <summary>
    /// Renewed, churned, or <see cref="RenewalOutcomeKind.Unspecified"/> while no outcome is recorded.
    /// </summary>
    public RenewalOutcomeKind Outcome { get; init; }

    /// <summary>The renewal's ARR; required when renewed, null or 0 otherwise.</summary>
    public decimal? NewArr { get; init; }

    /// <summary>The outcome's decision date; required with an outcome.</summary>
    public DateOnly? DecidedOn { get; init; }

    /// <summary>
    /// The first day the contract is no longer active: its end date or its outcome's decision date, whichever is later;
    /// null (active for good) while no outcome is recorded. A term that ended without a decision is awaiting its
    /// outcome: its ARR is neither kept nor lost yet. A renewed contract stops once its term is over (its renewal
    /// contract carries the ARR on); a churned one too, or on the decision date when the churn was decided after the
    /// term.
    /// </summary>
    public DateOnly? ActiveUntil =>
        Outcome == RenewalOutcomeKind.Unspecified || DecidedOn is not { } decided ? null : decided > End ? decided
            : End;

    /// <summary>Active on <paramref name="day"/>: <see cref="Start"/> ≤ day &lt; <see cref="ActiveUntil"/>.</summary>
    public bool ActiveOn(DateOnly day) => Start <= day && !(ActiveUntil <= day);

    /// <summary>An outcome is recorded with a decision date on or before <paramref name="day"/>.</summary>
    public bool DecidedBy(DateOnly day) => Outcome != RenewalOutcomeKind.Unspecified && DecidedOn <= day;
}

/// <summary>
/// Which accounts a report covers; a null criterion matches every account. Segment and owner match exactly (ordinal).
/// <paramref name="ChurnedInBands"/> false leaves churned accounts (lifecycle stage churned) out of the band counts
/// only; every other figure counts them. <paramref name="AccountIds"/> (a tree of accounts, or null for any) keeps only
/// the accounts it holds.
/// </summary>
public sealed record PortfolioFilter(
    CsTier? Tier = null, string? Segment = null, string? Owner = null, bool ChurnedInBands = true,
    IReadOnlySet<string>? AccountIds = null)
{
    public static PortfolioFilter All { get; } = new();

    public bool Matches(AccountFacts account) =>
        (Tier is null || account.Tier == Tier)
        && (Segment is null || string.Equals(account.Segment, Segment, StringComparison.Ordinal))
        && (Owner is null || string.Equals(account.Owner, Owner, StringComparison.Ordinal))
        && (AccountIds is null || AccountIds.Contains(account.AccountId));
}

/// <summary>
/// A conversion table to one reporting currency: for each other currency, how many units of the reporting currency one
/// unit is worth (EUR → 1.08 with USD reporting: 10,000 EUR is 10,800 USD). Amounts are converted contract by contract,
/// ARR × rate, without rounding.
/// </summary>
public sealed record CurrencyConversion(string ReportingCurrency, IReadOnlyDictionary<string, decimal> Rates)
{
    /// <summary>
    /// The rate of <paramref name="currency"/> to the reporting currency (1 for the reporting currency itself), or null
    /// when missing.
    /// </summary>
    public decimal? RateOf(string currency) =>
        currency == ReportingCurrency ? 1m : Rates.TryGetValue(currency, out var rate) ? rate : null;
}
