using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Expansion;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Renewals;

namespace CustomerHealth.Domain.Plays;

/// <summary>A contract's renewal as the renewal predictions see it.</summary>
public sealed record UpcomingRenewal(DateOnly RenewalDate, RenewalRisk Risk, double Probability);

/// <summary>A milestone not done past its due date.</summary>
public sealed record OverdueMilestone(string Key, DateOnly DueDate);

/// <summary>
/// What the play rules look at for one account as of a day: a few figures taken from its signals when it is scored
/// (<see cref="Of"/>), then its new score and renewal predictions added when the score is stored.
/// </summary>
public sealed record PlayFacts
{
    /// <summary>The window of NPS answers the detractor rule reads.</summary>
    public const int NpsWindowDays = 90;

    public required DateOnly Today { get; init; }

    /// <summary>The account's effective tier (unspecified is served as tech-touch).</summary>
    public CsTier Tier { get; init; }

    /// <summary>Some contract covers today: only customers get plays.</summary>
    public bool Customer { get; init; }

    /// <summary>Days since the account became a customer (its first contract's start).</summary>
    public int CustomerDays { get; init; }

    public double? Score { get; init; }
    public HealthBand Band { get; init; }
    public double? Change7Days { get; init; }

    /// <summary>The last day with an active user in the usage history, or null when none is in it.</summary>
    public DateOnly? LastActiveDay { get; init; }

    /// <summary>Monthly active users over seats, or null when the contracts sell no seats.</summary>
    public double? SeatUtilisation { get; init; }

    public int Seats { get; init; }
    public int MonthlyActiveUsers { get; init; }

    /// <summary>Distinct users active in the 30 days before the last 30.</summary>
    public int PreviousMonthlyActiveUsers { get; init; }

    /// <summary>All events of the last 30 days, the as-of day included.</summary>
    public long EventsLast30Days { get; init; }

    /// <summary>
    /// The expansion signals of the account alone (<see cref="WithExpansion"/>): seat saturation and active-user
    /// growth. Key-feature growth and the comparison with peers need figures the scoring does not read; the expansion
    /// RPCs give all four.
    /// </summary>
    public IReadOnlyList<ExpansionReason> ExpansionReasons { get; init; } = [];
    public IReadOnlyList<OverdueMilestone> OverdueMilestones { get; init; } = [];

    /// <summary>The lowest NPS answer of the last <see cref="NpsWindowDays"/> days, or null without one.</summary>
    public int? LowestRecentNps { get; init; }

    /// <summary>The UTC day of the last CSM touchpoint, or null when none was recorded.</summary>
    public DateOnly? LastTouchpoint { get; init; }

    /// <summary>The account's champion alerts (left, or quiet while others are active), added when it is scored.
    /// </summary>
    public IReadOnlyList<ChampionAlert> ChampionAlerts { get; init; } = [];

    /// <summary>The open contracts' renewal predictions.</summary>
    public IReadOnlyList<UpcomingRenewal> Renewals { get; init; } = [];

    /// <summary>The figures the signals give (the score, its trend and the renewals come later).</summary>
    public static PlayFacts Of(AccountSignals signals)
    {
        var today = signals.AsOfDay;
        var lastActive = signals.Usage.Days.Where(d => d.ActiveUsers > 0 && d.Day <= today)
            .Select(d => (DateOnly?)d.Day).Max();
        var mau = Math.Max(0, signals.Usage.ActiveUsersLast30Days);
        var eventsFrom = today.AddDays(-(UsageFacts.WindowDays - 1));
        var npsFrom = signals.AsOf.AddDays(-NpsWindowDays);
        var nps = signals.NpsAnswers.Where(a => a.AnsweredAt >= npsFrom && a.AnsweredAt <= signals.AsOf)
            .Select(a => (int?)a.Score).Min();
        return new PlayFacts
        {
            Today = today,
            Tier = signals.Tier,
            Customer = signals.Contracts?.HasActiveContract == true,
            CustomerDays = Math.Max(0, today.DayNumber - signals.CustomerSince.DayNumber),
            LastActiveDay = lastActive,
            Seats = signals.Seats,
            MonthlyActiveUsers = mau,
            PreviousMonthlyActiveUsers = Math.Max(0, signals.Usage.ActiveUsersPrevious30Days),
            EventsLast30Days = signals.Usage.Days.Where(d => d.Day >= eventsFrom && d.Day <= today).Sum(d => d.Events),
            SeatUtilisation = signals.Seats > 0 ? Math.Min(1.0, (double)mau / signals.Seats) : null,
            OverdueMilestones = Overdue(signals.Onboarding, today),
            LowestRecentNps = nps,
            LastTouchpoint = signals.LastTouchpointAt is { } t ? DateOnly.FromDateTime(t.UtcDateTime) : null,
        };
    }

    /// <summary>These facts with the account's own expansion signals under <paramref name="thresholds"/>.</summary>
    public PlayFacts WithExpansion(ExpansionThresholds thresholds)
    {
        var facts = new ExpansionFacts
        {
            AccountId = "",
            Tier = Tier,
            Seats = Seats,
            ActiveUsers = MonthlyActiveUsers,
            PreviousActiveUsers = PreviousMonthlyActiveUsers,
            Events = EventsLast30Days,
            Band = Band,
        };
        return this with { ExpansionReasons = ExpansionSignals.Assess([facts], thresholds)[0].Reasons };
    }

    private static OverdueMilestone[] Overdue(OnboardingSummary? plan, DateOnly today) =>
        plan is null
            ? []
            : plan.Milestones.Where(m => m.DoneOn is null)
                .Select(m => new OverdueMilestone(m.Key, plan.StartDate.AddDays(m.DueDay)))
                .Where(m => m.DueDate < today)
                .ToArray();
}
