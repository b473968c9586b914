using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Metrics;

public enum PeriodKind
{
    Unspecified = 0,
    Month = 1,
    Quarter = 2,
    Year = 3,
    /// <summary>An explicit first and last day.</summary>
    Range = 4,
}

/// <summary>
/// The days a report covers: UTC days from <see cref="Start"/> to <see cref="End"/>, both counted. <see cref="End"/> is
/// the report's as-of day: nothing dated after it is used. A month, quarter or year runs from its first day up to the
/// as-of day (month to date; the whole month when the as-of day is its last day). Quarters are calendar quarters
/// (January–March, ...).
/// </summary>
public sealed record ReportingPeriod
{
    private ReportingPeriod(PeriodKind kind, DateOnly start, DateOnly end) => (Kind, Start, End) = (kind, start, end);

    public PeriodKind Kind { get; }
    public DateOnly Start { get; }

    /// <summary>The last day of the period, counted: the as-of day.</summary>
    public DateOnly End { get; }

    /// <summary>
    /// The day before <see cref="Start"/>: the starting cohort of the retention metrics is what was active on it.
    /// </summary>
    public DateOnly Opening => Start.AddDays(-1);

    public int Days => End.DayNumber - Start.DayNumber + 1;

    public bool Contains(DateOnly day) => Start <= day && day <= End;

    /// <summary>The month, quarter or year that contains <paramref name="asOf"/>, up to and including it.</summary>
    public static ReportingPeriod ToDate(PeriodKind kind, DateOnly asOf)
    {
        var start = kind switch
        {
            PeriodKind.Month => new DateOnly(asOf.Year, asOf.Month, 1),
            PeriodKind.Quarter => new DateOnly(asOf.Year, (asOf.Month - 1) / 3 * 3 + 1, 1),
            PeriodKind.Year => new DateOnly(asOf.Year, 1, 1),
            PeriodKind.Range =>
                throw new ValidationException(
                    "period.kind", "a range needs its start date: use ReportingPeriod.Between"),
            _ => throw new ValidationException("period.kind", "must be MONTH, QUARTER, YEAR or RANGE"),
        };
        return Validated(kind, start, asOf);
    }

    /// <summary>
    /// An explicit range, <paramref name="start"/> to <paramref name="end"/> (the as-of day), both counted.
    /// </summary>
    public static ReportingPeriod Between(DateOnly start, DateOnly end) => Validated(PeriodKind.Range, start, end);

    private static ReportingPeriod Validated(PeriodKind kind, DateOnly start, DateOnly end)
    {
        var v = new Violations();
        if (start == DateOnly.MinValue) v.Add("period.start_date", "must be after 0001-01-01");
        if (end < start) v.Add(
            "period.end_date", $"must be on or after the start date {start:yyyy-MM-dd} (got {end:yyyy-MM-dd})");
        v.ThrowIfAny();
        return new ReportingPeriod(kind, start, end);
    }

    public override string ToString() => $"{Kind} {Start:yyyy-MM-dd}..{End:yyyy-MM-dd}";
}
