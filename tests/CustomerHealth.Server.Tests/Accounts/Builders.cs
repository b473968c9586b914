using CustomerHealth.V1;
using Google.Type;

namespace CustomerHealth.Server.Tests.Accounts;

/// <summary>Valid requests with sensible defaults; each test changes only what it is about.</summary>
public static class Build
{
    public static Account Account(
        string id = "acme", string name = "Acme Corp", string segment = "Mid-market", CsTier tier = CsTier.Unspecified,
        string owner = "csm.alice@example.com") =>
        new() { AccountId = id, DisplayName = name, Segment = segment, CsTier = tier, Owner = owner };

    public static Contract Contract(
        string id = "acme-2026", string accountId = "acme", decimal arr = 24_000m, string currency = "USD",
        int seats = 40,
        string start = "2026-01-01", string end = "2027-01-01") =>
        new()
        {
            ContractId = id,
            AccountId = accountId,
            Arr = Money(arr, currency),
            Seats = seats,
            StartDate = Date(start),
            EndDate = Date(end),
        };

    public static Google.Type.Money Money(decimal amount, string currency = "USD")
    {
        var units = decimal.Truncate(amount);
        return new Google.Type.Money
        {
            CurrencyCode = currency, Units = (long)units,
            Nanos = (int)((amount - units) * 1_000_000_000m)
        };
    }

    public static decimal Amount(Google.Type.Money money) => money.Units + money.Nanos / 1_000_000_000m;

    public static Date Date(string iso)
    {
        var d = DateOnly.ParseExact(iso, "yyyy-MM-dd");
        return new Date { Year = d.Year, Month = d.Month, Day = d.Day };
    }
}
