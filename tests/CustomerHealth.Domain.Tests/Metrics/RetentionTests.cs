using CustomerHealth.Domain.Metrics;
using static CustomerHealth.Domain.Tests.Metrics.Portfolio;

namespace CustomerHealth.Domain.Tests.Metrics;

/// <summary>Revenue and logo retention against figures worked out by hand.</summary>
public sealed class RetentionTests
{
    /// <summary>
    /// Opening on 2025-12-31 (USD):
    /// <list type="bullet">
    /// <item>expands: 10,000 to 2026-02-01, renewed at 12,000 on its end date.</item>
    /// <item>contracts: 20,000 to 2026-03-01, renewed at 15,000, decided early on 2026-02-20.</item>
    /// <item>returns: 8,000 to 2026-01-15, churned then; back with a new 5,000 contract from 2026-03-01.</item>
    /// <item>newcomer: first contract 6,000 from 2026-02-10 (a mid-period start).</item>
    /// <item>steady: 7,000 to 2026-06-01, nothing decided.</item>
    /// <item>multi: 3,000 to 2026-07-01, and 2,000 to 2026-01-01 that churned.</item>
    /// <item>lead: no contract.</item>
    /// </list>
    /// </summary>
    private static Portfolio FirstQuarter() => new Portfolio()
        .Account("expands").Contract(10_000m, "2025-02-01", "2026-02-01").Renewed(12_000m)
        .Account("contracts").Contract(20_000m, "2025-03-01", "2026-03-01").Renewed(15_000m, decidedOn: "2026-02-20")
        .Account("returns", owner: "ben").Contract(8_000m, "2025-01-15", "2026-01-15").Churned()
            .Contract(5_000m, "2026-03-01", "2027-03-01")
        .Account("newcomer", owner: "ben").Contract(6_000m, "2026-02-10", "2027-02-10")
        .Account("steady", owner: "ben").Contract(7_000m, "2025-06-01", "2026-06-01")
        .Account("multi", owner: "ben").Contract(3_000m, "2025-07-01", "2026-07-01")
            .Contract(2_000m, "2025-01-01", "2026-01-01").Churned()
        .Account("lead");

    [Fact]
    public void AQuarterWithAnExpansionAContractionAndChurnsRetainsWhatWasWorkedOutByHand()
    {
        var report = FirstQuarter().Report(Quarter("2026-03-31"));

        // Starting cohort: 10,000 + 20,000 + 8,000 + 7,000 + 3,000 + 2,000 (the newcomer started within the quarter).
        Assert.Equal(
            new RevenueRetention(
                StartingContracts: 6, StartingArr: 50_000m, ExpansionArr: 2_000m, ContractionArr: 5_000m,
                ChurnedArr: 10_000m), report.Revenue);
        Assert.Equal(0.70, report.Revenue.Grr!.Value, 12);   // (50,000 − 5,000 − 10,000) / 50,000
        Assert.Equal(0.74, report.Revenue.Nrr!.Value, 12);   // (50,000 + 2,000 − 5,000 − 10,000) / 50,000
        Assert.Equal(new LogoRetention(StartingAccounts: 5, ChurnedAccounts: 1), report.Logos);
        Assert.Equal(0.2, report.Logos.ChurnRate);
        // On 2026-03-31: 12,000 + 15,000 + 5,000 + 6,000 + 7,000 + 3,000.
        Assert.Equal(48_000m, report.Arr);
        Assert.Equal(6, report.ActiveAccounts);
        Assert.Equal(7, report.Accounts);
        Assert.Equal("USD", report.Currency);
    }

    [Fact]
    public void ExpansionMrrNetRevenueChurnAndLifetimeValueFollowTheirFormulasByHand()
    {
        var report = FirstQuarter().Report(Quarter("2026-03-31"));

        Assert.Equal(2_000m / 12m, report.Revenue.ExpansionMrr);               // 166.67 a month
        Assert.Equal(0.26, report.Revenue.NetRevenueChurn!.Value, 12);         // (5,000 + 10,000 − 2,000) / 50,000
        Assert.Equal(1 - report.Revenue.Nrr!.Value, report.Revenue.NetRevenueChurn.Value, 12);
        Assert.Equal(8_000m, report.Arpa);                                     // 48,000 / 6 active accounts
        // 90 days at a logo churn of 0.2: 0.2 × 365 / 90 = 0.811 a year, a lifetime of 1.233 years.
        Assert.Equal(8_000m * 90m / (365m * 0.2m), report.CustomerLifetimeValue!.Value, 6); // 9,863.01
    }

    [Fact]
    public void WithoutALostLogoTheLifetimeValueIsAbsentAndExpansionMakesNetChurnNegative()
    {
        var report = new Portfolio().Account("expands").Contract(10_000m, "2025-02-01", "2026-02-01").Renewed(12_000m)
            .Report(Quarter("2026-03-31"));

        Assert.Equal(-0.2, report.Revenue.NetRevenueChurn!.Value, 12);        // (0 + 0 − 2,000) / 10,000
        Assert.Equal(0.0, report.Logos.ChurnRate);
        Assert.Null(report.CustomerLifetimeValue);
        Assert.Equal(12_000m, report.Arpa);
        Assert.Null(new Portfolio().Account("lead").Report(Quarter("2026-03-31")).Arpa);
    }

    [Fact]
    public void AnAccountThatChurnsAndReturnsIsALostLogoAndItsNewContractIsNewBusiness()
    {
        var report = new Portfolio().Account("returns").Contract(8_000m, "2025-01-15", "2026-01-15").Churned()
            .Contract(5_000m, "2026-03-01", "2027-03-01")
            .Report(Quarter("2026-03-31"));

        Assert.Equal(
            new RevenueRetention(1, 8_000m, ExpansionArr: 0m, ContractionArr: 0m, ChurnedArr: 8_000m), report.Revenue);
        Assert.Equal(0.0, report.Revenue.Nrr);
        Assert.Equal(1.0, report.Logos.ChurnRate);
        Assert.Equal(5_000m, report.Arr);
        Assert.Equal(1, report.ActiveAccounts);
    }

    [Fact]
    public void AContractThatStartsWithinThePeriodIsNotInTheStartingCohort()
    {
        var report = new Portfolio()
            .Account("steady").Contract(10_000m, "2025-06-01", "2026-06-01")
            .Account("trial").Contract(4_000m, "2026-01-01", "2026-02-01").Churned()
            .Account("newcomer").Contract(6_000m, "2026-02-10", "2027-02-10")
            .Report(Quarter("2026-03-31"));

        Assert.Equal(new RevenueRetention(1, 10_000m, 0m, 0m, 0m), report.Revenue);
        Assert.Equal(new LogoRetention(1, 0), report.Logos);
        Assert.Equal(16_000m, report.Arr);
    }

    [Fact]
    public void LosingOneOfSeveralContractsIsChurnedArrButNotALostLogo()
    {
        var report = new Portfolio()
            .Account("multi").Contract(3_000m, "2025-07-01", "2026-07-01").Contract(2_000m, "2025-01-01", "2026-01-01")
                .Churned()
            .Account("gone").Contract(1_000m, "2025-03-01", "2026-03-01").Churned()
                .Contract(1_000m, "2025-03-01", "2026-02-01").Churned()
            .Report(Quarter("2026-03-31"));

        Assert.Equal(new RevenueRetention(4, 7_000m, 0m, 0m, ChurnedArr: 4_000m), report.Revenue);
        Assert.Equal(new LogoRetention(StartingAccounts: 2, ChurnedAccounts: 1), report.Logos);
    }

    [Fact]
    public void TheArrAtTheEndOfAMonthIsTheStartingArrOfTheNext()
    {
        var portfolio = FirstQuarter();
        var (january, february, march) = (portfolio.Report(Month("2026-01-31")), portfolio.Report(Month("2026-02-28")),
            portfolio.Report(Month("2026-03-31")));

        Assert.Equal(50_000m, january.Revenue.StartingArr);
        Assert.Equal(40_000m, january.Arr);  // 10,000 + 20,000 + 7,000 + 3,000
        Assert.Equal(january.Arr, february.Revenue.StartingArr);
        Assert.Equal(48_000m, february.Arr); // 12,000 + 20,000 + 6,000 + 7,000 + 3,000
        Assert.Equal(february.Arr, march.Revenue.StartingArr);
    }

    [Fact]
    public void EveryOutcomeCountsInTheMonthItWasDecidedIn()
    {
        var portfolio = FirstQuarter();
        var (january, february, march) = (portfolio.Report(Month("2026-01-31")), portfolio.Report(Month("2026-02-28")),
            portfolio.Report(Month("2026-03-31")));

        Assert.Equal(new RevenueRetention(6, 50_000m, 0m, 0m, ChurnedArr: 10_000m), january.Revenue);
        Assert.Equal(new LogoRetention(5, 1), january.Logos);
        Assert.Equal(
            new RevenueRetention(4, 40_000m, ExpansionArr: 2_000m, ContractionArr: 5_000m, 0m), february.Revenue);
        Assert.Equal(0.875, february.Revenue.Grr);
        Assert.Equal(0.925, february.Revenue.Nrr!.Value, 12);
        // The contraction decided on 2026-02-20 takes effect on 2026-03-01 but was counted in February.
        Assert.Equal(new RevenueRetention(5, 48_000m, 0m, 0m, 0m), march.Revenue);
        Assert.Equal(1.0, march.Revenue.Nrr);
        Assert.Equal(48_000m, march.Arr);
    }

    [Fact]
    public void AChurnDecidedBeforeTheTermEndsCountsWhenDecidedAndOnlyThen()
    {
        var portfolio = new Portfolio()
            .Account("leaving").Contract(9_000m, "2025-01-01", "2026-01-01").Churned(decidedOn: "2025-11-15")
            .Account("steady").Contract(1_000m, "2025-01-01", "2027-01-01");
        var (november, december, january) = (portfolio.Report(Month("2025-11-30")),
            portfolio.Report(Month("2025-12-31")), portfolio.Report(Month("2026-01-31")));

        Assert.Equal(new RevenueRetention(2, 10_000m, 0m, 0m, ChurnedArr: 9_000m), november.Revenue);
        Assert.Equal(new LogoRetention(2, 1), november.Logos);
        Assert.Equal(10_000m, november.Arr); // still paying until its term ends
        Assert.Equal(new RevenueRetention(2, 10_000m, 0m, 0m, 0m), december.Revenue);
        Assert.Equal(new LogoRetention(2, 0), december.Logos);
        // Still in January's cohort (its term covered 2025-12-31), and nothing more is lost: ARR falls to 1,000 without
        // a churn.
        Assert.Equal(new RevenueRetention(2, 10_000m, 0m, 0m, 0m), january.Revenue);
        Assert.Equal(1_000m, january.Arr);
    }

    [Fact]
    public void AContractAwaitingItsOutcomeStaysInTheCohortUntilTheOutcomeIsDecided()
    {
        var portfolio = new Portfolio().Account("late").Contract(9_000m, "2025-01-01", "2026-01-01")
            .Churned(decidedOn: "2026-02-10");
        var (january, february) = (portfolio.Report(Month("2026-01-31")), portfolio.Report(Month("2026-02-28")));

        Assert.Equal(new RevenueRetention(1, 9_000m, 0m, 0m, 0m), january.Revenue);
        Assert.Equal(9_000m, january.Arr);
        Assert.Equal(new RevenueRetention(1, 9_000m, 0m, 0m, ChurnedArr: 9_000m), february.Revenue);
        Assert.Equal(new LogoRetention(1, 1), february.Logos);
        Assert.Equal(0m, february.Arr);
    }

    [Fact]
    public void AnOutcomeDecidedAfterTheAsOfDayIsNotKnownYet()
    {
        var report = new Portfolio().Account("later").Contract(9_000m, "2025-01-01", "2026-01-01")
            .Churned(decidedOn: "2026-01-20")
            .Report(ReportingPeriod.Between(Day("2026-01-01"), Day("2026-01-19")));

        Assert.Equal(0m, report.Revenue.ChurnedArr);
        Assert.Equal(0.0, report.Logos.ChurnRate);
        Assert.Equal(9_000m, report.Arr);
    }
}
