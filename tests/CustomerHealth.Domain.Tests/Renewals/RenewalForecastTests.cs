using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Metrics;
using CustomerHealth.Domain.Renewals;

namespace CustomerHealth.Domain.Tests.Renewals;

public sealed class RenewalForecastTests
{
    private static ForecastLine Line(
        string id, string renewal, decimal arr, double p, double ratio = 1.0, CsTier tier = CsTier.LowTouch,
        string? owner = "ana", string currency = "USD") =>
        new(id, DateOnly.Parse(renewal, System.Globalization.CultureInfo.InvariantCulture), new Money(arr, currency),
            arr * (decimal)p * (decimal)ratio, p, ratio, tier, owner);

    /// <summary>
    /// Three contracts: 10,000 at 0.9 (committed), 20,000 at 0.5 with ratio 1.1, 5,000 at 0.8 (committed: on the
    /// threshold). Expected 9,000 + 11,000 + 4,000 = 24,000; best 10,000 + 22,000 + 5,000 = 37,000; committed 15,000;
    /// worst 9,000 + 4,000 = 13,000.
    /// </summary>
    private static readonly ForecastLine[] Three =
    [
        Line("c1", "2026-04-10", 10_000m, 0.9, owner: "ana"),
        Line("c2", "2026-06-30", 20_000m, 0.5, ratio: 1.1, tier: CsTier.HighTouch, owner: "bo"),
        Line("c3", "2026-07-01", 5_000m, 0.8, tier: CsTier.Unspecified, owner: null),
    ];

    [Fact]
    public void TheCasesFollowTheirFormulasByHand()
    {
        var forecast = RenewalForecast.Compute(Three, 0.8, conversion: null, "EUR");

        Assert.Equal("USD", forecast.Currency);
        Assert.Equal(new ForecastFigures(3, 2, 35_000m, 24_000m, 37_000m, 15_000m, 13_000m), forecast.Total);
    }

    [Fact]
    public void EveryGroupingAddsUpToTheTotals()
    {
        var forecast = RenewalForecast.Compute(Three, 0.8, conversion: null, "USD");

        Assert.Equal([new CalendarQuarter(2026, 2), new CalendarQuarter(2026, 3)],
            forecast.ByQuarter.Select(q => q.Quarter));
        Assert.Equal(new ForecastFigures(2, 1, 30_000m, 20_000m, 32_000m, 10_000m, 9_000m),
            forecast.ByQuarter[0].Figures);
        Assert.Equal([CsTier.TechTouch, CsTier.LowTouch, CsTier.HighTouch], forecast.ByTier.Select(t => t.Tier));
        Assert.Equal(["bo", "ana", null], forecast.ByOwner.Select(o => o.Owner));
        foreach (var grouping in new[]
                 {
                     forecast.ByQuarter.Select(q => q.Figures), forecast.ByTier.Select(t => t.Figures),
                     forecast.ByOwner.Select(o => o.Figures),
                 })
        {
            Assert.Equal(forecast.Total, grouping.Aggregate(ForecastFigures.Zero, (s, f) => s.Add(f)));
        }
        Assert.Equal(0, forecast.OtherOwnerCount);
    }

    [Fact]
    public void AmountsAreConvertedToTheReportingCurrencyContractByContract()
    {
        ForecastLine[] lines =
            [Line("u", "2026-04-01", 1_000m, 0.5), Line("e", "2026-04-02", 1_000m, 1.0, currency: "EUR")];
        var conversion = new CurrencyConversion("USD", new Dictionary<string, decimal> { ["EUR"] = 1.08m });

        var forecast = RenewalForecast.Compute(lines, 0.8, conversion, "USD");

        Assert.Equal(new ForecastFigures(2, 1, 2_080m, 1_580m, 2_080m, 1_080m, 1_080m), forecast.Total);
    }

    [Fact]
    public void MixedCurrenciesWithoutRatesAndAMissingRateAreRefused()
    {
        ForecastLine[] lines =
            [Line("u", "2026-04-01", 1_000m, 0.5), Line("j", "2026-04-02", 1_000m, 1.0, currency: "JPY")];

        var mixed = Assert.Throws<RuleViolationException>(() => RenewalForecast.Compute(lines, 0.8, null, "USD"));
        Assert.Equal("MIXED_CURRENCIES", mixed.Reason);
        var missing = Assert.Throws<RuleViolationException>(() => RenewalForecast.Compute(
            lines, 0.8, new CurrencyConversion("USD", new Dictionary<string, decimal>()), "USD"));
        Assert.Equal("EXCHANGE_RATE_MISSING", missing.Reason);
        Assert.Equal("JPY", missing.Metadata["currencies"]);
    }

    [Fact]
    public void AnEmptyForecastIsInTheFallbackCurrency()
    {
        var forecast = RenewalForecast.Compute([], 0.8, null, "EUR");

        Assert.Equal("EUR", forecast.Currency);
        Assert.Equal(ForecastFigures.Zero, forecast.Total);
        Assert.Empty(forecast.ByQuarter);
    }

    [Fact]
    public void OwnersBeyondTheCapAreAddedUpInOneRow()
    {
        var lines = Enumerable.Range(0, RenewalForecast.MaxOwners + 3)
            .Select(i => Line($"c{i}", "2026-05-01", 1_000m + i, 1.0, owner: $"o{i:D4}")).ToArray();

        var forecast = RenewalForecast.Compute(lines, 0.8, null, "USD");

        Assert.Equal(RenewalForecast.MaxOwners, forecast.ByOwner.Count);
        Assert.Equal($"o{RenewalForecast.MaxOwners + 2:D4}", forecast.ByOwner[0].Owner);
        Assert.Equal(3, forecast.OtherOwnerCount);
        Assert.Equal(3_003m, forecast.OtherOwners.Arr);
        Assert.Equal(forecast.Total,
            forecast.ByOwner.Select(o => o.Figures).Aggregate(forecast.OtherOwners, (s, f) => s.Add(f)));
    }
}
