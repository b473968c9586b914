using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Metrics;
using static CustomerHealth.Domain.Tests.Metrics.Portfolio;

namespace CustomerHealth.Domain.Tests.Metrics;

/// <summary>Counts, ARPU, NPS, currencies, filters, the empty portfolio and malformed input.</summary>
public sealed class PortfolioMetricsTests
{
    private static readonly ReportingPeriod March = Month("2026-03-31");

    private static Portfolio Answers(params int[][] scoresPerAccount)
    {
        var portfolio = new Portfolio();
        for (var i = 0; i < scoresPerAccount.Length; i++) portfolio.Account(
            $"a{i}", with: a => a with { NpsScores = scoresPerAccount[i] });
        return portfolio;
    }

    [Fact]
    public void AnEmptyPortfolioCountsZeroAndLeavesEveryRatioAbsent()
    {
        var report = PortfolioMetrics.Compute(PortfolioInputs.Empty, March, PortfolioFilter.All);

        Assert.Equal(
            (0, 0, 0, 0m, 0),
            (report.Accounts, report.EffectiveAccounts, report.ActiveAccounts, report.Arr, report.MonthlyActiveUsers));
        Assert.Null(report.Currency);
        Assert.Equal(4, report.AccountsByBand.Count);
        Assert.Equal(7, report.AccountsByStage.Count);
        Assert.All(report.AccountsByBand.Values.Concat(report.AccountsByStage.Values), count => Assert.Equal(0, count));
        Assert.Equal(new RevenueRetention(0, 0m, 0m, 0m, 0m), report.Revenue);
        Assert.Null(report.Revenue.Grr);
        Assert.Null(report.Revenue.Nrr);
        Assert.Null(report.Logos.ChurnRate);
        Assert.Null(report.Arpu);
        Assert.Null(report.Activation.Rate);
        Assert.Null(report.Activation.MedianTimeToValueDays);
        Assert.Null(report.Onboarding.Rate);
        Assert.Null(report.Nps.Score);
        Assert.Empty(report.Cohorts);
    }

    [Fact]
    public void ChurnedAccountsCanBeLeftOutOfTheBandCountsOnly()
    {
        var portfolio = new Portfolio()
            .Account("a", with: a => a with { Band = HealthBand.Critical, Stage = LifecycleStage.Live })
            .Account("c", with: a => a with { Band = HealthBand.Critical, Stage = LifecycleStage.Churned });

        var without = portfolio.Report(March, new PortfolioFilter(ChurnedInBands: false));
        var with = portfolio.Report(March, new PortfolioFilter(ChurnedInBands: true));

        Assert.Equal(1, without.AccountsByBand[HealthBand.Critical]);
        Assert.Equal(2, with.AccountsByBand[HealthBand.Critical]);
        Assert.Equal((2, 1), (without.Accounts, without.AccountsByStage[LifecycleStage.Churned]));
    }

    [Fact]
    public void AccountsAreCountedByBandStageAndEffectivenessAsGiven()
    {
        var report = new Portfolio()
            .Account(
                "a", with: a => a with { Band = HealthBand.Healthy, Stage = LifecycleStage.Active, Effective = true })
            .Account(
                "b", with: a => a with { Band = HealthBand.Healthy, Stage = LifecycleStage.Advocate, Effective = true })
            .Account("c", with: a => a with { Band = HealthBand.Critical, Stage = LifecycleStage.Churned })
            .Account("d", with: a => a with { Band = HealthBand.Unknown, Stage = LifecycleStage.New })
            .Account("lead", with: a => a with { Stage = LifecycleStage.Lead })
            .Report(March);

        Assert.Equal(5, report.Accounts);
        Assert.Equal(2, report.EffectiveAccounts);
        Assert.Equal(
            (2, 0, 1, 1),
            (report.AccountsByBand[HealthBand.Healthy], report.AccountsByBand[HealthBand.AtRisk],
            report.AccountsByBand[HealthBand.Critical], report.AccountsByBand[HealthBand.Unknown]));
        Assert.Equal(4, report.AccountsByBand.Values.Sum());   // the lead has no score
        Assert.Equal(1, report.AccountsByStage[LifecycleStage.Lead]);
        Assert.Equal(0, report.AccountsByStage[LifecycleStage.Retained]);
        Assert.Equal(5, report.AccountsByStage.Values.Sum());
    }

    [Fact]
    public void ArpuIsTheArrOverTheMonthlyActiveUsersOfTheAccountsActiveOnTheAsOfDay()
    {
        var report = new Portfolio()
            .Account("a").Contract(12_000m, "2025-06-01", "2026-06-01").With(a => a with { MonthlyActiveUsers = 10 })
            .Account("b").Contract(6_000m, "2025-06-01", "2026-06-01").With(a => a with { MonthlyActiveUsers = 5 })
            .Account("gone").Contract(9_000m, "2025-03-10", "2026-03-10").Churned()
                .With(a => a with { MonthlyActiveUsers = 7 })
            .Report(March);

        Assert.Equal((18_000m, 15), (report.Arr, report.MonthlyActiveUsers));
        Assert.Equal(1_200m, report.Arpu);
    }

    [Fact]
    public void TheNpsIsPromotersMinusDetractorsOverEveryAnswer()
    {
        var balanced = Answers([10, 9, 8], [7, 6, 0], []).Report(March).Nps;
        var positive = Answers([10, 10], [10, 0]).Report(March).Nps;

        Assert.Equal(new NetPromoterScore(Promoters: 2, Passives: 2, Detractors: 2), balanced);
        Assert.Equal(0.0, balanced.Score);
        Assert.Equal(50.0, positive.Score);   // 100 × (3 − 1) / 4
    }

    [Theory]
    [InlineData(0, -100.0)]
    [InlineData(6, -100.0)]
    [InlineData(7, 0.0)]
    [InlineData(8, 0.0)]
    [InlineData(9, 100.0)]
    [InlineData(10, 100.0)]
    public void ASingleAnswerGivesTheExtremesOrZero(int score, double nps) =>
        Assert.Equal(nps, Answers([score]).Report(March).Nps.Score);

    [Fact]
    public void WithoutAnswersTheNpsIsAbsentNotZero()
    {
        var nps = Answers([], []).Report(March).Nps;

        Assert.Equal(0, nps.Answers);
        Assert.Null(nps.Score);
    }

    [Fact]
    public void AnAnswerOutsideZeroToTenIsRejected() =>
        Assert.Equal(
            "accounts[1].nps_scores", Assert.Throws<ValidationException>(() => Answers([10], [11]).Report(March))
            .Violations.Single().Field);

    private static Portfolio TwoCurrencies() => new Portfolio()
        .Account("us", segment: "Americas").Contract(10_000m, "2025-02-01", "2026-02-01").Renewed(12_000m)
        .Account("eu", segment: "EMEA").Contract(10_000m, "2025-02-01", "2026-02-01", currency: "EUR").Renewed(8_000m);

    [Fact]
    public void MixedCurrenciesAreAnErrorThatNamesThem()
    {
        var ex = Assert.Throws<RuleViolationException>(() => TwoCurrencies().Report(March));

        Assert.Equal("MIXED_CURRENCIES", ex.Reason);
        Assert.Contains("(EUR, USD)", ex.Message);
        Assert.Contains("conversion table", ex.Message);
    }

    [Fact]
    public void AFilterThatLeavesOneCurrencyReportsInIt()
    {
        var report = TwoCurrencies().Report(Quarter("2026-03-31"), new PortfolioFilter(Segment: "EMEA"));

        Assert.Equal("EUR", report.Currency);
        Assert.Equal(new RevenueRetention(1, 10_000m, 0m, ContractionArr: 2_000m, 0m), report.Revenue);
    }

    [Fact]
    public void AConversionTableTurnsEveryAmountIntoTheReportingCurrency()
    {
        var toUsd = new CurrencyConversion("USD", new Dictionary<string, decimal> { ["EUR"] = 1.1m });

        var report = TwoCurrencies().Report(Quarter("2026-03-31"), conversion: toUsd);

        Assert.Equal("USD", report.Currency);
        // 10,000 USD + 10,000 EUR × 1.1; the EUR renewal at 8,000 EUR = 8,800 USD contracts by 2,200 USD.
        Assert.Equal(
            new RevenueRetention(2, 21_000m, ExpansionArr: 2_000m, ContractionArr: 2_200m, 0m), report.Revenue);
        Assert.Equal(20_800m, report.Arr);
        Assert.Equal(18_800.0 / 21_000, report.Revenue.Grr!.Value, 12);
    }

    [Fact]
    public void ACurrencyMissingFromTheConversionTableIsAnError()
    {
        var toEur = new CurrencyConversion("EUR", new Dictionary<string, decimal> { ["GBP"] = 1.17m });

        var ex = Assert.Throws<RuleViolationException>(() => TwoCurrencies().Report(March, conversion: toEur));

        Assert.Equal("EXCHANGE_RATE_MISSING", ex.Reason);
        Assert.Contains("no rate for USD", ex.Message);
    }

    [Fact]
    public void AConversionTableNeedsPositiveRatesBetweenKnownCurrencies()
    {
        var bad = new CurrencyConversion("USD", new Dictionary<string, decimal> { ["EUR"] = 0m, ["usd"] = 1m });

        var ex = Assert.Throws<ValidationException>(() => TwoCurrencies().Report(March, conversion: bad));

        Assert.Equal(["conversion.rates[EUR]", "conversion.rates[usd]"], ex.Violations.Select(v => v.Field));
    }

    [Fact]
    public void FiltersSelectTheAccountsBeforeAnythingIsComputed()
    {
        var portfolio = new Portfolio()
            .Account("ana-1", CsTier.HighTouch, "Enterprise", "ana").Contract(100_000m, "2025-02-01", "2026-02-01")
                .Renewed(120_000m)
            .Account("ana-2", CsTier.LowTouch, "Mid-Market", "ana").Contract(20_000m, "2025-02-01", "2026-02-01")
                .Churned()
            .Account("ben-1", CsTier.LowTouch, "Mid-Market", "ben").Contract(30_000m, "2025-02-01", "2026-02-01")
                .Renewed(15_000m)
            .Account("ben-2", CsTier.TechTouch, "SMB", "ben").Contract(5_000m, "2025-02-01", "2027-02-01");
        var quarter = Quarter("2026-03-31");

        var ana = portfolio.Report(quarter, new PortfolioFilter(Owner: "ana"));
        var lowTouch = portfolio.Report(quarter, new PortfolioFilter(Tier: CsTier.LowTouch));
        var benMidMarket = portfolio.Report(quarter, new PortfolioFilter(Segment: "Mid-Market", Owner: "ben"));
        var nobody = portfolio.Report(quarter, new PortfolioFilter(Owner: "Ana"));

        Assert.Equal((2, new RevenueRetention(2, 120_000m, 20_000m, 0m, 20_000m)), (ana.Accounts, ana.Revenue));
        Assert.Equal(new LogoRetention(2, 1), ana.Logos);
        Assert.Equal(
            (2, new RevenueRetention(2, 50_000m, 0m, 15_000m, 20_000m)), (lowTouch.Accounts, lowTouch.Revenue));
        Assert.Equal((1, 15_000m), (benMidMarket.Accounts, benMidMarket.Arr));
        Assert.Equal(0, nobody.Accounts);
        Assert.Null(nobody.Revenue.Grr);
    }

    [Fact]
    public void MalformedRowsAreRejectedWithEveryProblemListed()
    {
        var inputs = new Portfolio()
            .Account(
                "a", with: a => a with { MilestonesDue = 2, MilestonesOnTime = 3, FirstValueOn = Day("2026-01-01") })
            .Account("a")
            .Contract(1_000m, "2026-01-01", "2026-01-01")
            .Inputs;
        var contracts = inputs.Contracts.Append(new ContractFacts
        {
            ContractId = "x", AccountId = "nobody", Arr = new Money(1m, "usd"), Start = Day("2026-01-01"),
            End = Day("2027-01-01"),
            Outcome = RenewalOutcomeKind.Renewed,
        }).ToArray();

        var ex = Assert.Throws<ValidationException>(
            () => PortfolioMetrics.Compute(inputs with { Contracts = contracts }, March));

        Assert.Equal(
            ["accounts[0].first_value_on", "accounts[0].milestones_on_time", "accounts[1].account_id",
                "contracts[0].end_date",
             "contracts[1].account_id", "contracts[1].arr.currency_code", "contracts[1].new_arr",
                 "contracts[1].decided_on"],
            ex.Violations.Select(v => v.Field));
    }
}
