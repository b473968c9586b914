using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Domain.Health;

namespace CustomerHealth.Domain.Renewals;

/// <summary>
/// What the feature builder needs about one contract's renewal as of an instant: the account's signals and health score
/// at that instant, its score 30 days before, and the contract's ARR and renewal date. Training and live prediction
/// pass the same things, only the instant differs (a lead time before a recorded renewal, or now).
/// </summary>
/// <param name="Signals">The account's signals as of the instant (nothing dated later is read).</param> <param
/// name="Score">The health score computed from <paramref name="Signals"/>.</param> <param
/// name="ScoreThirtyDaysBefore">The overall score computed as of 30 days before the instant; null when unknown.</param>
/// <param name="ContractArr">The ARR of the contract whose renewal is predicted (in its own currency).</param> <param
/// name="RenewalDate">That contract's end date.</param> <param name="History">The account's evidence over longer
/// windows (<see cref="RenewalHistory"/>), as of the same instant; null reads as none.</param>
public sealed record RenewalFeatureInput(
    AccountSignals Signals, HealthScore Score, double? ScoreThirtyDaysBefore, decimal ContractArr,
    DateOnly RenewalDate, RenewalHistory? History = null);

/// <summary>
/// One contract's features, in the order of <see cref="RenewalFeatures.Names"/>, every value filled (see <see
/// cref="RenewalFeatures.Defaults"/>), and beside them the per-event usage rates: ln(1 + rate per active user per 28
/// days) of each metric event of the catalogue that has data (<see cref="UsageRates"/>), by event name. Which of those
/// a model reads is the model's own list (<see cref="RenewalFeatures.ModelInput(RenewalFeatureVector,
/// IReadOnlyList{string})"/>), so a catalogue change never shifts what an input means.
/// </summary>
public sealed record RenewalFeatureVector(IReadOnlyList<double> Values)
{
    private static readonly IReadOnlyDictionary<string, double> NoRates = new Dictionary<string, double>();

    public double this[string name] => Values[RenewalFeatures.IndexOf(name)];

    /// <summary>ln(1 + rate:e) by metric event e with data; an event missing here reads 0 (no use, or no
    /// data).</summary>
    public IReadOnlyDictionary<string, double> MetricLogRates { get; init; } = NoRates;
}

/// <summary>
/// The one feature builder of renewal prediction, used for training rows and live predictions alike. Pure: it reads
/// only its input, and ignores anything its input dates after the as-of instant (milestones done later, tickets opened
/// later). A missing value (a component without data, no NPS answer) is filled with a documented neutral default, so
/// the models see no gaps; <c>data_completeness</c> and <c>has_nps</c> tell them how much was filled.
/// </summary>
public static class RenewalFeatures
{
    public const string HealthScore = "health_score";
    public const string ScoreChange30Days = "score_change_30d";
    public const string Engagement = "engagement";
    public const string Adoption = "adoption";
    public const string Momentum = "momentum";
    public const string Onboarding = "onboarding";
    public const string Sentiment = "sentiment";
    public const string Support = "support";
    public const string Relationship = "relationship";
    public const string DataCompleteness = "data_completeness";
    public const string SeatUtilisation = "seat_utilisation";
    public const string LogActiveUsers30Days = "log_active_users_30d";
    public const string TenureYears = "tenure_years";
    public const string LogArr = "log_arr";
    public const string LowTouch = "tier_low_touch";
    public const string HighTouch = "tier_high_touch";
    public const string LatestNps = "latest_nps";
    public const string HasNps = "has_nps";
    public const string OpenTickets = "open_tickets";
    public const string OnboardingCompletion = "onboarding_completion";
    public const string TimeToValueDays = "time_to_value_days";
    public const string RenewalsSoFar = "renewals_so_far";
    public const string DaysToRenewal = "days_to_renewal";
    public const string ActiveShare30Days = "active_share_30d";
    public const string ActiveShare90Days = "active_share_90d";
    public const string ActiveShare180Days = "active_share_180d";
    public const string ActiveShareTrend = "active_share_trend";
    public const string DaysSinceActive = "days_since_active";
    public const string HasUsage180Days = "has_usage_180d";
    public const string NpsMean365Days = "nps_mean_365d";
    public const string NpsAnswers365Days = "nps_answers_365d";
    public const string Tickets180Days = "tickets_180d";
    public const string SevereTickets180Days = "severe_tickets_180d";
    public const string TicketCloseDays = "ticket_close_days";
    public const string Touchpoints180Days = "touchpoints_180d";
    public const string DaysSinceTouchpoint = "days_since_touchpoint";
    public const string LastRenewalArrChange = "last_renewal_arr_change";
    public const string LogSeats = "log_seats";
    public const string KeyFeatureBreadth30Days = "key_feature_breadth_30d";
    public const string KeyFeatureBreadth90Days = "key_feature_breadth_90d";
    public const string KeyFeatureBreadthTrend = "key_feature_breadth_trend";
    public const string KeyFeatureEventsPerActiveDay90Days = "key_feature_events_per_active_day_90d";
    public const string EventsPerActiveDay90Days = "events_per_active_day_90d";
    public const string UsageMetricScore = "usage_metric_score";
    public const string MetricLogRateMean = "metric_log_rate_mean";
    public const string MetricChangeMean = "metric_change_mean";
    public const string MetricDaysSinceMean = "metric_days_since_mean";

    /// <summary>A metric's relative change counts at most this much (+300%) in <see
    /// cref="MetricChangeMean"/>.</summary>
    public const double MaxMetricChange = 3;

    /// <summary>Seat utilisation above this (more active users than seats) counts as this.</summary>
    public const double MaxSeatUtilisation = 1.5;

    /// <summary>
    /// Time to value when first value is not reached (or there is no plan) counts as at least this many days.
    /// </summary>
    public const int UnreachedTimeToValueDays = 90;

    /// <summary>Time to value is capped here.</summary>
    public const int MaxTimeToValueDays = 365;

    /// <summary>Every feature's name, in vector order.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        HealthScore, ScoreChange30Days, Engagement, Adoption, Momentum, Onboarding, Sentiment, Support, Relationship,
        DataCompleteness, SeatUtilisation, LogActiveUsers30Days, TenureYears, LogArr, LowTouch, HighTouch, LatestNps,
            HasNps,
        OpenTickets, OnboardingCompletion, TimeToValueDays, RenewalsSoFar, DaysToRenewal,
        ActiveShare30Days, ActiveShare90Days, ActiveShare180Days, ActiveShareTrend, DaysSinceActive, HasUsage180Days,
        NpsMean365Days, NpsAnswers365Days, Tickets180Days, SevereTickets180Days, TicketCloseDays, Touchpoints180Days,
        DaysSinceTouchpoint, LastRenewalArrChange, LogSeats, KeyFeatureBreadth30Days, KeyFeatureBreadth90Days,
        KeyFeatureBreadthTrend, KeyFeatureEventsPerActiveDay90Days, EventsPerActiveDay90Days,
        UsageMetricScore, MetricLogRateMean, MetricChangeMean, MetricDaysSinceMean,
    ];

    /// <summary>
    /// The value a feature takes when its source has no data: an unknown overall score 50, no 30-day change 0, a
    /// component without data its neutral value (momentum 60 = flat, sentiment 70 = passive, support 100 = no tickets,
    /// others 50), no NPS answer 7.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Defaults { get; } = new Dictionary<string, double>(
        StringComparer.Ordinal)
    {
        [HealthScore] = 50, [ScoreChange30Days] = 0, [Engagement] = 50, [Adoption] = 50, [Momentum] = 60,
        [Onboarding] = 50,
        [Sentiment] = 70, [Support] = 100, [Relationship] = 50, [LatestNps] = 7, [NpsMean365Days] = 7,
        [DaysSinceActive] = RenewalHistory.UsageDays, [TicketCloseDays] = 0,
        [DaysSinceTouchpoint] = MaxDaysSinceTouchpoint,
        [LastRenewalArrChange] = 0, [UsageMetricScore] = 50,
    };

    /// <summary>Days since the last touchpoint are capped here (none recorded: this).</summary>
    public const int MaxDaysSinceTouchpoint = 365;

    /// <summary>
    /// Features built (they are reported and stored with predictions) but not given to the model: onboarding as of the
    /// lead day is an account's first 90 days seen 9 months later, and how much of it is on record depends on where the
    /// account's history starts (a plan evaluated after the fact without the early usage looks unfinished), so it
    /// shifts between older and newer outcomes more than it tells about the renewal.
    /// </summary>
    public static IReadOnlySet<string> NotModelled { get; } = new HashSet<string>(
        StringComparer.Ordinal) { Onboarding, OnboardingCompletion, TimeToValueDays };

    /// <summary>
    /// The features the model sees, in vector order: <see cref="Names"/> without <see cref="NotModelled"/>.
    /// </summary>
    public static IReadOnlyList<string> ModelNames { get; } = Names.Where(n => !NotModelled.Contains(n)).ToArray();

    private static readonly int[] ModelIndexes = ModelNames.Select(n => Names.ToList().IndexOf(n)).ToArray();

    /// <summary>The model's input: the values of <see cref="ModelNames"/>, as singles.</summary>
    public static float[] ModelInput(IReadOnlyList<double> values) => ModelInput(values, null, []);

    /// <summary>
    /// The input of a model that also reads the log-rates of <paramref name="metricEvents"/> (its own list, fixed when
    /// it was trained): the values of <see cref="ModelNames"/>, then each event's ln(1 + rate), 0 without data.
    /// </summary>
    public static float[] ModelInput(RenewalFeatureVector features, IReadOnlyList<string> metricEvents) =>
        ModelInput(features.Values, features.MetricLogRates, metricEvents);

    private static float[] ModelInput(
        IReadOnlyList<double> values, IReadOnlyDictionary<string, double>? rates, IReadOnlyList<string> metricEvents)
    {
        var input = new float[ModelIndexes.Length + metricEvents.Count];
        for (var i = 0; i < ModelIndexes.Length; i++) input[i] = (float)values[ModelIndexes[i]];
        for (var j = 0; j < metricEvents.Count; j++)
            input[ModelIndexes.Length + j] = (float)(rates?.GetValueOrDefault(metricEvents[j]) ?? 0);
        return input;
    }

    /// <summary>The most metric events a model reads one by one (the first by ordinal name).</summary>
    public const int MaxMetricEvents = 12;

    /// <summary>The prefix of a per-event rate input's name, as drivers name it:
    /// <c>log_rate:report_created</c>.</summary>
    public const string MetricLogRatePrefix = "log_rate:";

    /// <summary>
    /// The metric events a model trained on <paramref name="rows"/> reads one by one: those with data in any row, by
    /// ordinal name, at most <see cref="MaxMetricEvents"/>.
    /// </summary>
    public static IReadOnlyList<string> MetricEventsOf(IEnumerable<RenewalFeatureVector> rows) =>
        rows.SelectMany(r => r.MetricLogRates.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Take(MaxMetricEvents).ToArray();

    private static readonly Dictionary<string, int> Index = Names.Select((n, i) => (n, i))
        .ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);

    public static int Count => Names.Count;

    public static int IndexOf(string name) =>
        Index.TryGetValue(name, out var i) ? i
            : throw new ArgumentException($"Unknown renewal feature '{name}'.", nameof(name));

    /// <summary>Builds the feature vector of one contract's renewal as of <see cref="AccountSignals.AsOf"/>.</summary>
    public static RenewalFeatureVector Build(RenewalFeatureInput input)
    {
        var s = input.Signals;
        var score = input.Score;
        var day = s.AsOfDay;
        var v = new double[Count];

        v[IndexOf(HealthScore)] = score.Score ?? Defaults[HealthScore];
        v[IndexOf(ScoreChange30Days)] = score.Score is { } now && input.ScoreThirtyDaysBefore is { } before ? now
            - before : 0;
        Component(v, Engagement, score, HealthComponentKind.Engagement);
        Component(v, Adoption, score, HealthComponentKind.Adoption);
        Component(v, Momentum, score, HealthComponentKind.Momentum);
        Component(v, Onboarding, score, HealthComponentKind.Onboarding);
        Component(v, Sentiment, score, HealthComponentKind.Sentiment);
        Component(v, Support, score, HealthComponentKind.Support);
        Component(v, Relationship, score, HealthComponentKind.Relationship);
        v[IndexOf(DataCompleteness)] = score.Completeness.Share;

        var activeUsers = s.Usage.ActiveUsersLast30Days;
        v[IndexOf(SeatUtilisation)] = s.Seats > 0 ? Math.Min(MaxSeatUtilisation, (double)activeUsers / s.Seats) : 0;
        v[IndexOf(LogActiveUsers30Days)] = Math.Log(1 + activeUsers);
        v[IndexOf(TenureYears)] = Math.Max(0, day.DayNumber - s.CustomerSince.DayNumber) / 365.0;
        v[IndexOf(LogArr)] = Math.Log(1 + (double)Math.Max(0m, input.ContractArr));
        v[IndexOf(LowTouch)] = s.Tier == CsTier.LowTouch ? 1 : 0;
        v[IndexOf(HighTouch)] = s.Tier == CsTier.HighTouch ? 1 : 0;

        var latest = s.NpsAnswers.Where(a => a.AnsweredAt <= s.AsOf).MaxBy(a => a.AnsweredAt);
        v[IndexOf(LatestNps)] = latest?.Score ?? Defaults[LatestNps];
        v[IndexOf(HasNps)] = latest is null ? 0 : 1;
        v[IndexOf(OpenTickets)] = s.Tickets.Count(
            t => t.OpenedAt <= s.AsOf && (t.ClosedAt is null || t.ClosedAt > s.AsOf));

        var (completion, ttv) = OnboardingFigures(s.Onboarding, day);
        v[IndexOf(OnboardingCompletion)] = completion;
        v[IndexOf(TimeToValueDays)] = ttv;
        v[IndexOf(RenewalsSoFar)] = s.Contracts?.Renewals ?? 0;
        v[IndexOf(DaysToRenewal)] = Math.Max(0, input.RenewalDate.DayNumber - day.DayNumber);
        History(v, s, input.History ?? RenewalHistory.None);
        var rates = UsageMetrics(v, s, score);
        return new RenewalFeatureVector(v) { MetricLogRates = rates };
    }

    /// <summary>
    /// The usage-rate metrics (<see cref="UsageRates"/>): the weighted mean of the score's usage-metric components (50
    /// without any), and over the catalogue's metric events the mean of ln(1 + rate per active user per 28 days), of
    /// the relative change (−100% to +300%) and of the days since last use, each 0 when no metric event has data.
    /// Returns ln(1 + rate) by metric event, for the events with data.
    /// </summary>
    private static Dictionary<string, double> UsageMetrics(double[] v, AccountSignals s, HealthScore score)
    {
        var parts = score.Components.Where(c => c.Kind == HealthComponentKind.UsageMetric).ToArray();
        var weight = parts.Sum(c => c.Weight);
        v[IndexOf(UsageMetricScore)] =
            weight > 0 ? parts.Sum(c => c.Score * c.Weight) / weight : Defaults[UsageMetricScore];
        var values = UsageRates.All(s)
            .ToLookup(m => m.Metric[..m.Metric.IndexOf(':', StringComparison.Ordinal)], StringComparer.Ordinal);
        static double Mean(IEnumerable<UsageMetricValue> metrics, Func<double, double> f)
        {
            var xs = metrics.Where(m => m.Value is not null).Select(m => f(m.Value!.Value)).ToArray();
            return xs.Length == 0 ? 0 : xs.Average();
        }
        v[IndexOf(MetricLogRateMean)] = Mean(values["rate"], x => Math.Log(1 + Math.Max(0, x)));
        v[IndexOf(MetricChangeMean)] = Mean(values["change"], x => Math.Clamp(x, -1, MaxMetricChange));
        v[IndexOf(MetricDaysSinceMean)] = Mean(values["days_since"], x => x);
        return values["rate"].Where(m => m.Value is not null).ToDictionary(
            m => m.Metric[UsageRates.RatePrefix.Length..], m => Math.Log(1 + Math.Max(0, m.Value!.Value)),
            StringComparer.Ordinal);
    }

    /// <summary>The features over longer windows: levels and trends of use, NPS, tickets, touchpoints, the last
    /// renewal.</summary>
    private static void History(double[] v, AccountSignals s, RenewalHistory h)
    {
        var users = UsageHistory(v, s, h);
        SignalHistory(v, s, h);
        KeyFeatureHistory(v, s, h, users);
    }

    /// <summary>Use against seats over 30, 90 and 180 days and its trend, days since the last use, events per active
    /// user-day; returns the active users per day of the window.</summary>
    private static Dictionary<DateOnly, int> UsageHistory(double[] v, AccountSignals s, RenewalHistory h)
    {
        var day = s.AsOfDay;
        var users = new Dictionary<DateOnly, int>();
        foreach (var d in h.Days)
        {
            if (d.Day > day || d.Day <= day.AddDays(-RenewalHistory.UsageDays)) continue;
            users[d.Day] = users.GetValueOrDefault(d.Day) + d.ActiveUsers;
        }
        var since = ObservedSince(s.CustomerSince, h.FirstActiveDay, users);
        v[IndexOf(ActiveShare30Days)] = ActiveShare(users, day, since, s.Seats, 0, 30) ?? 0;
        v[IndexOf(ActiveShare90Days)] = ActiveShare(users, day, since, s.Seats, 0, 90) ?? 0;
        v[IndexOf(ActiveShare180Days)] = ActiveShare(users, day, since, s.Seats, 0, RenewalHistory.UsageDays) ?? 0;
        v[IndexOf(ActiveShareTrend)] = ActiveShare(users, day, since, s.Seats, 30, 90) is { } earlier
            ? v[IndexOf(ActiveShare30Days)] - earlier
            : 0;
        var lastActive = users.Where(u => u.Value > 0).Select(u => (DateOnly?)u.Key).Max();
        v[IndexOf(DaysSinceActive)] =
            lastActive is { } last ? day.DayNumber - last.DayNumber : Defaults[DaysSinceActive];
        v[IndexOf(HasUsage180Days)] = lastActive is null ? 0 : 1;
        long activeUserDays90 = 0, events90 = 0;
        foreach (var d in h.Days)
        {
            if (d.Day > day || d.Day <= day.AddDays(-90)) continue;
            activeUserDays90 += d.ActiveUsers;
            events90 += d.Events;
        }
        v[IndexOf(EventsPerActiveDay90Days)] = activeUserDays90 == 0 ? 0 : events90 / (double)activeUserDays90;
        v[IndexOf(LogSeats)] = Math.Log(1 + s.Seats);
        return users;
    }

    /// <summary>NPS, tickets and touchpoints over their windows, and the last renewal's ARR change.</summary>
    private static void SignalHistory(double[] v, AccountSignals s, RenewalHistory h)
    {
        var answers = h.NpsAnswers
            .Where(a => a.AnsweredAt <= s.AsOf && a.AnsweredAt > s.AsOf.AddDays(-RenewalHistory.NpsDays)).ToArray();
        v[IndexOf(NpsMean365Days)] = answers.Length == 0 ? Defaults[NpsMean365Days] : answers.Average(a => a.Score);
        v[IndexOf(NpsAnswers365Days)] = answers.Length;

        var ticketsFrom = s.AsOf.AddDays(-RenewalHistory.TicketDays);
        var tickets = h.Tickets.Where(t => t.OpenedAt <= s.AsOf && t.OpenedAt > ticketsFrom).ToArray();
        v[IndexOf(Tickets180Days)] = tickets.Length;
        v[IndexOf(SevereTickets180Days)] =
            tickets.Count(t => t.Severity is TicketSeverity.High or TicketSeverity.Urgent);
        var closed = tickets.Where(t => t.ClosedAt is { } c && c <= s.AsOf)
            .Select(t => (t.ClosedAt!.Value - t.OpenedAt).TotalDays).ToArray();
        v[IndexOf(TicketCloseDays)] = closed.Length == 0 ? Defaults[TicketCloseDays] : closed.Average();

        var touchpoints = h.Touchpoints.Where(t => t <= s.AsOf).ToArray();
        v[IndexOf(Touchpoints180Days)] = touchpoints.Count(t => t > ticketsFrom);
        // The latest touchpoint: the signals know it even when it is older than the history's window.
        var lastTouch = touchpoints.Append(s.LastTouchpointAt ?? DateTimeOffset.MinValue).Where(t => t <= s.AsOf).Max();
        v[IndexOf(DaysSinceTouchpoint)] = lastTouch == DateTimeOffset.MinValue
            ? Defaults[DaysSinceTouchpoint]
            : Math.Min(MaxDaysSinceTouchpoint, (s.AsOf - lastTouch).TotalDays);
        v[IndexOf(LastRenewalArrChange)] = h.LastRenewalArrChange ?? Defaults[LastRenewalArrChange];
    }

    /// <summary>
    /// Key features: how many of the catalogue's were used (breadth) in the last 30 and 90 days, the change of breadth
    /// (last 30 days against the 60 before), and key-feature events per active user-day over 90 days (depth).
    /// </summary>
    private static void KeyFeatureHistory(
        double[] v, AccountSignals s, RenewalHistory h, Dictionary<DateOnly, int> users)
    {
        var day = s.AsOfDay;
        var featureDays = (h.KeyFeatureDays ?? [])
            .Where(f => f.Day <= day && f.Day > day.AddDays(-RenewalHistory.FeatureDays) && f.Events > 0).ToArray();
        var catalogue = Math.Max(1, h.KeyFeaturesInCatalogue);
        double Breadth(int fromAgo, int toAgo) => featureDays
            .Where(f => f.Day <= day.AddDays(-fromAgo) && f.Day > day.AddDays(-toAgo))
            .Select(f => f.Feature).Distinct(StringComparer.Ordinal).Count() / (double)catalogue;
        v[IndexOf(KeyFeatureBreadth30Days)] = Breadth(0, 30);
        v[IndexOf(KeyFeatureBreadth90Days)] = Breadth(0, 90);
        v[IndexOf(KeyFeatureBreadthTrend)] = Breadth(0, 30) - Breadth(30, 90);
        double Depth(int days)
        {
            var userDays = users.Where(u => u.Key > day.AddDays(-days)).Sum(u => (long)u.Value);
            return userDays == 0
                ? 0
                : featureDays.Where(f => f.Day > day.AddDays(-days)).Sum(f => f.Events) / (double)userDays;
        }
        v[IndexOf(KeyFeatureEventsPerActiveDay90Days)] = Depth(RenewalHistory.FeatureDays);
    }

    /// <summary>
    /// The first day the use shares count: the customer's start, or the account's first recorded active day when that
    /// is later. Days before any use was recorded say that tracking had not begun (an integration connected
    /// mid-contract, a history loaded from a date), not that the seats sat idle; averaging them in would make the same
    /// use look thinner the closer it lies to the start of the record. Without any recorded use by the as-of day: the
    /// customer's start.
    /// </summary>
    public static DateOnly ObservedSince(
        DateOnly customerSince,
        DateOnly? firstActiveDay,
        IReadOnlyDictionary<DateOnly, int> users
    )
    {
        DateOnly? first = firstActiveDay;
        foreach (var (d, n) in users)
        {
            if (n > 0 && (first is null || d < first)) first = d;
        }
        return first is { } f && f > customerSince ? f : customerSince;
    }

    /// <summary>
    /// Active users per seat per day over the days <paramref name="fromAgo"/> (0 = the as-of day) to <paramref
    /// name="toAgo"/> (excluded) before the as-of day, counting only days from the customer's start; null without seats
    /// or such days.
    /// </summary>
    public static double? ActiveShare(
        IReadOnlyDictionary<DateOnly, int> users,
        DateOnly day,
        DateOnly since,
        int seats,
        int fromAgo,
        int toAgo
    )
    {
        if (seats <= 0) return null;
        long userDays = 0;
        var observed = 0;
        for (var i = fromAgo; i < toAgo; i++)
        {
            var d = day.AddDays(-i);
            if (d < since) break;
            observed++;
            userDays += users.GetValueOrDefault(d);
        }
        return observed == 0 ? null : Math.Min(MaxSeatUtilisation, (double)userDays / observed / seats);
    }

    /// <summary>
    /// The share of the plan's milestones done by <paramref name="day"/> (0 without a plan), and time to value: the
    /// days from the plan's start to the first-value milestone when done by then, else the days since the start but at
    /// least <see cref="UnreachedTimeToValueDays"/> (no plan: that floor); capped at <see cref="MaxTimeToValueDays"/>.
    /// </summary>
    public static (double Completion, double TimeToValueDays) OnboardingFigures(OnboardingSummary? plan, DateOnly day)
    {
        if (plan is null || plan.Milestones.Count == 0) return (0, UnreachedTimeToValueDays);
        var done = plan.Milestones.Count(m => m.DoneOn is { } d && d <= day);
        var firstValue = plan.Milestones.FirstOrDefault(m => m.IsFirstValue);
        double ttv = firstValue?.DoneOn is { } reached && reached <= day
            ? Math.Max(0, reached.DayNumber - plan.StartDate.DayNumber)
            : Math.Max(UnreachedTimeToValueDays, day.DayNumber - plan.StartDate.DayNumber);
        return ((double)done / plan.Milestones.Count, Math.Min(MaxTimeToValueDays, ttv));
    }

    private static void Component(double[] v, string name, HealthScore score, HealthComponentKind kind) =>
        v[IndexOf(name)] = score.Component(kind)?.Score ?? Defaults[name];
}
