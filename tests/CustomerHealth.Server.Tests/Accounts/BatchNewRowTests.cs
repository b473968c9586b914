using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Microsoft.EntityFrameworkCore;
using static CustomerHealth.Server.Tests.Engagement.Events;

namespace CustomerHealth.Server.Tests.Accounts;

public sealed class BatchNewRowsOnSqlite(SqliteTestDatabase database) : BatchNewRowTests<SqliteTestDatabase>(database);

public sealed class BatchNewRowsOnPostgreSql(PostgreSqlTestDatabase database)
    : BatchNewRowTests<PostgreSqlTestDatabase>(database);

public sealed class BatchNewRowsOnSqlServer(SqlServerTestDatabase database)
    : BatchNewRowTests<SqlServerTestDatabase>(database);

/// <summary>
/// The rows a batch creates are written with each engine's own statements beside EF Core's updates
/// (docs/adr/0054): what they store must read back exactly as what the unary calls store for a twin account, every
/// touched account must get one recompute mark, and nothing else (no audit event) may appear. The clock carries a
/// fraction of a second, so stored instants are compared to the tick.
/// </summary>
public abstract class BatchNewRowTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private AccountService.AccountServiceClient Client => new(Service.Channel);
    private OnboardingService.OnboardingServiceClient Onboarding => new(Service.Channel);

    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["Health:RecomputeInterval"] = "01:00:00",
        ["Health:DailyPass"] = "false",
    };

    [Fact]
    public async Task ABatchMixingNewAndExistingAccountsStoresEachAsTheUnaryCallDoes()
    {
        Clock.Advance(TimeSpan.FromTicks(1_234_567));
        await Client.UpsertAccountAsync(new() { Account = Build.Account("m-old") }, cancellationToken: Ct);
        var parent = Build.Account("m-parent", tier: CsTier.HighTouch, owner: "");
        parent.Segment = "";
        var child = Build.Account("m-child", name: "Child Ltd");
        child.ParentAccountId = "m-parent";
        var renamed = Build.Account("m-child", name: "Child Ltd renamed", segment: "Enterprise");
        renamed.ParentAccountId = "m-parent";
        var audited = await AuditEventsAsync();

        var results = (await Client.BatchUpsertAccountsAsync(new BatchUpsertAccountsRequest
        {
            Requests =
            {
                new UpsertAccountRequest { Account = parent },
                new UpsertAccountRequest { Account = Build.Account("m-old", name: "Old Renamed") },
                new UpsertAccountRequest { Account = child },
                new UpsertAccountRequest { Account = renamed },
            },
        }, cancellationToken: Ct)).Results;
        await TwinAsync(parent, renamed);

        Assert.Equal(
            [BatchWriteOutcome.Created, BatchWriteOutcome.Updated, BatchWriteOutcome.Created,
                BatchWriteOutcome.Updated],
            results.Select(r => r.Outcome));
        foreach (var id in new[] { "m-parent", "m-child" })
            Assert.Equal(await AccountAsync($"twin-{id}"), await AccountAsync(id));
        Assert.Equal("Old Renamed", (await GetAsync("m-old")).DisplayName);
        Assert.Equal("m-parent", (await GetAsync("m-child")).ParentAccountId);
        Assert.Equal(new[] { 1, 2, 1 }, await MarksAsync("m-parent", "m-old", "m-child"));
        Assert.Equal(audited, await AuditEventsAsync());
    }

    [Fact]
    public async Task AnAccountsFirstContractInABatchGetsThePlanAndTierTheUnaryCallGives()
    {
        Clock.Advance(TimeSpan.FromTicks(7_654_321));
        await Client.BatchUpsertAccountsAsync(
            Accounts(Build.Account("f-new"), Build.Account("f-old"), Build.Account("twin-f-new")),
            cancellationToken: Ct);
        await Client.UpsertContractAsync(
            new() { Contract = Build.Contract("f-old-1", "f-old") }, cancellationToken: Ct);
        var marksBefore = await MarksAsync("f-new", "f-old");
        Clock.Advance(TimeSpan.FromMinutes(1));
        var first = Build.Contract("f-new-1", "f-new", arr: 150_000m, start: "2026-02-01", end: "2027-02-01");
        var second = Build.Contract("f-new-0", "f-new", arr: 9_000.5m, currency: "EUR", start: "2025-02-01",
            end: "2026-02-01");

        var results = (await Client.BatchUpsertContractsAsync(new BatchUpsertContractsRequest
        {
            Requests =
            {
                new UpsertContractRequest { Contract = first },
                new UpsertContractRequest { Contract = Build.Contract("f-old-1", "f-old", seats: 90) },
                new UpsertContractRequest { Contract = second },
                new UpsertContractRequest { Contract = Build.Contract("f-old-2", "f-old", start: "2027-01-01",
                    end: "2028-01-01") },
            },
        }, cancellationToken: Ct)).Results;
        foreach (var terms in new[] { first, second })
        {
            var twin = terms.Clone();
            (twin.ContractId, twin.AccountId) = ("twin-" + terms.ContractId, "twin-f-new");
            await Client.UpsertContractAsync(new() { Contract = twin }, cancellationToken: Ct);
        }

        Assert.Equal(
            [BatchWriteOutcome.Created, BatchWriteOutcome.Updated, BatchWriteOutcome.Created,
                BatchWriteOutcome.Created],
            results.Select(r => r.Outcome));
        Assert.Equal(await AccountAsync("twin-f-new"), await AccountAsync("f-new"));
        Assert.Equal(CsTier.HighTouch, (await GetAsync("f-new")).EffectiveCsTier);
        foreach (var id in new[] { "f-new-1", "f-new-0" })
            Assert.Equal(await ContractAsync("twin-" + id), await ContractAsync(id));
        Assert.Equal(await PlanAsync("twin-f-new"), await PlanAsync("f-new"));
        Assert.Equal(90, (await Client.GetContractAsync(new() { ContractId = "f-old-1" }, cancellationToken: Ct))
            .Contract.Seats);
        Assert.Equal(marksBefore.Select(m => m + 1), await MarksAsync("f-new", "f-old"));
    }

    [Fact]
    public async Task AFirstPlanCreatedInABatchCompletesWhatStoredUsageAlreadyMeets()
    {
        var engagement = new EngagementService.EngagementServiceClient(Service.Channel);
        await engagement.UpdateEventCatalogueAsync(new()
        {
            Catalogue = new EventCatalogue
            {
                Events =
                {
                    new CatalogueEvent { EventName = "report_created", FirstValue = true, Active = true },
                    new CatalogueEvent { EventName = "login", Active = true },
                },
            },
            UpdatedBy = "ops",
        }, cancellationToken: Ct);
        await Client.BatchUpsertAccountsAsync(Accounts(Build.Account("u-a"), Build.Account("twin-u-a")),
            cancellationToken: Ct);
        foreach (var account in new[] { "u-a", "twin-u-a" })
        {
            await engagement.IngestEventsAsync(Batch(
                Event($"{account}-1", account, "ann", "login", at: "2026-03-02T09:00:00.1234567Z"),
                Event($"{account}-2", account, "ann", "report_created", at: "2026-03-06T11:00:00Z")),
                cancellationToken: Ct);
        }

        await Client.BatchUpsertContractsAsync(new BatchUpsertContractsRequest
        {
            Requests = { new UpsertContractRequest { Contract = Build.Contract("u-a-1", "u-a", start: "2026-03-01") } },
        }, cancellationToken: Ct);
        await Client.UpsertContractAsync(
            new() { Contract = Build.Contract("twin-u-a-1", "twin-u-a", start: "2026-03-01") }, cancellationToken: Ct);

        var plan = (await Onboarding.GetOnboardingPlanAsync(new() { AccountId = "u-a" }, cancellationToken: Ct)).Plan;
        Assert.Contains(plan.Milestones, m => m.Status == MilestoneStatus.Done);
        Assert.Equal(await PlanAsync("twin-u-a"), await PlanAsync("u-a"));
    }

    [Fact]
    public async Task OutcomesAndTheTiersTheyChangeInABatchStoreWhatTheUnaryCallsStore()
    {
        Clock.Advance(TimeSpan.FromTicks(3_141_593));
        foreach (var twin in new[] { "", "twin-" })
        {
            await Client.BatchUpsertAccountsAsync(Accounts(Build.Account(twin + "o-a"), Build.Account(twin + "o-b")),
                cancellationToken: Ct);
            await UpsertContractsAsync(twin);
        }
        var marksBefore = await MarksAsync("o-a", "o-b");
        var tierBefore = (await GetAsync("o-a")).EffectiveCsTier;
        var audited = await AuditEventsAsync();
        Clock.Advance(TimeSpan.FromMinutes(3));
        var items = new RecordRenewalOutcomeRequest[]
        {
            new()
            {
                ContractId = "o-a-1", Kind = RenewalOutcomeKind.Churned, DecisionDate = Build.Date("2026-02-20"),
                Note = "  moved to a rival  ",
            },
            new()
            {
                ContractId = "o-b-1", Kind = RenewalOutcomeKind.Renewed, NewArr = Build.Money(5_000m),
                RenewalContractId = "o-b-2",
            },
            new()
            {
                ContractId = "o-b-1", Kind = RenewalOutcomeKind.Renewed, NewArr = Build.Money(6_000.25m),
                RenewalContractId = "o-b-2", Note = "corrected",
            },
        };

        var results = (await Client.BatchRecordRenewalOutcomesAsync(new() { Requests = { items } },
            cancellationToken: Ct)).Results;
        foreach (var item in items)
        {
            var twin = item.Clone();
            twin.ContractId = "twin-" + item.ContractId;
            if (twin.RenewalContractId.Length > 0) twin.RenewalContractId = "twin-" + item.RenewalContractId;
            await Client.RecordRenewalOutcomeAsync(twin, cancellationToken: Ct);
        }

        Assert.Equal([BatchWriteOutcome.Created, BatchWriteOutcome.Created, BatchWriteOutcome.Updated],
            results.Select(r => r.Outcome));
        foreach (var id in new[] { "o-a-1", "o-b-1", "o-b-2" })
            Assert.Equal((await ContractAsync("twin-" + id)).Replace("twin-", ""), await ContractAsync(id));
        foreach (var id in new[] { "o-a", "o-b" })
            Assert.Equal(await AccountAsync("twin-" + id), await AccountAsync(id));
        // The churned contract was o-a's only one: its derived tier is gone.
        Assert.Equal((CsTier.HighTouch, CsTier.Unspecified), (tierBefore, (await GetAsync("o-a")).EffectiveCsTier));
        Assert.Equal(marksBefore.Select(m => m + 1), await MarksAsync("o-a", "o-b"));
        Assert.Equal(audited, await AuditEventsAsync());
    }

    /// <summary>The outcome test's three contracts, their ids prefixed by <paramref name="twin"/>.</summary>
    private async Task UpsertContractsAsync(string twin)
    {
        foreach (var (id, arr, start, end) in new[]
                 {
                     ("o-a-1", 150_000m, "2025-03-01", "2026-03-01"), ("o-b-1", 50_000m, "2025-03-01", "2026-03-01"),
                     ("o-b-2", 5_000m, "2026-03-01", "2027-03-01"),
                 })
        {
            var contract = Build.Contract(twin + id, twin + id[..3], arr: arr, start: start, end: end);
            await Client.UpsertContractAsync(new() { Contract = contract }, cancellationToken: Ct);
        }
    }

    private static BatchUpsertAccountsRequest Accounts(params Account[] accounts)
    {
        var request = new BatchUpsertAccountsRequest();
        request.Requests.AddRange(accounts.Select(a => new UpsertAccountRequest { Account = a }));
        return request;
    }

    /// <summary>Writes each account again through the unary call, as <c>twin-</c> and its id (its parent
    /// too).</summary>
    private async Task TwinAsync(params Account[] accounts)
    {
        foreach (var account in accounts)
        {
            var twin = account.Clone();
            twin.AccountId = "twin-" + account.AccountId;
            if (twin.ParentAccountId.Length > 0) twin.ParentAccountId = "twin-" + account.ParentAccountId;
            await Client.UpsertAccountAsync(new() { Account = twin }, cancellationToken: Ct);
        }
    }

    private async Task<Account> GetAsync(string id) =>
        (await Client.GetAccountAsync(new() { AccountId = id }, cancellationToken: Ct)).Account;

    /// <summary>The stored account with its ids (and its parent's) taken out, to compare with its twin.</summary>
    private async Task<string> AccountAsync(string id)
    {
        var account = await GetAsync(id);
        (account.AccountId, account.ParentAccountId) = ("", account.ParentAccountId.Replace("twin-", ""));
        return account.ToString();
    }

    private async Task<string> ContractAsync(string id)
    {
        var contract = (await Client.GetContractAsync(new() { ContractId = id }, cancellationToken: Ct)).Contract;
        (contract.ContractId, contract.AccountId) = ("", "");
        return contract.ToString();
    }

    private async Task<string> PlanAsync(string accountId)
    {
        var plan = (await Onboarding.GetOnboardingPlanAsync(new() { AccountId = accountId }, cancellationToken: Ct))
            .Plan;
        plan.AccountId = "";
        return plan.ToString();
    }

    private Task<int> AuditEventsAsync() => Service.InDatabaseAsync(db => db.AuditEvents.CountAsync(Ct));

    private Task<int[]> MarksAsync(params string[] accounts) =>
        Service.InDatabaseAsync(async db =>
        {
            var counts = await db.HealthRecomputeQueue.Where(m => accounts.Contains(m.AccountId))
                .GroupBy(m => m.AccountId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(Ct);
            return accounts.Select(a => counts.SingleOrDefault(c => c.Key == a)?.Count ?? 0).ToArray();
        });
}
