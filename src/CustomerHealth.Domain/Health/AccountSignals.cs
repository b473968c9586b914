using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Domain.Onboarding;

namespace CustomerHealth.Domain.Health;

/// <summary>
/// Everything the health score needs about one account as of an instant, read beforehand from per-account aggregates
/// (rollups, counts, a few short lists; never raw events). Anything dated after <see cref="AsOf"/> is ignored, so a
/// reader that fetches a little too much cannot leak the future into a recompute of the past.
/// </summary>
public sealed record AccountSignals
{
    /// <summary>The instant the score is computed for (UTC).</summary>
    public required DateTimeOffset AsOf { get; init; }

    /// <summary>
    /// The account's effective CS tier as of <see cref="AsOf"/>; unspecified is scored as tech-touch.
    /// </summary>
    public required CsTier Tier { get; init; }

    /// <summary>The UTC day the account was created; its history starts here while it has no contract.</summary>
    public required DateOnly AccountCreatedOn { get; init; }

    /// <summary>The account's contracts in figures, or null when it never signed one (a lead).</summary>
    public ContractSignals? Contracts { get; init; }

    public UsageSignals Usage { get; init; } = UsageSignals.None;

    /// <summary>The catalogue's metric events and their daily counts, for the usage-rate metrics (<see
    /// cref="UsageRates"/>).</summary>
    public MetricSignals Metrics { get; init; } = MetricSignals.None;

    /// <summary>The onboarding plan, or null when the account has none.</summary>
    public OnboardingSummary? Onboarding { get; init; }

    /// <summary>
    /// NPS answers of the account's people answered in the 180 days up to <see cref="AsOf"/> (older ones are ignored).
    /// </summary>
    public IReadOnlyList<NpsAnswer> NpsAnswers { get; init; } = [];

    /// <summary>
    /// Support tickets open at some time in the 30 days up to <see cref="AsOf"/>: opened by then and not closed before
    /// the window.
    /// </summary>
    public IReadOnlyList<TicketSummary> Tickets { get; init; } = [];

    /// <summary>The latest CSM touchpoint at or before <see cref="AsOf"/>, or null when none was recorded.</summary>
    public DateTimeOffset? LastTouchpointAt { get; init; }

    /// <summary>The UTC day of <see cref="AsOf"/>: the last day of every window.</summary>
    public DateOnly AsOfDay => DateOnly.FromDateTime(AsOf.UtcDateTime);

    /// <summary>Day 0 of the account's life as a customer: its first contract's start, else its creation day.</summary>
    public DateOnly CustomerSince => Contracts?.FirstStart ?? AccountCreatedOn;

    /// <summary>Seats of the contracts covering <see cref="AsOfDay"/> (0 without contract).</summary>
    public int Seats => Contracts?.Seats ?? 0;
}

/// <summary>An account's contracts as of a day, in figures.</summary> <param name="FirstStart">Start of the account's
/// first contract: day 0 of its life as a customer.</param> <param name="CurrentStart">Start of the current contract
/// (see <see cref="Contract.CurrentOf"/>).</param> <param name="RenewalDate">The current contract's end date: its
/// renewal date.</param> <param name="Seats">Sum of the seats of the contracts covering the day; 0 when none covers it
/// or none sells seats.</param> <param name="HasActiveContract">Some contract covers the day.</param> <param
/// name="Renewals">Contracts whose renewal outcome, decided by the day, is renewed (flat, expansion or
/// contraction).</param> <param name="Churns">Contracts whose renewal outcome, decided by the day, is churned.</param>
public sealed record ContractSignals(
    DateOnly FirstStart, DateOnly CurrentStart, DateOnly RenewalDate, int Seats, bool HasActiveContract, int Renewals,
    int Churns);

/// <summary>
/// Product use from the daily rollups. Distinct users over a window cannot be summed from daily counts, so the two
/// 30-day figures come precomputed (from the user-day rollup).
/// </summary>
/// <param name="Days">
/// Per-UTC-day rollups covering at least the 60 days up to the as-of day (longer when the scorecard's effective-account
/// window is longer, see <see cref="Scorecard.UsageHistoryDays"/>). A day not listed had no use.
/// </param>
/// <param name="ActiveUsersLast30Days">Distinct active users in the 30 days ending on the as-of day.</param> <param
/// name="ActiveUsersPrevious30Days">Distinct active users in the 30 days before those.</param> <param
/// name="KeyFeaturesUsedLast30Days">Distinct key features of the catalogue used in the 30 days ending on the as-of
/// day.</param> <param name="KeyFeaturesInCatalogue">Key features in the event catalogue.</param>
public sealed record UsageSignals(
    IReadOnlyList<DailyUsage> Days,
    int ActiveUsersLast30Days,
    int ActiveUsersPrevious30Days,
    int KeyFeaturesUsedLast30Days,
    int KeyFeaturesInCatalogue)
{
    /// <summary>No use at all.</summary>
    public static UsageSignals None { get; } = new([], 0, 0, 0, 0);
}

/// <summary>
/// One UTC day of an account's use: distinct active users (a day with one is a day with a login) and events.
/// </summary>
public readonly record struct DailyUsage(DateOnly Day, int ActiveUsers, long Events);

/// <summary>An onboarding plan as the score sees it: its start and its milestones.</summary>
public sealed record OnboardingSummary(DateOnly StartDate, IReadOnlyList<MilestoneSummary> Milestones)
{
    /// <summary>The summary of a stored plan.</summary>
    public static OnboardingSummary Of(OnboardingPlan plan)
    {
        var firstValue = plan.FirstValueMilestone;
        return new(plan.StartDate, plan.Milestones
            .OrderBy(m => m.Position)
            .Select(
                m => new MilestoneSummary(
                    m.Key, m.DueDay, m.CompletedAt is { } at ? DateOnly.FromDateTime(at) : null,
                    ReferenceEquals(m, firstValue)))
            .ToArray());
    }
}

/// <summary>
/// A milestone: due <paramref name="DueDay"/> days after the plan's start, done on a UTC day or not yet.
/// </summary>
public sealed record MilestoneSummary(string Key, int DueDay, DateOnly? DoneOn, bool IsFirstValue = false);

/// <summary>One NPS answer: 0–10 and when it was given.</summary>
public sealed record NpsAnswer(int Score, DateTimeOffset AnsweredAt);

/// <summary>One support ticket: severity, opened, and closed (null while open).</summary>
public sealed record TicketSummary(TicketSeverity Severity, DateTimeOffset OpenedAt, DateTimeOffset? ClosedAt);
