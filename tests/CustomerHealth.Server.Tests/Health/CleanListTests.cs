using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Model = CustomerHealth.Domain.Health;

namespace CustomerHealth.Server.Tests.Health;

public sealed class CleanListsOnSqlite(SqliteTestDatabase database) : CleanListTests<SqliteTestDatabase>(database);

public sealed class CleanListsOnPostgreSql(PostgreSqlTestDatabase database)
    : CleanListTests<PostgreSqlTestDatabase>(database);

public sealed class CleanListsOnSqlServer(SqlServerTestDatabase database)
    : CleanListTests<SqlServerTestDatabase>(database);

/// <summary>
/// Work queues and lists leave churned accounts out unless asked (docs/adr/0055), the overdue queue takes a maximum
/// age, and the lists take a segment. Three high-touch accounts of one CSM, scored by the worker: a live one (SMB), a
/// churned one (SMB, its plan a year old) and a new one (Enterprise). The test clock starts 2026-03-15.
/// </summary>
public abstract class CleanListTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private const string Owner = "queue.clean@example.com";

    private AccountService.AccountServiceClient Accounts => new(Service.Channel);
    private HealthService.HealthServiceClient Health => new(Service.Channel);
    private OnboardingService.OnboardingServiceClient Onboarding => new(Service.Channel);

    [Fact]
    public async Task ScoreListsLeaveChurnedAccountsOutUnlessAskedAndFilterBySegment()
    {
        await GivenThreeCustomers();

        Assert.Equal(["cl-ent", "cl-live"], await Scored(new()));
        Assert.Equal(["cl-ent", "cl-gone", "cl-live"], await Scored(new() { IncludeChurned = true }));
        Assert.Equal(["cl-gone"], await Scored(new() { LifecycleStage = LifecycleStage.Churned }));
        Assert.Equal(["cl-live"], await Scored(new() { Segment = "SMB" }));
        Assert.Equal(["cl-gone", "cl-live"], await Scored(new() { Segment = "SMB", IncludeChurned = true }));
        var changes = await Health.ListHealthChangesAsync(
            new() { Owner = Owner, Segment = "Enterprise", PageSize = 1000 }, cancellationToken: Ct);
        Assert.NotEmpty(changes.Changes);
        Assert.All(changes.Changes, c => Assert.Equal("cl-ent", c.AccountId));
    }

    [Fact]
    public async Task TheOverdueQueueLeavesChurnedAccountsOutAndTakesAMaximumAgeAndASegment()
    {
        await GivenThreeCustomers();

        Assert.Equal(["cl-ent", "cl-live"], await Overdue(new()));
        Assert.Equal(["cl-ent", "cl-gone", "cl-live"], await Overdue(new() { IncludeChurned = true }));
        Assert.Equal(["cl-ent"], await Overdue(new() { Segment = "Enterprise", IncludeChurned = true }));
        var recent = await Onboarding.ListOverdueMilestonesAsync(
            new() { Owner = Owner, IncludeChurned = true, MaxDaysOverdue = 100, PageSize = 1000 },
            cancellationToken: Ct);
        Assert.NotEmpty(recent.Milestones);
        Assert.All(recent.Milestones, m => Assert.InRange(m.DaysOverdue, 1, 100));
        Assert.DoesNotContain(recent.Milestones, m => m.AccountId == "cl-gone");
        var invalid = await Assert.ThrowsAsync<RpcException>(() => Onboarding.ListOverdueMilestonesAsync(
            new() { MaxDaysOverdue = -1 }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
    }

    [Fact]
    public async Task BandCountsLeaveChurnedAccountsOutUnlessAsked()
    {
        await GivenThreeCustomers();
        var metrics = new MetricsService.MetricsServiceClient(Service.Channel);
        var request = new GetPortfolioMetricsRequest
        {
            Period = new ReportingPeriod { Kind = PeriodKind.Month }, Owner = Owner,
        };

        var without = (await metrics.GetPortfolioMetricsAsync(request, cancellationToken: Ct)).Report;
        request.IncludeChurned = true;
        var with = (await metrics.GetPortfolioMetricsAsync(request, cancellationToken: Ct)).Report;

        Assert.Equal(2, without.AccountsByBand.Sum(b => b.Accounts));
        Assert.Equal(3, with.AccountsByBand.Sum(b => b.Accounts));
        Assert.Equal(3, without.Accounts);
        Assert.Equal(1, without.AccountsByStage.Single(s => s.Stage == LifecycleStage.Churned).Accounts);
    }

    private async Task GivenThreeCustomers()
    {
        var accounts = new BatchUpsertAccountsRequest();
        var contracts = new BatchUpsertContractsRequest();
        var customers = new[]
        {
            ("cl-live", "SMB", "2026-01-01"), ("cl-gone", "SMB", "2025-01-01"), ("cl-ent", "Enterprise", "2026-02-01"),
        };
        foreach (var (id, segment, start) in customers)
        {
            accounts.Requests.Add(new UpsertAccountRequest
            {
                Account = Build.Account(id, segment: segment, tier: CsTier.HighTouch, owner: Owner),
            });
            var end = DateOnly.ParseExact(start, "yyyy-MM-dd").AddYears(1).ToString("yyyy-MM-dd");
            contracts.Requests.Add(new UpsertContractRequest
            {
                Contract = Build.Contract($"{id}-1", id, start: start, end: end),
            });
        }
        await Accounts.BatchUpsertAccountsAsync(accounts, cancellationToken: Ct);
        await Accounts.BatchUpsertContractsAsync(contracts, cancellationToken: Ct);
        await Accounts.RecordRenewalOutcomeAsync(new() { ContractId = "cl-gone-1", Kind = RenewalOutcomeKind.Churned },
            cancellationToken: Ct);
        // The worker scores them within seconds; the lists read the stored scores.
        for (var i = 0; i < 150 && !await ScoredAsExpected(); i++) await Task.Delay(100, Ct);
        Assert.True(await ScoredAsExpected(), "the three accounts were not scored in time");
    }

    private Task<bool> ScoredAsExpected() => Service.InDatabaseAsync(async db =>
        await db.HealthScores.CountAsync(s => s.AccountId.StartsWith("cl-"), Ct) == 3
        && await db.HealthScores.AnyAsync(
            s => s.AccountId == "cl-gone" && s.Stage == Model.LifecycleStage.Churned, Ct));

    private async Task<string[]> Scored(ListHealthScoresRequest request)
    {
        request.Owner = Owner;
        request.PageSize = 1000;
        var page = await Health.ListHealthScoresAsync(request, cancellationToken: Ct);
        return [.. page.Scores.Select(s => s.AccountId).Order(StringComparer.Ordinal)];
    }

    private async Task<string[]> Overdue(ListOverdueMilestonesRequest request)
    {
        request.Owner = Owner;
        request.PageSize = 1000;
        var page = await Onboarding.ListOverdueMilestonesAsync(request, cancellationToken: Ct);
        return [.. page.Milestones.Select(m => m.AccountId).Distinct().Order(StringComparer.Ordinal)];
    }
}
