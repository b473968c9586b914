using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Rpc;
using Grpc.Core;

namespace CustomerHealth.Server.Tests.Metrics;

public sealed class MetricsCurrenciesOnSqlite(SqliteTestDatabase database)
    : MetricsCurrencyTests<SqliteTestDatabase>(database);

public sealed class MetricsCurrenciesOnPostgreSql(PostgreSqlTestDatabase database)
    : MetricsCurrencyTests<PostgreSqlTestDatabase>(database);

public sealed class MetricsCurrenciesOnSqlServer(SqlServerTestDatabase database)
    : MetricsCurrencyTests<SqlServerTestDatabase>(database);

/// <summary>
/// Portfolio metrics over contracts in two currencies (a database of its own): an error unless converted.
/// </summary>
public abstract class MetricsCurrencyTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private MetricsService.MetricsServiceClient Metrics => new(Service.Channel);
    private AccountService.AccountServiceClient Accounts => new(Service.Channel);

    private async Task GivenDollarsAndEuros()
    {
        await Accounts.UpsertAccountAsync(
            new() { Account = Build.Account("us", segment: "US") }, cancellationToken: Ct);
        await Accounts.UpsertContractAsync(
            new()
            {
                Contract = Build.Contract(
                "us-1", "us", arr: 10_000m, currency: "USD", start: "2025-06-01", end: "2026-06-01")
            },
                cancellationToken: Ct);
        await Accounts.UpsertAccountAsync(
            new() { Account = Build.Account("eu", segment: "EU") }, cancellationToken: Ct);
        await Accounts.UpsertContractAsync(
            new()
            {
                Contract = Build.Contract(
                "eu-1", "eu", arr: 20_000m, currency: "EUR", start: "2025-06-01", end: "2026-06-01")
            },
                cancellationToken: Ct);
    }

    private static GetPortfolioMetricsRequest Month(Action<GetPortfolioMetricsRequest>? change = null)
    {
        var request = new GetPortfolioMetricsRequest { Period = new ReportingPeriod { Kind = PeriodKind.Month } };
        change?.Invoke(request);
        return request;
    }

    [Fact]
    public async Task MixedCurrenciesWithoutARateFailTheirPrecondition()
    {
        await GivenDollarsAndEuros();

        var status = await FailsWith(
            StatusCode.FailedPrecondition, () => Metrics.GetPortfolioMetricsAsync(Month(), cancellationToken: Ct)
            .ResponseAsync);
        Assert.Equal("MIXED_CURRENCIES", status.GetDetail<ErrorInfo>()?.Reason);

        // A reporting currency without the other's rate is no better.
        status = await FailsWith(
            StatusCode.FailedPrecondition,
            () => Metrics.GetPortfolioMetricsAsync(Month(r => r.CurrencyCode = "USD"), cancellationToken: Ct)
            .ResponseAsync);
        Assert.NotNull(status.GetDetail<PreconditionFailure>());
    }

    [Fact]
    public async Task ARateConvertsEachContractAndOneCurrencyNeedsNone()
    {
        await GivenDollarsAndEuros();

        var converted = (await Metrics.GetPortfolioMetricsAsync(
            Month(r => { r.CurrencyCode = "USD"; r.ConversionRates["EUR"] = 1.25; }), cancellationToken: Ct)).Report;
        Assert.Equal("USD", converted.CurrencyCode);
        Assert.Equal(35_000m, Build.Amount(converted.Arr));

        var euros = (await Metrics.GetPortfolioMetricsAsync(Month(r => r.Segment = "EU"), cancellationToken: Ct))
            .Report;
        Assert.Equal("EUR", euros.CurrencyCode);
        Assert.Equal(20_000m, Build.Amount(euros.Arr));
    }
}
