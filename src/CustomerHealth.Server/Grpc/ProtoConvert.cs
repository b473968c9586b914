using CustomerHealth.Domain.Common;
using Google.Protobuf.WellKnownTypes;
using Google.Type;
using DateTime = System.DateTime;

namespace CustomerHealth.Server.Grpc;

/// <summary>
/// Conversions between protobuf's well-known and common types and the domain's, with the field rules they imply.
/// </summary>
public static class ProtoConvert
{
    private const long NanosPerMicro = 1_000;

    public static Timestamp ToTimestamp(DateTime utc) =>
        Timestamp.FromDateTime(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    public static Date ToDate(DateOnly day) => new() { Year = day.Year, Month = day.Month, Day = day.Day };

    public static Google.Type.Money ToMoney(decimal amount, string currency)
    {
        var units = decimal.Truncate(amount);
        return new Google.Type.Money
        {
            CurrencyCode = currency, Units = (long)units,
            Nanos = (int)((amount - units) * 1_000_000_000m)
        };
    }

    /// <summary>
    /// Reads a full calendar date within <see cref="DateWindow"/>; partial dates (year, month or day zero), impossible
    /// dates and dates outside the window are violations.
    /// </summary>
    public static DateOnly? ReadDate(Violations violations, string field, Date? date, bool required)
    {
        if (date is null)
        {
            if (required) violations.Add(field, "is required");
            return null;
        }
        if (date.Year is < 1 or > 9999 || date.Month is < 1 or > 12 || date.Day < 1
            || date.Day > DateTime.DaysInMonth(date.Year, date.Month))
        {
            violations.Add(
                field, $"must be a full, valid calendar date (got {date.Year:D4}-{date.Month:D2}-{date.Day:D2})");
            return null;
        }
        var day = new DateOnly(date.Year, date.Month, date.Day);
        if (!DateWindow.Contains(day))
        {
            violations.Add(field, $"must be {DateWindow.Description} (got {day:yyyy-MM-dd})");
            return null;
        }
        return day;
    }

    /// <summary>
    /// Whether a timestamp names an instant within <see cref="DateWindow"/> (nanos 0 to 999,999,999).
    /// </summary>
    public static bool InWindow(Timestamp timestamp) =>
        timestamp.Nanos is >= 0 and <= 999_999_999
        && timestamp.Seconds >= WindowFirstSecond && timestamp.Seconds <= WindowLastSecond;

    private static readonly long WindowFirstSecond = new DateTimeOffset(DateWindow.FirstInstant).ToUnixTimeSeconds();
    private static readonly long WindowLastSecond = new DateTimeOffset(DateWindow.LastInstant).ToUnixTimeSeconds();

    /// <summary>
    /// Reads a non-negative amount in a known ISO 4217 currency with at most <see
    /// cref="Domain.Common.Money.MaxDecimals"/> decimal places and at most <see cref="Domain.Common.Money.MaxAmount"/>.
    /// </summary>
    public static Domain.Common.Money? ReadMoney(
        Violations violations, string field, Google.Type.Money? money, bool required)
    {
        if (money is null)
        {
            if (required) violations.Add(field, "is required");
            return null;
        }
        var before = violations.Items.Count;
        if (string.IsNullOrEmpty(money.CurrencyCode))
            violations.Add($"{field}.currency_code", "is required");
        else if (!Currencies.IsKnown(money.CurrencyCode))
            violations.Add(
                $"{field}.currency_code",
                $"must be an active ISO 4217 code in upper case, such as USD or EUR (got " +
                $"{Excerpt.Of(money.CurrencyCode)})");
        if (money.Units < 0 || money.Nanos < 0)
            violations.Add(field, "must be zero or more");
        if (money.Nanos > 999_999_999)
            violations.Add($"{field}.nanos", "must be between 0 and 999,999,999");
        else if (money.Nanos % NanosPerMicro != 0)
            violations.Add(
                $"{field}.nanos",
                $"must have at most {Domain.Common.Money.MaxDecimals} decimal places (a multiple of 1,000 nanos)");
        if (money.Units > (long)Domain.Common.Money.MaxAmount)
            violations.Add($"{field}.units", $"must be at most {Domain.Common.Money.MaxAmount:N0}");
        if (violations.Items.Count > before) return null;
        return new Domain.Common.Money(money.Units + money.Nanos / 1_000_000_000m, money.CurrencyCode);
    }

    /// <summary>
    /// Checks that a proto enum value is one the contract defines (proto3 lets unknown numbers through).
    /// </summary>
    public static bool IsDefined<TEnum>(Violations violations, string field, TEnum value) where TEnum : struct,
        System.Enum
    {
        if (System.Enum.IsDefined(value)) return true;
        violations.Add(
            field, $"has an unknown value {Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)}");
        return false;
    }
}
