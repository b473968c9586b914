using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Engagement;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using static CustomerHealth.Server.Tests.Engagement.Events;

namespace CustomerHealth.Server.Tests.Metrics;

public sealed class PortfolioMetricsOnSqlite(SqliteTestDatabase database)
    : PortfolioMetricsTests<SqliteTestDatabase>(database);

public sealed class PortfolioMetricsOnPostgreSql(PostgreSqlTestDatabase database)
    : PortfolioMetricsTests<PostgreSqlTestDatabase>(database);

public sealed class PortfolioMetricsOnSqlServer(SqlServerTestDatabase database)
    : PortfolioMetricsTests<SqlServerTestDatabase>(database);

/// <summary>
/// Portfolio metrics through real gRPC calls, on each database engine, over a small USD portfolio pushed through the
/// public API (every given is idempotent, so each test states it again). The test clock is 2026-03-15 10:30 UTC; the
/// report is the first quarter to date: 2026-01-01 to 2026-03-15, starting cohort = contracts active on 2025-12-31.
/// <code>
/// account owner tier contracts (ARR) in the quarter expand alice low 2025-02-01..2026-02-01 10,000 → 2026-02-01..
/// 15,000 renewed 2026-01-20: expansion 5,000 shrink alice low 2025-03-01..2026-03-01 20,000 → 2026-03-01.. 16,000
/// renewed 2026-02-15: contraction 4,000 churn alice tech 2025-01-10..2026-01-10 8,000 churned 2026-01-05: churned
/// 8,000, a lost logo steady bob high 2025-06-01..2026-06-01 30,000 no outcome onboarded bob low 2025-11-01..2026-11-01
/// 12,000 90-day window closes 2026-01-30 newbie alice tech 2026-01-15..2027-01-15 5,000 new business (mid-period
/// start) lead alice - none
/// </code>
/// Starting ARR 80,000 (5 contracts, 5 accounts); GRR = (80,000 − 4,000 − 8,000) / 80,000 = 0.85; NRR = (80,000 + 5,000
/// − 4,000 − 8,000) / 80,000 = 0.9125; logo churn 1 / 5. ARR on 2026-03-15 = 15,000 + 16,000 + 30,000 + 12,000 + 5,000
/// = 78,000 over 5 active accounts; their monthly active users as of 2026-03-15 (active from 2026-02-14 on, as the
/// current scores store them): expand 2, steady 2 (newbie's user was last active on 2026-01-20, shrink's in December,
/// churn is no longer active) = 4, so ARPU = 19,500. NPS in the quarter: 10, 9, 9 (promoters), 8 (passive), 3
/// (detractor); the 2 of December is outside: 100 × (3 − 1) / 5 = 40.
/// </summary>
public abstract class PortfolioMetricsTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private const string Alice = "csm.alice@example.com";
    private const string Bob = "csm.bob@example.com";

    private MetricsService.MetricsServiceClient Metrics => new(Service.Channel);
    private AccountService.AccountServiceClient Accounts => new(Service.Channel);
    private EngagementService.EngagementServiceClient Engagement => new(Service.Channel);
    private OnboardingService.OnboardingServiceClient Onboarding => new(Service.Channel);

    private async Task GivenPortfolio()
    {
        await Customer(
            "expand", CsTier.LowTouch, Alice, ("expand-1", 10_000m, "2025-02-01", "2026-02-01"),
            ("expand-2", 15_000m, "2026-02-01", "2027-02-01"));
        await Renewed("expand-1", 15_000m, "2026-01-20", "expand-2");
        await Customer(
            "shrink", CsTier.LowTouch, Alice, ("shrink-1", 20_000m, "2025-03-01", "2026-03-01"),
            ("shrink-2", 16_000m, "2026-03-01", "2027-03-01"));
        await Renewed("shrink-1", 16_000m, "2026-02-15", "shrink-2");
        await Customer("churn", CsTier.TechTouch, Alice, ("churn-1", 8_000m, "2025-01-10", "2026-01-10"));
        await Accounts.RecordRenewalOutcomeAsync(
            new()
            {
                ContractId = "churn-1", Kind = RenewalOutcomeKind.Churned,
                DecisionDate = Build.Date("2026-01-05")
            }, cancellationToken: Ct);
        await Customer("steady", CsTier.HighTouch, Bob, ("steady-1", 30_000m, "2025-06-01", "2026-06-01"));
        await Customer("onboarded", CsTier.LowTouch, Bob, ("onboarded-1", 12_000m, "2025-11-01", "2026-11-01"));
        await Customer("newbie", CsTier.TechTouch, Alice, ("newbie-1", 5_000m, "2026-01-15", "2027-01-15"));
        await Accounts.UpsertAccountAsync(
            new() { Account = Build.Account("lead", owner: Alice) }, cancellationToken: Ct);

        // Onboarding: the plan of "onboarded" (low-touch, from 2025-11-01) has 5 milestones due within 90 days; 2 done
        // on time.
        await Complete("onboarded", "kickoff", "2025-11-05T10:00:00Z");
        await Complete("onboarded", "first_value", "2025-11-20T10:00:00Z");
        await Complete("onboarded", "day_90_review", "2026-02-10T10:00:00Z");
        await Complete("newbie", "first_value", "2026-01-25T10:00:00Z");

        await Engagement.IngestEventsAsync(Batch(
            Event("e1", "expand", "u1", at: "2026-03-10T09:00:00Z"),
            Event("e2", "expand", "u2", at: "2026-03-10T10:00:00Z"),
            Event("e3", "steady", "u1", at: "2026-02-01T09:00:00Z"),
            Event("e4", "steady", "u1", at: "2026-03-01T09:00:00Z"),
            Event("e5", "steady", "u2", at: "2026-03-02T09:00:00Z"),
            Event("e6", "newbie", "u1", at: "2026-01-20T09:00:00Z"),
            Event("e7", "churn", "u1", at: "2026-01-03T09:00:00Z"),
            Event("e8", "shrink", "u9", at: "2025-12-20T09:00:00Z")), cancellationToken: Ct);

        await Nps("n1", "expand", 10, "2026-02-01T09:00:00Z");
        await Nps("n2", "steady", 9, "2026-03-01T09:00:00Z");
        await Nps("n3", "newbie", 9, "2026-03-10T09:00:00Z");
        await Nps("n4", "shrink", 8, "2026-02-20T09:00:00Z");
        await Nps("n5", "churn", 3, "2026-01-02T09:00:00Z");
        await Nps("n6", "steady", 2, "2025-12-15T09:00:00Z");
    }

    private async Task Customer(
        string id, CsTier tier, string owner, params (string Id, decimal Arr, string Start, string End)[] contracts)
    {
        await Accounts.UpsertAccountAsync(
            new() { Account = Build.Account(id, tier: tier, owner: owner) }, cancellationToken: Ct);
        foreach (var c in contracts)
            await Accounts.UpsertContractAsync(
                new() { Contract = Build.Contract(c.Id, id, arr: c.Arr, seats: 4, start: c.Start, end: c.End) },
                cancellationToken: Ct);
    }

    private Task Renewed(string contract, decimal newArr, string decided, string renewal) =>
        Accounts.RecordRenewalOutcomeAsync(new()
        {
            ContractId = contract, Kind = RenewalOutcomeKind.Renewed, NewArr = Build.Money(newArr),
            DecisionDate = Build.Date(decided), RenewalContractId = renewal,
        }, cancellationToken: Ct).ResponseAsync;

    private Task Complete(string account, string milestone, string at) =>
        Onboarding.CompleteMilestoneAsync(new()
        {
            AccountId = account, MilestoneKey = milestone, CompletedBy = Alice,
            CompleteTime = Timestamp.FromDateTimeOffset(
                    DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)),
        }, cancellationToken: Ct).ResponseAsync;

    private Task Nps(string id, string account, int score, string at) =>
        Engagement.RecordNpsResponseAsync(
            new() { Response = BuildSignal.Nps(id, account, score, respondent: $"{id}@example.com", at: at) },
            cancellationToken: Ct).ResponseAsync;

    private async Task<PortfolioReport> Report(
        PeriodKind kind = PeriodKind.Quarter, string? start = null, string? end = null,
        Action<GetPortfolioMetricsRequest>? change = null)
    {
        var request = new GetPortfolioMetricsRequest { Period = new ReportingPeriod { Kind = kind } };
        if (start is not null) request.Period.StartDate = Build.Date(start);
        if (end is not null) request.Period.EndDate = Build.Date(end);
        change?.Invoke(request);
        return (await Metrics.GetPortfolioMetricsAsync(request, cancellationToken: Ct)).Report;
    }

    private static decimal Amount(Google.Type.Money money)
    {
        Assert.Equal("USD", money.CurrencyCode);
        return Build.Amount(money);
    }

    /// <summary>
    /// Waits until the recompute worker has scored all 7 accounts and no mark is left; returns the scores.
    /// </summary>
    private async Task<HealthScore[]> ScoresStored()
    {
        for (var i = 0; i < 300; i++)
        {
            var (pending, stored) = await Service.InDatabaseAsync(
                async db => (await db.HealthRecomputeQueue.CountAsync(Ct), await db.HealthScores.CountAsync(Ct)));
            if (pending == 0 && stored == 7)
                return [.. (await new HealthService.HealthServiceClient(Service.Channel)
                    .ListHealthScoresAsync(new() { PageSize = 100, IncludeChurned = true }, cancellationToken: Ct))
                    .Scores];
            await Task.Delay(100, Ct);
        }
        return [];
    }

    [Fact]
    public async Task TheQuartersReportMatchesTheHandComputedFigures()
    {
        await GivenPortfolio();
        Assert.Equal(7, (await ScoresStored()).Length);

        var report = await Report();

        Assert.Equal(
            new ReportingPeriod
            {
                Kind = PeriodKind.Quarter, StartDate = Build.Date("2026-01-01"),
                EndDate = Build.Date("2026-03-15")
            }, report.Period);
        Assert.Equal("USD", report.CurrencyCode);
        Assert.Equal(7, report.Accounts);
        Assert.Equal(5, report.ActiveAccounts);
        Assert.Equal(78_000m, Amount(report.Arr));

        var revenue = report.Revenue;
        Assert.Equal(5, revenue.StartingContracts);
        Assert.Equal(80_000m, Amount(revenue.StartingArr));
        Assert.Equal(5_000m, Amount(revenue.ExpansionArr));
        Assert.Equal(4_000m, Amount(revenue.ContractionArr));
        Assert.Equal(8_000m, Amount(revenue.ChurnedArr));
        Assert.Equal(0.85, revenue.Grr, 9);
        Assert.Equal(0.9125, revenue.Nrr, 9);

        Assert.Equal(5, report.Logos.StartingAccounts);
        Assert.Equal(1, report.Logos.ChurnedAccounts);
        Assert.Equal(0.2, report.Logos.ChurnRate, 9);

        Assert.Equal(4, report.ActiveUsers);
        Assert.Equal(19_500m, Amount(report.Arpu));

        // Onboarding cohort: "onboarded" (window closed 2026-01-30), first value on day 19; newbie reached value on day
        // 10.
        Assert.Equal(1, report.Activation.CohortAccounts);
        Assert.Equal(1, report.Activation.ActivatedAccounts);
        Assert.Equal(1.0, report.Activation.Rate, 9);
        Assert.Equal(1, report.Activation.ValueReachedAccounts);
        Assert.Equal(10.0, report.Activation.MedianTimeToValueDays, 9);
        Assert.Equal(5, report.Onboarding.DueMilestones);
        Assert.Equal(2, report.Onboarding.OnTimeMilestones);
        Assert.Equal(0.4, report.Onboarding.Rate, 9);

        Assert.Equal((3, 1, 1), (report.Nps.Promoters, report.Nps.Passives, report.Nps.Detractors));
        Assert.Equal(40.0, report.Nps.Score, 9);

        CohortsAreTheHandComputedOnes(report);
    }

    /// <summary>The quarter's start cohorts, by hand from <see cref="GivenPortfolio"/>.</summary>
    private static void CohortsAreTheHandComputedOnes(PortfolioReport report)
    {
        // One cohort per start month; newbie (2026-01) went live on day 5 (its first active user), onboarded through
        // first value.
        Assert.Equal(
            ["2025-01", "2025-02", "2025-03", "2025-06", "2025-11", "2026-01"],
            report.Cohorts.Select(c => $"{c.Month.Year:D4}-{c.Month.Month:D2}"));
        var january = report.Cohorts[^1];
        Assert.Equal((1, 1, 1), (january.Accounts, january.WindowClosedAccounts, january.LiveWithin30DaysAccounts));
        Assert.Equal(1.0, january.SurvivalRate, 9);
        Assert.Equal(5_000m, Amount(january.StartingArr));
        Assert.Equal([0, 1], january.Retention.Select(p => p.MonthsAfterStart));
        Assert.Equal(Build.Date("2026-01-31"), january.Retention[0].Date);
        Assert.All(
            january.Retention, p => Assert.Equal((1, 5_000m, 1.0), (p.ActiveAccounts, Amount(p.Arr), p.AccountShare)));
        Assert.Equal(1.0, report.Cohorts.Single(c => c.Month.Month == 11).SurvivalRate, 9);
        // The churned account's cohort: active until its term ended on 2026-01-10, gone by the end of January.
        var churned = report.Cohorts[0];
        Assert.Equal(8_000m, Amount(churned.StartingArr));
        Assert.Equal((1, 8_000m), (churned.Retention[11].ActiveAccounts, Amount(churned.Retention[11].Arr)));
        Assert.Equal(
            (0, 0m, 0.0),
            (churned.Retention[12].ActiveAccounts, Amount(churned.Retention[12].Arr), churned.Retention[12].ArrShare));
    }

    [Fact]
    public async Task TheQuartersReportAddsExpansionMrrNetRevenueChurnArpaAndLifetimeValue()
    {
        await GivenPortfolio();

        var report = await Report();

        Assert.Equal(5_000m / 12m, Amount(report.Revenue.ExpansionMrr), 6);  // 416.67 a month
        Assert.Equal(0.0875, report.Revenue.NetRevenueChurn, 9);             // (4,000 + 8,000 − 5,000) / 80,000
        Assert.Equal(1 - report.Revenue.Nrr, report.Revenue.NetRevenueChurn, 9);
        Assert.Equal(15_600m, Amount(report.Arpa));                          // 78,000 / 5 active accounts
        // CLV = ARPA × (74 days / 365) / 0.2 logo churn = 15,600 × 74 / 73 = 15,813.70
        Assert.Equal(15_600m * 74m / 73m, Amount(report.CustomerLifetimeValue), 6);
    }

    [Fact]
    public async Task FiltersSelectAccountsByOwnerTierAndSegment()
    {
        await GivenPortfolio();

        var bob = await Report(change: r => r.Owner = Bob);
        Assert.Equal(2, bob.Accounts);
        Assert.Equal(42_000m, Amount(bob.Arr));
        Assert.Equal(42_000m, Amount(bob.Revenue.StartingArr));
        Assert.Equal(1.0, bob.Revenue.Grr, 9);
        Assert.Equal(0, bob.Logos.ChurnedAccounts);
        // The onboarding cohort's milestones under a filter: Bob's "onboarded", and none of the tech-touch accounts.
        Assert.Equal((5, 2), (bob.Onboarding.DueMilestones, bob.Onboarding.OnTimeMilestones));

        // Tech-touch: the churned account and the new one; only the churn was in the starting cohort.
        var tech = await Report(change: r => r.CsTier = CsTier.TechTouch);
        Assert.Equal(2, tech.Accounts);
        Assert.Equal(5_000m, Amount(tech.Arr));
        Assert.Equal(8_000m, Amount(tech.Revenue.StartingArr));
        Assert.Equal(0.0, tech.Revenue.Grr, 9);
        Assert.Equal(1.0, tech.Logos.ChurnRate, 9);
        Assert.Equal(0, tech.Onboarding.DueMilestones);

        var none = await Report(change: r => r.Segment = "No such segment");
        Assert.Equal(0, none.Accounts);
        Assert.Equal("", none.CurrencyCode);
        Assert.Null(none.Arr);
        Assert.False(none.Revenue.HasGrr);
        Assert.False(none.Nps.HasScore);
    }

    [Fact]
    public async Task AMonthWithoutStartingArrHasNoRatiosAndAPastAsOfDayUsesOnlyWhatWasKnownThen()
    {
        await GivenPortfolio();

        // December 2025: no outcome was decided yet, everything in force on 2025-11-30 is kept.
        var december = await Report(PeriodKind.Month, end: "2025-12-31");
        Assert.Equal(
            new ReportingPeriod
            {
                Kind = PeriodKind.Month, StartDate = Build.Date("2025-12-01"),
                EndDate = Build.Date("2025-12-31")
            }, december.Period);
        Assert.Equal(80_000m, Amount(december.Arr));
        Assert.Equal(1.0, december.Revenue.Nrr, 9);
        Assert.Equal(0.0, december.Revenue.NetRevenueChurn, 9);
        Assert.Null(december.CustomerLifetimeValue);                  // no logo lost: the lifetime is unbounded
        Assert.Equal((0, 0, 1), (december.Nps.Promoters, december.Nps.Passives, december.Nps.Detractors));
        Assert.DoesNotContain(december.Cohorts, c => c.Month.Year == 2026);

        // A range before any contract: nothing started, so every ratio is absent rather than 0.
        var early = await Report(PeriodKind.Range, start: "2024-01-01", end: "2024-06-30");
        Assert.Equal(0, early.Revenue.StartingContracts);
        Assert.False(early.Revenue.HasGrr);
        Assert.False(early.Revenue.HasNrr);
        Assert.False(early.Logos.HasChurnRate);
        Assert.False(early.Revenue.HasNetRevenueChurn);
        Assert.Null(early.Arpa);
        Assert.False(early.Activation.HasRate);
        Assert.Null(early.Arpu);
        Assert.Empty(early.Cohorts);
    }

    [Fact]
    public async Task BandsAndStagesAreTheStoredScoresOfToday()
    {
        await GivenPortfolio();
        var scores = await ScoresStored();
        Assert.Equal(7, scores.Length);

        // Every stored score, the churned account's too (left out of the band counts by default, ADR 0055).
        var report = await Report(change: r => r.IncludeChurned = true);

        Assert.Equal(4, report.AccountsByBand.Count);
        foreach (var count in report.AccountsByBand)
            Assert.Equal(scores.Count(s => s.Band == count.Band), count.Accounts);
        foreach (var count in report.AccountsByStage)
            Assert.Equal(scores.Count(s => s.LifecycleStage == count.Stage), count.Accounts);
        Assert.Equal(7, report.AccountsByStage.Sum(s => s.Accounts));
        Assert.Equal(scores.Count(s => s.EffectiveAccount), report.EffectiveAccounts);
    }

    [Theory]
    [InlineData(PeriodKind.Unspecified, null, null, "period.kind")]
    [InlineData(PeriodKind.Range, null, "2026-03-01", "period.start_date")]
    [InlineData(PeriodKind.Range, "2026-03-02", "2026-03-01", "period.end_date")]
    [InlineData(PeriodKind.Month, "2026-03-01", null, "period.start_date")]
    public async Task ABadPeriodIsRejectedNamingTheField(PeriodKind kind, string? start, string? end, string field)
    {
        await RejectsField(field, () => Report(kind, start, end));
    }

    [Fact]
    public async Task RatesWithoutAReportingCurrencyOrWithBadCodesAreRejected()
    {
        await RejectsField("currency_code", () => Report(change: r => r.ConversionRates["EUR"] = 1.1));
        var bad = await RejectsField(
            "conversion_rates[EUR]",
            () => Report(
                change: r => { r.CurrencyCode = "USD"; r.ConversionRates["EUR"] = -1; r.ConversionRates["XYZ"] = 2; }));
        Assert.Contains(bad.FieldViolations, v => v.Field == "conversion_rates[XYZ]");
    }
}
