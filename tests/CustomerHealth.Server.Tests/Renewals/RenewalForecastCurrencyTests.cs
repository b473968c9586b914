using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Tests.Renewals;

public sealed class RenewalForecastCurrencyOnSqlite(SqliteTestDatabase database)
    : RenewalForecastCurrencyTests<SqliteTestDatabase>(database);

public sealed class RenewalForecastCurrencyOnPostgreSql(PostgreSqlTestDatabase database)
    : RenewalForecastCurrencyTests<PostgreSqlTestDatabase>(database);

public sealed class RenewalForecastCurrencyOnSqlServer(SqlServerTestDatabase database)
    : RenewalForecastCurrencyTests<SqlServerTestDatabase>(database);

/// <summary>The forecast adds up contracts of several currencies in the reporting currency (USD by default).</summary>
public abstract class RenewalForecastCurrencyTests<TDatabase>(TDatabase database) : RenewalScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private const string Owner = "fx@example.com";

    private CurrencyService.CurrencyServiceClient Currencies => new(Service.Channel);

    [Fact]
    public async Task ContractsInOtherCurrenciesAreConvertedWithTheRatesInForce()
    {
        await GivenContract("fx-us", "fx-us-1", 24_000m, "USD");
        await GivenContract("fx-de", "fx-de-1", 20_000m, "EUR");
        var list = await Eventually(() => AllUpcoming(new() { Owner = Owner }), l => l.Count == 2, "two predictions");

        var mixed = await FailsWith(StatusCode.FailedPrecondition, () => Forecast());
        Assert.Equal("MIXED_CURRENCIES", mixed.GetDetail<Google.Rpc.ErrorInfo>()!.Reason);

        var set = await SetRates(("EUR", 1.08));
        var response = await Renewals.GetRenewalForecastAsync(new() { Owner = Owner }, cancellationToken: Ct);
        Assert.Equal("USD", response.Forecast.CurrencyCode);
        Assert.Equal(set.ExchangeRates.Version, response.ExchangeRatesVersion);
        Assert.Equal(24_000m + 20_000m * 1.08m, Build.Amount(response.Forecast.Total.Arr));
        var expected = list.Sum(p => Build.Amount(p.ExpectedRenewalArr) * (p.Arr.CurrencyCode == "EUR" ? 1.08m : 1m));
        Assert.InRange(Build.Amount(response.Forecast.Total.ExpectedArr) - expected, -0.01m, 0.01m);

        await SetRates(("GBP", 1.25));
        var missing = await FailsWith(StatusCode.FailedPrecondition, () => Forecast());
        var info = missing.GetDetail<Google.Rpc.ErrorInfo>()!;
        Assert.Equal("EXCHANGE_RATE_MISSING", info.Reason);
        Assert.Equal("EUR", info.Metadata["currencies"]);
    }

    private Task Forecast() =>
        Renewals.GetRenewalForecastAsync(new() { Owner = Owner }, cancellationToken: Ct).ResponseAsync;

    private async Task GivenContract(string account, string contract, decimal arr, string currency)
    {
        await Accounts.UpsertAccountAsync(
            new() { Account = Build.Account(account, tier: CsTier.LowTouch, owner: Owner) }, cancellationToken: Ct);
        await Accounts.UpsertContractAsync(new()
        {
            Contract = Build.Contract(contract, account, arr: arr, currency: currency, start: "2025-06-01",
                end: "2026-06-01"),
        }, cancellationToken: Ct);
    }

    private async Task<SetExchangeRatesResponse> SetRates(params (string Code, double Rate)[] rates)
    {
        var request = new SetExchangeRatesRequest { AsOfDate = Build.Date("2026-03-14") };
        foreach (var (code, rate) in rates) request.Rates[code] = rate;
        return await Currencies.SetExchangeRatesAsync(request, cancellationToken: Ct);
    }
}
