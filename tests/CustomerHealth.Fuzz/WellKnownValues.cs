using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace CustomerHealth.Fuzz;

/// <summary>
/// Values of the shared message types the contract uses (<c>google.type.Date</c>, <c>google.type.Money</c>,
/// <c>google.protobuf.Timestamp</c>, <c>google.protobuf.Duration</c>): near "now" when valid, and their edges
/// (year 1 and 9999, impossible days, seconds past the Timestamp range, nanos out of range) when not.
/// </summary>
public static class WellKnownValues
{
    /// <summary>A value for a message field of a well-known type, or null when the type is not one of them.</summary>
    public static IMessage? For(string fullName, FuzzValues values, bool boundary) => fullName switch
    {
        "google.type.Date" => boundary ? EdgeDate(values.Random) : NearDate(values),
        "google.type.Money" => boundary ? EdgeMoney(values) : new Google.Type.Money
        {
            CurrencyCode = values.Random.Next(4) == 0 ? "EUR" : "USD",
            Units = values.Random.Next(0, 1_000_000),
        },
        "google.protobuf.Timestamp" => boundary ? EdgeTimestamp(values.Random) : Timestamp.FromDateTimeOffset(
            values.Now.AddMinutes(-values.Random.Next(0, 60 * 24 * 90))),
        "google.protobuf.Duration" => boundary
            ? new Duration { Seconds = values.Random.Next(2) == 0 ? long.MaxValue : -1, Nanos = -5 }
            : Duration.FromTimeSpan(TimeSpan.FromMinutes(values.Random.Next(1, 600))),
        _ => null,
    };

    private static Google.Type.Date NearDate(FuzzValues values) =>
        FuzzValues.ToDate(DateOnly.FromDateTime(values.Now.UtcDateTime).AddDays(values.Random.Next(-800, 400)));

    private static Google.Type.Date EdgeDate(Random random)
    {
        (int Year, int Month, int Day)[] picks =
        [
            (1, 1, 1), (1, 1, 2), (9999, 12, 31), (9999, 12, 30), (9999, 1, 1), (0, 0, 0), (2026, 2, 30),
            (2026, 13, 1), (-1, -1, -1), (10_000, 1, 1), (int.MaxValue, int.MaxValue, int.MaxValue), (2500, 6, 15),
            (1969, 12, 31), (2026, 0, 0), (2024, 2, 29),
        ];
        var (year, month, day) = picks[random.Next(picks.Length)];
        return new Google.Type.Date { Year = year, Month = month, Day = day };
    }

    private static Timestamp EdgeTimestamp(Random random)
    {
        (long Seconds, int Nanos)[] picks =
        [
            (-62_135_596_800, 0), (253_402_300_799, 999_999_999), (253_402_300_800, 0), (-62_135_596_801, 0),
            (long.MaxValue, 0), (long.MinValue, 0), (0, -1), (0, 1_000_000_000), (0, 0), (4_102_444_800, 0),
        ];
        var (seconds, nanos) = picks[random.Next(picks.Length)];
        return new Timestamp { Seconds = seconds, Nanos = nanos };
    }

    private static Google.Type.Money EdgeMoney(FuzzValues values)
    {
        var random = values.Random;
        string[] codes = ["", "usd", "XXX", "US", "USDD", new string('U', 25_001), "\u0000SD"];
        return random.Next(4) switch
        {
            0 => new Google.Type.Money { CurrencyCode = codes[random.Next(codes.Length)], Units = 100 },
            1 => new Google.Type.Money { CurrencyCode = "USD", Units = random.Next(2) == 0 ? long.MaxValue : -1 },
            2 => new Google.Type.Money
            {
                CurrencyCode = "USD", Units = 1, Nanos = random.Next(2) == 0 ? 1_000_000_000 : -1,
            },
            _ => new Google.Type.Money { CurrencyCode = "USD", Units = -5, Nanos = 500 },
        };
    }
}
