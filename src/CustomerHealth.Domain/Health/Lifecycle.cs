namespace CustomerHealth.Domain.Health;

/// <summary>Where an account is in its life as a customer (DESIGN §2).</summary>
public enum LifecycleStage
{
    Unspecified = 0,
    /// <summary>Never signed a contract.</summary>
    Lead = 1,
    /// <summary>Signed, not in normal use yet.</summary>
    New = 2,
    /// <summary>Started normal use.</summary>
    Live = 3,
    /// <summary>Most of its seats use the product often.</summary>
    Active = 4,
    /// <summary>Renewed at least once.</summary>
    Retained = 5,
    /// <summary>A promoter that is retained or active.</summary>
    Advocate = 6,
    /// <summary>No active contract after a churn.</summary>
    Churned = 7,
}

/// <summary>
/// The lifecycle stage as of the signals' instant. The first rule that holds wins:
/// <list type="number">
/// <item><b>Lead</b>: no contract ever.</item> <item><b>Churned</b>: no contract covers the day and at least one
/// contract churned (a won-back account with a running contract is not churned).</item> <item><b>Advocate</b>: a
/// promoter — the newest NPS answer of the last 180 days is 9 or 10 — that is retained or active (referrals are not
/// recorded, so promotion stands in for them).</item> <item><b>Retained</b>: at least one contract renewed (a renewal
/// with more ARR is an expansion, so "renewed or expanded" is this one count).</item> <item><b>Active</b>: live, at
/// least half of the seats active in the last 30 days (no seat rule when the account has no seats), and DAU/MAU of at
/// least 20% (an active user is in on about one day in five).</item> <item><b>Live</b>: first value reached (the
/// onboarding plan's first-value milestone done), or active users on at least 4 days of the last 30 (about weekly
/// use).</item> <item><b>New</b>: otherwise — signed, including a contract that has not started yet or one awaiting its
/// renewal outcome without use.</item>
/// </list>
/// </summary>
public static class Lifecycle
{
    public const int LiveActiveDays = 4;
    public const double ActiveSeatShare = 0.5;
    public const double ActiveStickiness = 0.2;

    public static LifecycleStage StageOf(AccountSignals signals) => StageOf(signals, new UsageFacts(signals));

    internal static LifecycleStage StageOf(AccountSignals s, UsageFacts usage)
    {
        if (s.Contracts is not { } contracts) return LifecycleStage.Lead;
        if (!contracts.HasActiveContract && contracts.Churns > 0) return LifecycleStage.Churned;

        var firstValue = s.Onboarding?.Milestones.Any(
            m => m.IsFirstValue && m.DoneOn is { } on && on <= s.AsOfDay) == true;
        var live = firstValue || usage.ActiveDays >= LiveActiveDays;
        var active = live
            && (s.Seats <= 0 || usage.MonthlyActiveUsers >= ActiveSeatShare * s.Seats)
            && usage.Stickiness >= ActiveStickiness;
        var retained = contracts.Renewals > 0;
        var promoter = HealthScorer.RecentAnswers(s).MaxBy(a => a.AnsweredAt) is { Score: >= 9 };

        return promoter && (retained || active) ? LifecycleStage.Advocate
            : retained ? LifecycleStage.Retained
            : active ? LifecycleStage.Active
            : live ? LifecycleStage.Live
            : LifecycleStage.New;
    }
}
