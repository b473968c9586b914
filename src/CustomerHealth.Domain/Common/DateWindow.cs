namespace CustomerHealth.Domain.Common;

/// <summary>
/// The calendar days and instants a caller may name: 1970-01-01 to 2200-12-31 (UTC). Wide enough for any contract,
/// event or report; narrow enough that date arithmetic on them (a plan's due days, a period's opening day, a
/// retention window) never reaches <see cref="DateOnly.MinValue"/> or <see cref="DateOnly.MaxValue"/>.
/// </summary>
public static class DateWindow
{
    public static readonly DateOnly FirstDay = new(1970, 1, 1);
    public static readonly DateOnly LastDay = new(2200, 12, 31);

    /// <summary>The first instant: 1970-01-01T00:00:00Z.</summary>
    public static readonly DateTime FirstInstant = FirstDay.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    /// <summary>The last instant: 2200-12-31T23:59:59.9999999Z.</summary>
    public static readonly DateTime LastInstant = LastDay.ToDateTime(TimeOnly.MaxValue, DateTimeKind.Utc);

    /// <summary>How a violation describes the window.</summary>
    public const string Description = "between 1970-01-01 and 2200-12-31";

    public static bool Contains(DateOnly day) => day >= FirstDay && day <= LastDay;

    public static bool Contains(DateTime instant) => instant >= FirstInstant && instant <= LastInstant;
}
