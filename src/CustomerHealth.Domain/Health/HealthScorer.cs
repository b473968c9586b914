using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Engagement;

namespace CustomerHealth.Domain.Health;

/// <summary>
/// Scores an account's health: a pure function of (signals, scorecard); the as-of instant is in the signals. Each
/// component gives 0–100 or has no data; the overall score is the weighted mean of the components with data, the tier's
/// weights renormalised over them (a component without data counts neither as 0 nor as 100), rounded to one decimal.
/// Components with weight 0 in the tier are not computed. Windows are UTC days ending on the as-of day, both ends
/// counted. "The start" below is day 0 of the account as a customer: its first contract's start, else its creation day.
/// </summary>
public static class HealthScorer
{
    /// <summary>
    /// Usage components need this many days of history, the start day included; fewer say more about the calendar than
    /// about the account.
    /// </summary>
    public const int MinimumUsageDays = 7;

    /// <summary>
    /// Momentum compares two full 30-day windows, so it needs this many days of history, the start day included.
    /// </summary>
    public const int MomentumHistoryDays = 60;

    public const int OnboardingPlanDays = 90;

    /// <summary>Onboarding stops counting this many days after the plan's start.</summary>
    public const int OnboardingRelevanceDays = 365;

    /// <summary>Points taken off the onboarding score per overdue milestone while the plan runs.</summary>
    public const double OverdueMilestonePenalty = 10;

    public const int NpsWindowDays = 180;

    /// <summary>What old NPS answers fade toward: a passive's value, neither promoter nor detractor.</summary>
    public const double NeutralSentiment = 70;

    public const int SupportWindowDays = 30;

    /// <summary>Support is scored per 10 seats, counting smaller accounts as 10 seats.</summary>
    public const int SupportSeatFloor = 10;

    /// <summary>The support score halves with every this many severity points per 10 seats.</summary>
    public const double SupportHalvingPoints = 2;

    public static HealthScore Score(AccountSignals signals, Scorecard scorecard)
    {
        var tier = signals.Tier == CsTier.Unspecified ? CsTier.TechTouch : signals.Tier;
        var rules = scorecard.For(tier);
        var usage = new UsageFacts(signals);

        var measured = new List<Part>();
        var missing = new List<MissingComponent>();
        double configured = 0, withData = 0;
        foreach (var kind in ComponentWeights.Kinds)
        {
            var weight = rules.Weights[kind];
            if (!(weight > 0)) continue;
            configured += weight;
            var result = kind switch
            {
                HealthComponentKind.Engagement => Engagement(usage),
                HealthComponentKind.Adoption => Adoption(signals, usage),
                HealthComponentKind.Momentum => Momentum(signals, usage),
                HealthComponentKind.Onboarding => Onboarding(signals),
                HealthComponentKind.Sentiment => Sentiment(signals),
                HealthComponentKind.Support => Support(signals, usage),
                _ => Relationship(signals, tier, rules.TouchpointCadenceDays),
            };
            if (result.Score is { } score)
            {
                measured.Add(new Part(kind, Math.Clamp(score, 0, 100), weight, result.Text));
                withData += weight;
            }
            else
            {
                missing.Add(new MissingComponent(kind, result.Text));
            }
        }
        withData += UsageMetrics(signals, scorecard, tier, measured, missing, ref configured);

        var components = measured
            .Select(m => new ComponentScore(m.Kind, Round(m.Score), m.Weight / withData, m.Text, m.Metric, m.Value))
            .ToArray();
        var completeness = configured > 0 ? withData / configured : 0;
        double? overall = withData > 0 && completeness >= scorecard.MinimumCompleteness
            ? Round(measured.Sum(m => m.Score * m.Weight) / withData)
            : null;
        return new HealthScore(
            signals.AsOf,
            scorecard.Version,
            tier,
            overall,
            scorecard.BandOf(overall),
            components,
            new DataCompleteness(completeness, missing),
            Lifecycle.StageOf(signals, usage),
            usage.ActiveOnEachOfLast(scorecard.EffectiveAccountWindowDays));
    }

    /// <summary>
    /// <b>Usage metrics</b>: each of the scorecard's usage-metric components with a weight in the tier, in scorecard
    /// order after the seven built-in components: the metric's value (<see cref="UsageRates"/>) mapped to 0–100 by the
    /// component's breakpoints. A metric without data is missing like any component. Returns the weight that had data.
    /// </summary>
    private static double UsageMetrics(
        AccountSignals signals, Scorecard scorecard, CsTier tier, List<Part> measured, List<MissingComponent> missing,
        ref double configured)
    {
        if (scorecard.MetricComponents.Count == 0) return 0;
        var counts = new UsageRates.EventCounts(signals);
        double withData = 0;
        foreach (var m in scorecard.MetricComponents)
        {
            var weight = m.WeightFor(tier);
            if (!(weight > 0)) continue;
            configured += weight;
            var value = UsageRates.Parse(m.Metric).Key is { } key
                ? counts.Value(key)
                : new UsageMetricValue(m.Metric, null, "not a metric key");
            if (value.Value is not { } x)
            {
                missing.Add(new MissingComponent(
                    HealthComponentKind.UsageMetric, $"{m.Metric}: {value.Text}", m.Metric));
                continue;
            }
            var score = Math.Clamp(m.ScoreOf(x), 0, 100);
            measured.Add(new Part(HealthComponentKind.UsageMetric, score, weight,
                $"{m.Metric}: {value.Text}; mapped by {m.DescribeMapping()}", m.Metric, x));
            withData += weight;
        }
        return withData;
    }

    /// <summary>
    /// <b>Engagement</b> = 100 × (active-day share + DAU/MAU) / 2 over the usage window (the last 30 days, or the days
    /// since the start when fewer): active-day share = days with an active user / days in the window; DAU/MAU = average
    /// daily active users / distinct active users of the last 30 days (0 when there were none). No use is a score of 0,
    /// not missing data; there is no data only while the usage window is shorter than 7 days (days 0–5 of the account).
    /// </summary>
    private static Measured Engagement(UsageFacts u)
    {
        if (TooEarlyForUsage(u) is { } reason) return Measured.Missing(reason);
        var dayShare = (double)u.ActiveDays / u.ObservedDays;
        return new(100 * (dayShare + u.Stickiness) / 2,
            $"Active on {u.ActiveDays} of the {u.WindowText}; DAU/MAU {u.Stickiness:0%} " +
            $"({u.AverageDailyActiveUsers:0.#} of {u.MonthlyActiveUsers} monthly active users on an average day)");
    }

    /// <summary>
    /// <b>Adoption</b> = 100 × the mean of seat utilisation = min(1, distinct active users in the last 30 days / seats)
    /// and feature breadth = key features used in the last 30 days / key features in the catalogue. Without seats (none
    /// purchased) it is feature breadth alone; without catalogued key features, seat utilisation alone; with neither,
    /// no data. No data on days 0–5 of the account, as for engagement.
    /// </summary>
    private static Measured Adoption(AccountSignals s, UsageFacts u)
    {
        if (TooEarlyForUsage(u) is { } reason) return Measured.Missing(reason);
        var features = s.Usage.KeyFeaturesInCatalogue;
        if (s.Seats <= 0 && features <= 0) return Measured.Missing(
            "no purchased seats and no key features in the catalogue");
        var parts = new List<double>(2);
        string seatText, featureText;
        if (s.Seats > 0)
        {
            parts.Add(Math.Min(1, (double)u.MonthlyActiveUsers / s.Seats));
            seatText = $"{u.MonthlyActiveUsers} of {s.Seats} seats active in the last 30 days";
        }
        else
        {
            seatText = "no purchased seats (feature breadth only)";
        }
        if (features > 0)
        {
            var used = Math.Clamp(s.Usage.KeyFeaturesUsedLast30Days, 0, features);
            parts.Add((double)used / features);
            featureText = $"{used} of {features} key features used";
        }
        else
        {
            featureText = "no key features in the catalogue (seat use only)";
        }
        return new(100 * parts.Average(), $"{seatText}; {featureText}");
    }

    /// <summary>
    /// <b>Momentum</b> = the mean of two change scores, last 30 days against the 30 before: distinct active users, and
    /// events. A change p = now / before − 1 maps to 0 at −50% or worse, 60 when flat, 100 at +25% or better, linear in
    /// between; growth from nothing scores 100; a measure that was zero in both windows is left out. No data until the
    /// previous window lies wholly after the start (60 days, the start included: from day 59 on), nor without any use
    /// in either window.
    /// </summary>
    private static Measured Momentum(AccountSignals s, UsageFacts u)
    {
        if (u.HistoryDays < MomentumHistoryDays)
            return Measured.Missing(
                $"needs {MomentumHistoryDays} days since the start to compare two 30-day windows; has {u.HistoryDays}");
        var usersNow = Math.Max(0, s.Usage.ActiveUsersLast30Days);
        var usersBefore = Math.Max(0, s.Usage.ActiveUsersPrevious30Days);
        var parts = new[] { ChangeScore(usersNow, usersBefore),
            ChangeScore(u.EventsLast30, u.EventsPrevious30) }.OfType<double>().ToArray();
        if (parts.Length == 0) return Measured.Missing("no use in the last 60 days to compare");
        return new(parts.Average(),
            $"{usersNow} active users in the last 30 days vs {usersBefore} in the 30 before " +
            $"({Change(usersNow, usersBefore)}); {u.EventsLast30} events vs {u.EventsPrevious30} " +
            $"({Change(u.EventsLast30, u.EventsPrevious30)})");

        static double? ChangeScore(double now, double before) =>
            before > 0 ? MomentumOf(now / before - 1) : now > 0 ? 100 : null;
        static string Change(double now, double before) =>
            before > 0 ? $"{now / before - 1:+0%;-0%;0%}" : now > 0 ? "new" : "none";
    }

    /// <summary>
    /// The momentum of a relative change: −50% or worse → 0, flat → 60, +25% or better → 100, linear between.
    /// </summary>
    public static double MomentumOf(double change) =>
        change <= -0.5 ? 0
        : change < 0 ? 60 * (change + 0.5) / 0.5
        : change < 0.25 ? 60 + 40 * change / 0.25
        : 100;

    /// <summary>
    /// <b>Onboarding</b>, from the plan's milestones (due date = start + due day; overdue from the day after). While
    /// the plan runs (up to day 90, or the last due day when later): 100 × done / due so far − 10 per overdue
    /// milestone, clamped to 0–100, where "due so far" are the milestones past their due date plus those already done
    /// early. After that: the final on-time share, 100 × milestones done by their due date / all milestones. No data
    /// without a plan, before the first milestone is due (unless one is done early), and from day 365 of the plan on.
    /// </summary>
    private static Measured Onboarding(AccountSignals s)
    {
        if (s.Onboarding is not { } plan) return Measured.Missing("no onboarding plan");
        if (plan.Milestones.Count == 0) return Measured.Missing("the onboarding plan has no milestones");
        var today = s.AsOfDay;
        var day = today.DayNumber - plan.StartDate.DayNumber;
        if (day < 0) return Measured.Missing($"the onboarding plan starts on {plan.StartDate:yyyy-MM-dd}");
        if (day >= OnboardingRelevanceDays)
            return Measured.Missing(
                $"onboarding is over: the plan started {day} days ago, and counts for {OnboardingRelevanceDays}");

        DateOnly DueDate(MilestoneSummary m) => plan.StartDate.AddDays(m.DueDay);
        bool Done(MilestoneSummary m) => m.DoneOn is { } on && on <= today;

        var lastDay = Math.Max(OnboardingPlanDays, plan.Milestones.Max(m => m.DueDay));
        if (day > lastDay)
        {
            var onTime = plan.Milestones.Count(m => Done(m) && m.DoneOn!.Value <= DueDate(m));
            return new(100.0 * onTime / plan.Milestones.Count,
                $"Plan over (day {day}): {onTime} of {plan.Milestones.Count} milestones done on time");
        }
        var overdue = plan.Milestones.Where(m => !Done(m) && DueDate(m) < today).ToArray();
        var done = plan.Milestones.Count(Done);
        var due = done + overdue.Length;
        if (due == 0)
            return Measured.Missing(
                $"no milestone due yet (day {day} of the plan; the first is due on day " +
                $"{plan.Milestones.Min(m => m.DueDay)})");
        var text = $"Day {day} of the plan: {done} of {due} milestones due so far done";
        if (overdue.Length > 0)
            text += $"; {overdue.Length} overdue " +
                $"({string.Join(", ", overdue.Select(m => $"{m.Key} by {today.DayNumber - DueDate(m).DayNumber} d"))})";
        return new(100.0 * done / due - OverdueMilestonePenalty * overdue.Length, text);
    }

    /// <summary>
    /// <b>Sentiment</b>, from the NPS answers of the last 180 days. An answer is worth 5 × score for 0–6 (detractors,
    /// 0–30), 70 for 7–8 (passives), 100 for 9–10 (promoters), and has a freshness f = 1 − age in days / 180. Sentiment
    /// = 70 + (m − 70) × f(newest), where m is the mean of the answers' worth weighted by freshness: recent answers
    /// count most, and as even the newest ages the whole fades toward a passive's 70. No data without an answer in 180
    /// days.
    /// </summary>
    private static Measured Sentiment(AccountSignals s)
    {
        var answers = RecentAnswers(s).ToArray();
        if (answers.Length == 0) return Measured.Missing($"no NPS answer in the last {NpsWindowDays} days");
        double weighted = 0, weights = 0, newest = 0;
        foreach (var a in answers)
        {
            var freshness = 1 - (s.AsOf - a.AnsweredAt).TotalDays / NpsWindowDays;
            weighted += freshness * WorthOf(a.Score);
            weights += freshness;
            newest = Math.Max(newest, freshness);
        }
        var latest = answers.MaxBy(a => a.AnsweredAt)!;
        var promoters = answers.Count(a => a.Score >= 9);
        var detractors = answers.Count(a => a.Score <= 6);
        var nps = 100.0 * (promoters - detractors) / answers.Length;
        return new(NeutralSentiment + (weighted / weights - NeutralSentiment) * newest,
            $"{answers.Length} NPS answer{(answers.Length == 1 ? "" : "s")} in the last {NpsWindowDays} days (NPS " +
            $"{nps:+0;-0;0}); newest answer {latest.Score}, {(s.AsOf - latest.AnsweredAt).TotalDays:0} days ago");

        static double WorthOf(int score) => score >= 9 ? 100 : score >= 7 ? 70 : 5.0 * Math.Max(0, score);
    }

    /// <summary>NPS answers at most 180 days old, none after the as-of instant.</summary>
    internal static IEnumerable<NpsAnswer> RecentAnswers(AccountSignals s) =>
        s.NpsAnswers.Where(a => a.AnsweredAt <= s.AsOf && (s.AsOf - a.AnsweredAt).TotalDays < NpsWindowDays);

    /// <summary>
    /// <b>Support</b> = 100 × 2^(−x / 2), where x = severity points per 10 seats = 10 × load / max(seats, 10), and load
    /// sums the tickets open at some time in the last 30 days: low 1, normal (or unspecified) 2, high 4, urgent 8
    /// points, halved for a ticket closed by now. No tickets → 100; one open normal ticket on 10 seats → 50. No data
    /// when there is no ticket and fewer than 7 days since the start.
    /// </summary>
    private static Measured Support(AccountSignals s, UsageFacts u)
    {
        var windowStart = s.AsOf.AddDays(-SupportWindowDays);
        var tickets = s.Tickets.Where(t => t.OpenedAt <= s.AsOf && (t.ClosedAt is null || t.ClosedAt > windowStart))
            .ToArray();
        if (tickets.Length == 0)
        {
            return u.HistoryDays < MinimumUsageDays
                ? Measured.Missing(
                    $"no ticket yet, and only {u.HistoryDays} days since the start (needs {MinimumUsageDays})")
                : new(100, $"No support tickets in the last {SupportWindowDays} days");
        }
        bool IsOpen(TicketSummary t) => t.ClosedAt is null || t.ClosedAt > s.AsOf;
        var load = tickets.Sum(t => PointsOf(t.Severity) * (IsOpen(t) ? 1 : 0.5));
        var seats = Math.Max(s.Seats, SupportSeatFloor);
        var perTenSeats = 10 * load / seats;
        var severities = string.Join(
            ", ", tickets.GroupBy(t => Severity(t.Severity)).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Count()} {g.Key}"));
        return new(100 * Math.Pow(2, -perTenSeats / SupportHalvingPoints),
            $"{tickets.Length} ticket{(tickets.Length == 1 ? "" : "s")} in the last {SupportWindowDays} days " +
            $"({severities}; {tickets.Count(IsOpen)} still open): {perTenSeats:0.#} severity points per 10 seats");

        static double PointsOf(TicketSeverity severity) => severity switch
        {
            TicketSeverity.Low => 1,
            TicketSeverity.High => 4,
            TicketSeverity.Urgent => 8,
            _ => 2,
        };
        static string Severity(TicketSeverity severity) =>
            severity is TicketSeverity.Unspecified ? "normal" : severity.ToString().ToLowerInvariant();
    }

    /// <summary>
    /// <b>Relationship</b>, days since the last CSM touchpoint (d, in UTC days) against the tier's cadence (c): 100
    /// while d ≤ c, 0 from 2c on, linear in between. Without any touchpoint, d counts from the start, and there is no
    /// data until d exceeds c. Not measured (no data) for a tier without cadence, such as tech-touch.
    /// </summary>
    private static Measured Relationship(AccountSignals s, CsTier tier, int? cadence)
    {
        if (cadence is not { } c) return Measured.Missing($"not measured for {Describe(tier)} accounts");
        int days;
        string text;
        if (s.LastTouchpointAt is { } last && last <= s.AsOf)
        {
            days = s.AsOfDay.DayNumber - DateOnly.FromDateTime(last.UtcDateTime).DayNumber;
            text = $"Last CSM touchpoint {days} days ago; the {Describe(tier)} cadence is {c} days";
        }
        else
        {
            days = s.AsOfDay.DayNumber - s.CustomerSince.DayNumber;
            if (days <= c) return Measured.Missing(
                $"no CSM touchpoint recorded yet, {Math.Max(0, days)} days since the start (cadence {c} days)");
            text = $"No CSM touchpoint recorded in the {days} days since the start; the {Describe(tier)} cadence is " +
                $"{c} days";
        }
        return new(days <= c ? 100 : days >= 2 * c ? 0 : 100.0 * (2 * c - days) / c, text);
    }

    private static string? TooEarlyForUsage(UsageFacts u) =>
        u.HistoryDays == 0 ? $"the account starts on {u.Start:yyyy-MM-dd}"
        : u.HistoryDays < MinimumUsageDays
            ? $"only {u.HistoryDays} days of use since the start; needs {MinimumUsageDays}"
        : null;

    internal static string Describe(CsTier tier) => tier switch
    {
        CsTier.HighTouch => "high-touch",
        CsTier.LowTouch => "low-touch",
        _ => "tech-touch",
    };

    private static double Round(double value) => Math.Round(value, 1, MidpointRounding.AwayFromZero);

    /// <summary>A component with data, before renormalisation.</summary>
    private sealed record Part(
        HealthComponentKind Kind,
        double Score,
        double Weight,
        string Text,
        string? Metric = null,
        double? Value = null);

    /// <summary>A component's score with its explanation, or no score with the reason.</summary>
    private readonly record struct Measured(double? Score, string Text)
    {
        public static Measured Missing(string reason) => new(null, reason);
    }
}
