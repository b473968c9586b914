namespace CustomerHealth.Domain.Health;

/// <summary>The usage figures the components and the lifecycle share, taken once from an account's signals.</summary>
internal sealed class UsageFacts
{
    public const int WindowDays = 30;

    private readonly Dictionary<DateOnly, DailyUsage> _days = [];

    public UsageFacts(AccountSignals signals)
    {
        AsOfDay = signals.AsOfDay;
        LastCompleteDay = DateOnly.FromDateTime(signals.AsOf.UtcDateTime.AddTicks(TimeSpan.TicksPerMicrosecond))
            .AddDays(-1);
        Start = signals.CustomerSince;
        HistoryDays = Math.Max(0, AsOfDay.DayNumber - Start.DayNumber + 1);
        ObservedDays = Math.Min(WindowDays, HistoryDays);
        foreach (var d in signals.Usage.Days)
        {
            if (d.Day > AsOfDay) continue;
            _days[d.Day] = _days.TryGetValue(d.Day, out var same)
                ? new DailyUsage(d.Day, same.ActiveUsers + d.ActiveUsers, same.Events + d.Events)
                : d;
        }
        for (var i = 0; i < ObservedDays; i++)
        {
            var users = ActiveUsersOn(AsOfDay.AddDays(-i));
            if (users > 0) ActiveDays++;
            ActiveUserDays += users;
        }
        for (var i = 0; i < WindowDays; i++)
        {
            EventsLast30 += EventsOn(AsOfDay.AddDays(-i));
            EventsPrevious30 += EventsOn(AsOfDay.AddDays(-WindowDays - i));
        }
        MonthlyActiveUsers = Math.Max(0, signals.Usage.ActiveUsersLast30Days);
    }

    public DateOnly AsOfDay { get; }

    /// <summary>
    /// The last UTC day that has ended by the as-of instant: the day before the as-of day, or the as-of day itself when
    /// the instant is its last microsecond (the end-of-day instant stored snapshots are taken as of).
    /// </summary>
    public DateOnly LastCompleteDay { get; }

    /// <summary>Day 0 of the account as a customer.</summary>
    public DateOnly Start { get; }

    /// <summary>Days from <see cref="Start"/> to the as-of day, both counted (0 when the start is later).</summary>
    public int HistoryDays { get; }

    /// <summary>The days of the last 30 that fall on or after <see cref="Start"/>: the usage window.</summary>
    public int ObservedDays { get; }

    /// <summary>Days of the usage window with an active user.</summary>
    public int ActiveDays { get; }

    /// <summary>Daily active users summed over the usage window.</summary>
    public long ActiveUserDays { get; }

    public long EventsLast30 { get; }
    public long EventsPrevious30 { get; }

    /// <summary>Distinct active users in the last 30 days (MAU).</summary>
    public int MonthlyActiveUsers { get; }

    /// <summary>Average daily active users over the usage window.</summary>
    public double AverageDailyActiveUsers => ObservedDays == 0 ? 0 : (double)ActiveUserDays / ObservedDays;

    /// <summary>
    /// DAU/MAU: the average share of the month's active users active on a day (0 without any), at most 1.
    /// </summary>
    public double Stickiness => MonthlyActiveUsers == 0 ? 0 : Math.Min(1, AverageDailyActiveUsers / MonthlyActiveUsers);

    /// <summary>"last 30 days", or how many days since the start when fewer.</summary>
    public string WindowText =>
        ObservedDays == WindowDays ? $"last {WindowDays} days" : $"{ObservedDays} days since {Start:yyyy-MM-dd}";

    public int ActiveUsersOn(DateOnly day) => _days.TryGetValue(day, out var d) ? d.ActiveUsers : 0;

    /// <summary>
    /// True when each of the last <paramref name="days"/> complete UTC days (up to <see cref="LastCompleteDay"/>) had
    /// an active user: the day in progress is not judged, so an account that qualified at midnight keeps the flag all
    /// day.
    /// </summary>
    public bool ActiveOnEachOfLast(int days)
    {
        for (var i = 0; i < days; i++)
        {
            if (ActiveUsersOn(LastCompleteDay.AddDays(-i)) == 0) return false;
        }
        return days > 0;
    }

    private long EventsOn(DateOnly day) => _days.TryGetValue(day, out var d) ? d.Events : 0;
}
