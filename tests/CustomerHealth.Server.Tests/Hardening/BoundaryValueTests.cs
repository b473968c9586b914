using CustomerHealth.Domain.Metrics;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Protobuf;

namespace CustomerHealth.Server.Tests.Hardening;

/// <summary>
/// Extreme dates and numbers are answered deliberately: INVALID_ARGUMENT outside the date window (1970-01-01 to
/// 2200-12-31) and beyond the documented maximums, and bounded answers within them.
/// </summary>
public sealed class BoundaryValueTests(SqliteTestDatabase database) : IntegrationTest<SqliteTestDatabase>(database)
{
    private MetricsService.MetricsServiceClient Metrics => new(Service.Channel);

    public static TheoryData<string, string, string> RangesOutsideTheWindow => new()
    {
        { "9999-12-30", "9999-12-30", "period.start_date" },
        { "0001-01-02", "2026-03-01", "period.start_date" },
        { "2026-01-01", "9999-12-31", "period.end_date" },
        { "1969-12-31", "2026-03-01", "period.start_date" },
        { "2000-01-01", "2026-03-01", "period.end_date" }, // longer than a RANGE may be
    };

    [Theory]
    [MemberData(nameof(RangesOutsideTheWindow))]
    public async Task APortfolioRangeOutsideTheWindowOrTooLongIsInvalidArgument(string start, string end, string field)
    {
        var period = new V1.ReportingPeriod
        {
            Kind = V1.PeriodKind.Range,
            StartDate = Build.Date(start),
            EndDate = Build.Date(end),
        };

        await RejectsField(field, () => Metrics.GetPortfolioMetricsAsync(new() { Period = period },
            cancellationToken: Ct).ResponseAsync);
    }

    [Fact]
    public async Task AReportAsOfTheLastDayOfTheWindowIsAnsweredAndBounded()
    {
        var accounts = new AccountService.AccountServiceClient(Service.Channel);
        await accounts.UpsertAccountAsync(new() { Account = Build.Account("old") }, cancellationToken: Ct);
        var contract = Build.Contract("old-1970", "old", start: "1970-01-01", end: "2200-12-31");
        await accounts.UpsertContractAsync(new() { Contract = contract }, cancellationToken: Ct);
        var period = new V1.ReportingPeriod { Kind = V1.PeriodKind.Year, EndDate = Build.Date("2200-12-31") };

        var report = (await Metrics.GetPortfolioMetricsAsync(new() { Period = period }, cancellationToken: Ct)).Report;

        Assert.True(report.Cohorts.Count <= PortfolioMetrics.MaxCohortMonths);
        Assert.All(report.Cohorts, c => Assert.True(c.Retention.Count <= PortfolioMetrics.MaxCohortMonths));
        Assert.True(report.CalculateSize() < 1_000_000, $"{report.CalculateSize()} bytes");
    }

    [Theory]
    [InlineData("9999-12-30")]
    [InlineData("9999-12-31")]
    public async Task ARebuildEndingAtTheEndOfTimeIsInvalidArgument(string end)
    {
        var engagement = new EngagementService.EngagementServiceClient(Service.Channel);

        await RejectsField("end_date", () => engagement.RebuildRollupsAsync(
            new() { StartDate = Build.Date("9999-12-01"), EndDate = Build.Date(end) },
                cancellationToken: Ct).ResponseAsync);
    }

    [Theory]
    [InlineData("9999-12-30")]
    [InlineData("9999-12-31")]
    [InlineData("0001-01-01")]
    public async Task AnOnboardingPlanStartingAtTheEdgeOfTimeIsInvalidArgument(string start)
    {
        var onboarding = new OnboardingService.OnboardingServiceClient(Service.Channel);

        await RejectsField("start_date", () => onboarding.CreateOnboardingPlanAsync(
            new() { AccountId = "acme", StartDate = Build.Date(start), ReplaceExisting = true },
                cancellationToken: Ct).ResponseAsync);
    }

    [Fact]
    public async Task AnOnboardingPlanStartingOnTheLastDayOfTheWindowIsCreated()
    {
        var accounts = new AccountService.AccountServiceClient(Service.Channel);
        await accounts.UpsertAccountAsync(new() { Account = Build.Account("late") }, cancellationToken: Ct);
        var onboarding = new OnboardingService.OnboardingServiceClient(Service.Channel);

        var plan = await onboarding.CreateOnboardingPlanAsync(
            new() { AccountId = "late", StartDate = Build.Date("2200-12-31"), ReplaceExisting = true },
                cancellationToken: Ct);

        Assert.Equal(2200, plan.Plan.StartDate.Year);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public async Task ANonFiniteShareInAPlanTemplateIsInvalidArgument(double share)
    {
        var onboarding = new OnboardingService.OnboardingServiceClient(Service.Channel);
        var request = new ReplacePlanTemplateRequest { CsTier = CsTier.LowTouch, UpdatedBy = "ops@example.com" };
        request.Milestones.Add(new MilestoneTemplate
        {
            Key = "kickoff",
            Title = "Kickoff",
            DueDay = 7,
            Rule = new MilestoneRule { Kind = MilestoneRuleKind.Manual, Share = share },
        });

        await RejectsField("milestones[0].rule.share", () => onboarding.ReplacePlanTemplateAsync(request,
            cancellationToken: Ct).ResponseAsync);
    }

    [Fact]
    public async Task AnOverlongPageTokenIsInvalidArgument()
    {
        var accounts = new AccountService.AccountServiceClient(Service.Channel);

        var bad = await RejectsField("page_token", () => accounts.ListAccountsAsync(
            new() { PageToken = new string('A', 100_000) }, cancellationToken: Ct).ResponseAsync);

        Assert.All(bad.FieldViolations, v => Assert.True(v.Description.Length < 200));
    }
}
