using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Rpc;
using Grpc.Core;

namespace CustomerHealth.Server.Tests.Accounts;

public sealed class ExchangeRatesOnSqlite(SqliteTestDatabase database)
    : ExchangeRateTests<SqliteTestDatabase>(database);

public sealed class ExchangeRatesOnPostgreSql(PostgreSqlTestDatabase database)
    : ExchangeRateTests<PostgreSqlTestDatabase>(database);

public sealed class ExchangeRatesOnSqlServer(SqlServerTestDatabase database)
    : ExchangeRateTests<SqlServerTestDatabase>(database);

/// <summary>
/// The exchange-rate table (USD reporting, the default): tiers, metrics and list rows in USD. The tests of a class
/// share a database, so each one sets the whole table it needs and keeps to accounts of its own (ids and owner).
/// </summary>
public abstract class ExchangeRateTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private AccountService.AccountServiceClient Accounts => new(Service.Channel);
    private CurrencyService.CurrencyServiceClient Currencies => new(Service.Channel);
    private OnboardingService.OnboardingServiceClient Onboarding => new(Service.Channel);
    private MetricsService.MetricsServiceClient Metrics => new(Service.Channel);
    private HealthService.HealthServiceClient Health => new(Service.Channel);

    private async Task<SetExchangeRatesResponse> SetRates(params (string Code, double Rate)[] rates)
    {
        var request = new SetExchangeRatesRequest { AsOfDate = Build.Date("2026-03-14") };
        foreach (var (code, rate) in rates) request.Rates[code] = rate;
        return await Currencies.SetExchangeRatesAsync(request, cancellationToken: Ct);
    }

    private async Task GivenAccount(string id, decimal arr, string currency, CsTier tier = CsTier.Unspecified)
    {
        var account = Build.Account(id, name: $"{id} Corp", tier: tier, owner: OwnerOf(id));
        await Accounts.UpsertAccountAsync(new() { Account = account }, cancellationToken: Ct);
        var contract = Build.Contract(
            $"{id}-1", id, arr: arr, currency: currency, start: "2025-06-01", end: "2026-06-01");
        await Accounts.UpsertContractAsync(new() { Contract = contract }, cancellationToken: Ct);
    }

    /// <summary>Each test's accounts are named "test:city" and owned by "test@example.com".</summary>
    private static string OwnerOf(string id) => $"{id.Split(':')[0]}@example.com";

    private async Task<OnboardingPlan> PlanOf(string id) =>
        (await Onboarding.GetOnboardingPlanAsync(new() { AccountId = id }, cancellationToken: Ct)).Plan;

    private async Task<Account> AccountOf(string id) =>
        (await Accounts.GetAccountAsync(new() { AccountId = id }, cancellationToken: Ct)).Account;

    [Fact]
    public async Task ANonDollarContractDerivesItsTierThroughTheRatesTable()
    {
        await SetRates(("JPY", 0.0066), ("EUR", 1.08));

        await GivenAccount("derive:tokyo", 500_000m, "JPY"); // about $3,300
        await GivenAccount("derive:osaka", 2_000_000m, "JPY"); // about $13,200
        await GivenAccount("derive:berlin", 95_000m, "EUR"); // about $102,600

        Assert.Equal(CsTier.TechTouch, (await AccountOf("derive:tokyo")).EffectiveCsTier);
        Assert.False((await AccountOf("derive:tokyo")).CsTierUnconverted);
        Assert.Equal(CsTier.LowTouch, (await AccountOf("derive:osaka")).EffectiveCsTier);
        Assert.Equal(CsTier.HighTouch, (await AccountOf("derive:berlin")).EffectiveCsTier);
        // The first contract's onboarding plan follows the converted tier.
        var plan = await PlanOf("derive:tokyo");
        Assert.Equal(CsTier.TechTouch, plan.CsTier);
    }

    [Fact]
    public async Task ARateChangeRederivesDerivedTiersButLeavesOnboardingPlansAlone()
    {
        await SetRates(("EUR", 1.08)); // a table without yen
        await GivenAccount("rederive:tokyo", 500_000m, "JPY");
        await GivenAccount("rederive:kyoto", 500_000m, "JPY", tier: CsTier.LowTouch);
        await GivenAccount("rederive:boston", 50_000m, "USD");
        var before = await AccountOf("rederive:tokyo");
        Assert.Equal(CsTier.HighTouch, before.EffectiveCsTier); // no rate: its own amount decides, and says so
        Assert.True(before.CsTierUnconverted);
        var plan = await PlanOf("rederive:tokyo");
        Assert.Equal(CsTier.HighTouch, plan.CsTier);

        var set = await SetRates(("JPY", 0.0066));

        Assert.True(set.Changed);
        // Of this test's accounts only tokyo is looked at again: kyoto's tier is assigned, boston's contract is in
        // dollars (the other tests' accounts in the database may be looked at too).
        Assert.InRange(set.AccountsChecked, 1, 20);
        Assert.InRange(set.TiersChanged, 1, set.AccountsChecked);
        var after = await AccountOf("rederive:tokyo");
        Assert.Equal(CsTier.TechTouch, after.EffectiveCsTier);
        Assert.False(after.CsTierUnconverted);
        Assert.Equal(CsTier.LowTouch, (await AccountOf("rederive:kyoto")).EffectiveCsTier);
        Assert.Equal(CsTier.LowTouch, (await AccountOf("rederive:boston")).EffectiveCsTier);
        var planAfter = await PlanOf("rederive:tokyo");
        Assert.Equal(CsTier.HighTouch, planAfter.CsTier); // the plan keeps the template it was made from
        Assert.Equal(plan.TemplateVersion, planAfter.TemplateVersion);
        Assert.Equal(
            plan.Milestones.Select(m => (m.Key, m.DueDate)), planAfter.Milestones.Select(m => (m.Key, m.DueDate)));

        // The same table again is a retry: no new version, nothing re-derived, nothing audited.
        var again = await SetRates(("JPY", 0.0066));
        Assert.False(again.Changed);
        Assert.Equal(set.ExchangeRates.Version, again.ExchangeRates.Version);
        var audit = await new AuditService.AuditServiceClient(Service.Channel).ListAuditEventsAsync(
            new() { TargetType = "exchange_rates", PageSize = 2 }, cancellationToken: Ct);
        var entry = audit.Events[0]; // newest first: the retry left none
        Assert.Equal(AuditAction.ExchangeRatesSet, entry.Action);
        Assert.Equal($"{set.ExchangeRates.Version}", entry.TargetId);
        Assert.Contains($"\"tiersChanged\":{set.TiersChanged}", entry.DetailsJson, StringComparison.Ordinal);
        Assert.Contains("JPY", entry.AfterJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RatesAreVersionedAndReadBack()
    {
        var first = (await SetRates(("EUR", 1.08))).ExchangeRates.Version;
        await SetRates(("EUR", 1.1), ("GBP", 1.27), ("USD", 1));

        var current = await Currencies.GetExchangeRatesAsync(new(), cancellationToken: Ct);
        Assert.Equal(first + 1, current.ExchangeRates.Version);
        Assert.Equal("USD", current.ExchangeRates.ReportingCurrencyCode);
        Assert.True(current.InForce);
        Assert.Equal(new Dictionary<string, double> { ["EUR"] = 1.1, ["GBP"] = 1.27 }, current.ExchangeRates.Rates);
        Assert.Equal(Build.Date("2026-03-14"), current.ExchangeRates.AsOfDate);
        var earlier = await Currencies.GetExchangeRatesAsync(new() { Version = first }, cancellationToken: Ct);
        Assert.False(earlier.InForce);
        Assert.Equal(1.08, earlier.ExchangeRates.Rates["EUR"]);
        await FailsWith(StatusCode.NotFound, () =>
            Currencies.GetExchangeRatesAsync(new() { Version = first + 2 }, cancellationToken: Ct).ResponseAsync);
    }

    [Fact]
    public async Task BadRatesAreRejectedFieldByField()
    {
        var version = (await Currencies.GetExchangeRatesAsync(new(), cancellationToken: Ct)).ExchangeRates.Version;
        await RejectsField("rates[XYZ]", () => SetRates(("XYZ", 1)));
        await RejectsField("rates[EUR]", () => SetRates(("EUR", 0)));
        await RejectsField("rates[EUR]", () => SetRates(("EUR", double.NaN)));
        await RejectsField("rates[USD]", () => SetRates(("USD", 2)));
        await RejectsField("rates", () => SetRates());
        await RejectsField("as_of_date", () => Currencies.SetExchangeRatesAsync(
            new() { AsOfDate = Build.Date("2026-03-16"), Rates = { ["EUR"] = 1.1 } },
            cancellationToken: Ct).ResponseAsync);
        var after = await Currencies.GetExchangeRatesAsync(new(), cancellationToken: Ct);
        Assert.Equal(version, after.ExchangeRates.Version);
    }

    [Fact]
    public async Task MetricsAreInTheReportingCurrencyAndExplicitRatesWin()
    {
        await GivenAccount("metrics:boston", 10_000m, "USD");
        await GivenAccount("metrics:berlin", 20_000m, "EUR");
        var version = (await SetRates(("EUR", 1.25))).ExchangeRates.Version;
        var month = new GetPortfolioMetricsRequest
        {
            Period = new ReportingPeriod { Kind = PeriodKind.Month }, Owner = OwnerOf("metrics:"),
        };

        var stored = await Metrics.GetPortfolioMetricsAsync(month, cancellationToken: Ct);
        Assert.Equal("USD", stored.Report.CurrencyCode);
        Assert.Equal(35_000m, Build.Amount(stored.Report.Arr));
        Assert.Equal(version, stored.ExchangeRatesVersion);

        var explicitRates = month.Clone();
        explicitRates.CurrencyCode = "USD";
        explicitRates.ConversionRates["EUR"] = 1.5;
        var overridden = await Metrics.GetPortfolioMetricsAsync(explicitRates, cancellationToken: Ct);
        Assert.Equal(40_000m, Build.Amount(overridden.Report.Arr));

        // A contract in a currency the table has no rate for: the report cannot add it up, and names the currency.
        await GivenAccount("metrics:london", 30_000m, "GBP");
        var status = await FailsWith(StatusCode.FailedPrecondition,
            () => Metrics.GetPortfolioMetricsAsync(month, cancellationToken: Ct).ResponseAsync);
        var info = status.GetDetail<ErrorInfo>();
        Assert.Equal("EXCHANGE_RATE_MISSING", info?.Reason);
        Assert.Equal("GBP", info?.Metadata["currencies"]);
        Assert.Contains("GBP", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScoreListRowsCarryNameOwnerTierAndArr()
    {
        await SetRates(("JPY", 0.0066));
        await GivenAccount("rows:tokyo", 500_000m, "JPY");
        await GivenAccount("rows:boston", 50_000m, "USD");
        await GivenAccount("rows:london", 30_000m, "GBP");
        await Health.RecomputeHealthScoresAsync(new() { AsOfDate = Build.Date("2026-03-15") }, cancellationToken: Ct);

        var rows = (await Health.ListHealthScoresAsync(
            new() { OrderBy = HealthScoreOrder.Arr, Owner = OwnerOf("rows:") }, cancellationToken: Ct)).Scores;

        // The ARR order compares the amounts as they are (yen first).
        Assert.Equal(["rows:tokyo", "rows:boston", "rows:london"], rows.Select(r => r.AccountId));
        var tokyo = rows[0].Account;
        Assert.Equal("rows:tokyo Corp", tokyo.DisplayName);
        Assert.Equal("rows@example.com", tokyo.Owner);
        Assert.Equal(CsTier.TechTouch, tokyo.EffectiveCsTier);
        Assert.Equal(("JPY", 500_000m), (tokyo.Arr.CurrencyCode, Build.Amount(tokyo.Arr)));
        Assert.Equal(("USD", 3_300m), (tokyo.ReportingArr.CurrencyCode, Build.Amount(tokyo.ReportingArr)));
        Assert.Equal(50_000m, Build.Amount(rows[1].Account.ReportingArr));
        Assert.Null(rows[2].Account.ReportingArr); // no rate for GBP
        Assert.Equal(30_000m, Build.Amount(rows[2].Account.Arr));
        // A single score read stays as it was: no account summary.
        var single = await Health.GetHealthScoreAsync(new() { AccountId = "rows:tokyo" }, cancellationToken: Ct);
        Assert.Null(single.Score.Account);
    }
}
