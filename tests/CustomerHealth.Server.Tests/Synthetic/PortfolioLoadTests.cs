using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Lab;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Engagement;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.Synthetic;
using CustomerHealth.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerHealth.Server.Tests.Synthetic;

public sealed class PortfolioLoadOnSqlite(SqliteTestDatabase database)
    : PortfolioLoadTests<SqliteTestDatabase>(database);

public sealed class PortfolioLoadOnPostgreSql(PostgreSqlTestDatabase database)
    : PortfolioLoadTests<PostgreSqlTestDatabase>(database);

public sealed class PortfolioLoadOnSqlServer(SqlServerTestDatabase database)
    : PortfolioLoadTests<SqlServerTestDatabase>(database);

/// <summary>
/// The synthetic portfolio written through the public API: every generated request is accepted and a second load
/// changes nothing. The test clock stands at 2026-03-15 10:30 UTC.
/// </summary>
public abstract class PortfolioLoadTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private static PortfolioOptions Portfolio(string prefix, int accounts = 24) => new()
    {
        Accounts = accounts,
        Seed = 11,
        Today = DateOnly.FromDateTime(DefaultNow.UtcDateTime),
        ActivityDays = 21,
        AccountPrefix = prefix,
    };

    [Fact]
    public async Task EveryGeneratedRequestIsAcceptedAndALoadCanBeRepeated()
    {
        var options = Portfolio("load-");
        var expected = PortfolioGenerator.Generate(options).ToArray();
        var loader = new PortfolioLoader(Service.Channel.CreateCallInvoker()) { BatchSize = 500 };

        var first = await loader.LoadAsync(PortfolioGenerator.Generate(options), options.Source, written: null, Ct);
        var again = await loader.LoadAsync(PortfolioGenerator.Generate(options), options.Source, written: null, Ct);

        var events = expected.Sum(a => a.Events().Count());
        Assert.Equal(24, first.Accounts);
        Assert.Equal(events, first.EventsAccepted);
        Assert.Equal(0, first.EventsDuplicate);
        Assert.Equal(expected.Sum(a => a.Contracts.Count), first.Contracts);
        Assert.Equal(expected.Sum(a => a.Outcomes.Count), first.Outcomes);
        Assert.Equal(0, first.MilestonesSkipped);
        Assert.Equal(0, again.EventsAccepted);
        Assert.Equal(events, again.EventsDuplicate);

        var stored = await Service.InDatabaseAsync(async db => (
            Accounts: await db.Accounts.CountAsync(a => a.Id.StartsWith("load-"), Ct),
            Contracts: await db.Contracts.CountAsync(c => c.AccountId.StartsWith("load-"), Ct),
            Tickets: await db.SupportTickets.CountAsync(t => t.AccountId.StartsWith("load-"), Ct),
            Nps: await db.NpsResponses.CountAsync(n => n.AccountId.StartsWith("load-"), Ct),
            Touchpoints: await db.Touchpoints.CountAsync(t => t.AccountId.StartsWith("load-"), Ct)));
        Assert.Equal((24, first.Contracts, first.Tickets, first.NpsResponses, first.Touchpoints), stored);

        var churned = expected.First(a => a.ChurnDate is not null || a.Outcomes.Count > 0);
        var contracts = (await new AccountService.AccountServiceClient(Service.Channel)
            .ListContractsAsync(new() { AccountId = churned.AccountId }, cancellationToken: Ct)).Contracts;
        Assert.Equal(churned.Contracts.Select(c => c.ContractId).Order(), contracts.Select(c => c.ContractId).Order());
        Assert.Equal(churned.Outcomes.Count, contracts.Count(c => c.RenewalOutcome is not null));
    }

    [Fact]
    public async Task TheDirectPathStoresWhatTheApiPathStoresExceptRawEvents()
    {
        var viaApi = Portfolio("api-", accounts: 16);
        var direct = viaApi with { AccountPrefix = "direct-" }; // same seed: the same accounts under other ids
        // Two streams, so an account's events arrive out of time order: a milestone the worker completed from a later
        // event must move earlier when an older one arrives, to match the direct path, which sees all the evidence at
        // once.
        await new PortfolioLoader(Service.Channel.CreateCallInvoker()) { BatchSize = 500, Streams = 2 }
            .LoadAsync(PortfolioGenerator.Generate(viaApi), viaApi.Source, written: null, Ct);
        var writer = PortfolioWriter(chunkSize: 5, writers: Database.Provider == DatabaseProvider.Sqlite ? 1 : 2);

        var report = await writer.WriteAsync(PortfolioGenerator.Generate(direct), truth: null, Ct);

        Assert.Equal(16, report.Accounts);
        Assert.True(report.RollupRows > 0);
        var from = Build.Date(DateOnly.FromDateTime(DefaultNow.UtcDateTime).AddDays(-30).ToString("yyyy-MM-dd"));
        var to = Build.Date(DateOnly.FromDateTime(DefaultNow.UtcDateTime).ToString("yyyy-MM-dd"));
        for (var i = 1; i <= 16; i++) await TheAccountsMatch($"api-{i:D6}", $"direct-{i:D6}", from, to);
        Assert.Equal(
            0,
            await Service.InDatabaseAsync(db => db.UsageEvents.CountAsync(e => e.AccountId.StartsWith("direct-"), Ct)));

        // Every rollup row, active-day blocks included (the snapshot also checks those against the user-day rows).
        var rollupsA = await Service.RollupSnapshot(Enumerable.Range(1, 16).Select(i => $"api-{i:D6}").ToArray());
        var rollupsD = await Service.RollupSnapshot(Enumerable.Range(1, 16).Select(i => $"direct-{i:D6}").ToArray());
        Assert.Contains(rollupsA, r => r.StartsWith("active ", StringComparison.Ordinal));
        Assert.Equal(rollupsA, rollupsD.Select(r => r.Replace("direct-", "api-", StringComparison.Ordinal)).ToArray());
    }

    /// <summary>
    /// The account written through the API (<paramref name="a"/>) and its direct twin store the same.
    /// </summary>
    private async Task TheAccountsMatch(string a, string d, Google.Type.Date from, Google.Type.Date to)
    {
        var engagement = new EngagementService.EngagementServiceClient(Service.Channel);
        var onboarding = new OnboardingService.OnboardingServiceClient(Service.Channel);
        var accounts = new AccountService.AccountServiceClient(Service.Channel);
        string Api(string text) => text.Replace("direct-", "api-", StringComparison.Ordinal);
        var usageA = await engagement.GetDailyUsageAsync(
            new() { AccountId = a, StartDate = from, EndDate = to }, cancellationToken: Ct);
        var usageD = await engagement.GetDailyUsageAsync(
            new() { AccountId = d, StartDate = from, EndDate = to }, cancellationToken: Ct);
        Assert.Equal(usageA.Days.ToString(), Api(usageD.Days.ToString()));
        // The API path's automatic milestones complete in the background (the onboarding worker); the direct path's
        // at once.
        var planD = (await onboarding.GetOnboardingPlanAsync(new() { AccountId = d }, cancellationToken: Ct)).Plan;
        var planA = (await onboarding.GetOnboardingPlanAsync(new() { AccountId = a }, cancellationToken: Ct)).Plan;
        static string Shape(OnboardingPlan plan) =>
            string.Join(";", plan.Milestones.Select(m => $"{m.Key}:{m.Status}:{m.CompleteTime}"))
                + $"|{plan.TimeToValueDays}";
        for (var attempt = 0; attempt < 200 && Shape(planA) != Shape(planD); attempt++)
        {
            await Task.Delay(100, Ct);
            planA = (await onboarding.GetOnboardingPlanAsync(new() { AccountId = a }, cancellationToken: Ct)).Plan;
        }
        Assert.Equal(
            planA.Milestones.Select(m => (m.Key, m.Status, m.CompleteTime)),
            planD.Milestones.Select(m => (m.Key, m.Status, m.CompleteTime)));
        Assert.Equal(planA.TimeToValueDays, planD.TimeToValueDays);
        var contractsA = (await accounts.ListContractsAsync(new() { AccountId = a }, cancellationToken: Ct))
            .Contracts.Select(c => (c.Status, c.Arr.Units, c.RenewalOutcome?.Kind));
        var contractsD = (await accounts.ListContractsAsync(new() { AccountId = d }, cancellationToken: Ct))
            .Contracts.Select(c => (c.Status, c.Arr.Units, c.RenewalOutcome?.Kind));
        Assert.Equal(contractsA, contractsD);
    }
}
