using CustomerHealth.Server.Tests.Engagement;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Core;
using static CustomerHealth.Server.Tests.Engagement.Events;

namespace CustomerHealth.Server.Tests.Accounts;

public sealed class AccountOverviewOnSqlite(SqliteTestDatabase database)
    : AccountOverviewTests<SqliteTestDatabase>(database);

public sealed class AccountOverviewOnPostgreSql(PostgreSqlTestDatabase database)
    : AccountOverviewTests<PostgreSqlTestDatabase>(database);

public sealed class AccountOverviewOnSqlServer(SqlServerTestDatabase database)
    : AccountOverviewTests<SqlServerTestDatabase>(database);

/// <summary>GetAccountOverview: an account page in one call, equal to what the single-purpose reads answer.</summary>
public abstract class AccountOverviewTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private AccountService.AccountServiceClient Accounts => new(Service.Channel);
    private EngagementService.EngagementServiceClient Engagement => new(Service.Channel);

    /// <summary>An account as the demo portfolio has them: a euro contract renewing in the horizon, usage over weeks,
    /// six NPS answers, tickets and touchpoints.</summary>
    private async Task GivenADemoLikeAccount()
    {
        await new CurrencyService.CurrencyServiceClient(Service.Channel).SetExchangeRatesAsync(
            new() { AsOfDate = Build.Date("2026-03-14"), Rates = { ["EUR"] = 1.08 } }, cancellationToken: Ct);
        await Accounts.UpsertAccountAsync(new() { Account = Build.Account("acme") }, cancellationToken: Ct);
        var contract = Build.Contract(
            "acme-1", "acme", arr: 50_000m, currency: "EUR", start: "2025-06-01", end: "2026-06-01");
        await Accounts.UpsertContractAsync(new() { Contract = contract }, cancellationToken: Ct);
        var events = Enumerable.Range(0, 20)
            .Select(i => Event($"e{i}", user: $"u{i % 3}", at: $"2026-03-{(i % 14) + 1:00}T09:00:00Z"))
            .ToArray();
        await Engagement.IngestEventsAsync(Batch(events), cancellationToken: Ct);
        await Engagement.IngestEventsAsync(Batch(Event("old", at: "2025-11-01T09:00:00Z")), cancellationToken: Ct);
        for (var i = 1; i <= 6; i++)
        {
            var nps = BuildSignal.Nps(
                $"nps-{i}", score: 4 + i, respondent: $"r{i}@example.com", at: $"2026-03-0{i}T09:00:00Z");
            await Engagement.RecordNpsResponseAsync(new() { Response = nps }, cancellationToken: Ct);
        }
        await Engagement.UpsertSupportTicketAsync(new() { Ticket = BuildSignal.Ticket() }, cancellationToken: Ct);
        await Engagement.RecordTouchpointAsync(new() { Touchpoint = BuildSignal.Touchpoint() }, cancellationToken: Ct);
        await new HealthService.HealthServiceClient(Service.Channel).RecomputeHealthScoresAsync(
            new() { AsOfDate = Build.Date("2026-03-15") }, cancellationToken: Ct);
    }

    private async Task<AccountOverview> OverviewOf(string accountId) =>
        (await Accounts.GetAccountOverviewAsync(new() { AccountId = accountId }, cancellationToken: Ct)).Overview;

    /// <summary>
    /// The page and <c>GetHealthScore</c> read one after the other, again until they show the same score: the
    /// background recompute may store a score computed from what was recorded before the last NPS answers, after the
    /// explicit recompute, and then rescore the account from the marks those answers left (a few seconds at most).
    /// </summary>
    private async Task<(AccountOverview Page, HealthScore Score)> PageAndScoreAgreeing(string accountId)
    {
        var health = new HealthService.HealthServiceClient(Service.Channel);
        for (var attempt = 1; ; attempt++)
        {
            var page = await OverviewOf(accountId);
            var score = (await health.GetHealthScoreAsync(new() { AccountId = accountId }, cancellationToken: Ct))
                .Score;
            if (score.Components.Equals(page.HealthScore.Components) || attempt == 100) return (page, score);
            await Task.Delay(200, Ct);
        }
    }

    [Fact]
    public async Task TheOverviewAnswersAnAccountPageInOneCall()
    {
        await GivenADemoLikeAccount();

        var (page, score) = await PageAndScoreAgreeing("acme");

        var account = await Accounts.GetAccountAsync(new() { AccountId = "acme" }, cancellationToken: Ct);
        Assert.Equal(account.Account, page.Account);
        Assert.Equal("acme-1", page.CurrentContract.ContractId);
        Assert.Equal(("USD", 54_000m), (page.ReportingArr.CurrencyCode, Build.Amount(page.ReportingArr)));
        Assert.Equal(CsTier.LowTouch, page.Account.EffectiveCsTier); // 54,000 USD
        Assert.Equal(score.Components, page.HealthScore.Components);
        Assert.NotEmpty(page.HealthScore.Components);
        Assert.NotNull(page.HealthScore.Trend);
        Assert.Equal(Build.Date("2025-12-16"), page.UsageStartDate); // 90 days ending today
        var usage = await Engagement.GetDailyUsageAsync(
            new() { AccountId = "acme", StartDate = page.UsageStartDate, EndDate = Build.Date("2026-03-15") },
            cancellationToken: Ct);
        Assert.Equal(usage.Days, page.DailyUsage);
        Assert.Equal(14, page.DailyUsage.Count); // the November day is older than 90 days
        Assert.Equal("acme", page.OnboardingPlan.AccountId);
        Assert.NotEmpty(page.OnboardingPlan.Milestones);
        Assert.Equal("acme-1", page.RenewalPrediction.ContractId);
        Assert.NotEmpty(page.RenewalPrediction.Drivers);
        Assert.Equal(["nps-6", "nps-5", "nps-4", "nps-3", "nps-2"], page.LatestNpsResponses.Select(n => n.ResponseId));
        Assert.Equal("ticket-1", Assert.Single(page.LatestSupportTickets).TicketId);
        Assert.Equal("touch-1", Assert.Single(page.LatestTouchpoints).TouchpointId);
    }

    [Fact]
    public async Task ANewAccountHasAnOverviewWithItsAbsentPartsLeftOut()
    {
        await Accounts.UpsertAccountAsync(new() { Account = Build.Account("lead") }, cancellationToken: Ct);

        var page = await OverviewOf("lead");

        Assert.Equal("lead", page.Account.AccountId);
        Assert.Null(page.CurrentContract);
        Assert.Null(page.ReportingArr);
        Assert.Equal("lead", page.HealthScore.AccountId); // scored on the spot
        Assert.Null(page.OnboardingPlan);
        Assert.Null(page.RenewalPrediction);
        Assert.Empty(page.DailyUsage);
        Assert.Empty(page.LatestNpsResponses);
    }

    [Fact]
    public async Task AnUnknownAccountIsNotFoundAndABadIdInvalid()
    {
        await FailsWith(StatusCode.NotFound, () =>
            Accounts.GetAccountOverviewAsync(new() { AccountId = "nobody" }, cancellationToken: Ct).ResponseAsync);
        await RejectsField("account_id", () =>
            Accounts.GetAccountOverviewAsync(new() { AccountId = "" }, cancellationToken: Ct).ResponseAsync);
    }
}
