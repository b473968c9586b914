using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Rpc;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Server.Tests.Accounts;

public sealed class BatchWritesOnSqlite(SqliteTestDatabase database) : BatchWriteTests<SqliteTestDatabase>(database);

public sealed class BatchWritesOnPostgreSql(PostgreSqlTestDatabase database)
    : BatchWriteTests<PostgreSqlTestDatabase>(database);

public sealed class BatchWritesOnSqlServer(SqlServerTestDatabase database)
    : BatchWriteTests<SqlServerTestDatabase>(database);

/// <summary>
/// The bulk CRM writes through real gRPC calls, on each database engine: one result per item, rejected items with the
/// unary call's error, re-sent batches unchanged, and the same recompute marks as the unary writes. The recompute
/// worker waits an hour here, so the marks a write leaves stay visible.
/// </summary>
public abstract class BatchWriteTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private AccountService.AccountServiceClient Client => new(Service.Channel);

    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["Health:RecomputeInterval"] = "01:00:00",
        ["Health:DailyPass"] = "false",
    };

    [Fact]
    public async Task ABatchOfAccountsAnswersOneResultPerItemAndRejectsInvalidItemsWithFieldViolations()
    {
        await Client.UpsertAccountAsync(new() { Account = Build.Account("b-old") }, cancellationToken: Ct);
        var request = new BatchUpsertAccountsRequest
        {
            Requests =
            {
                new UpsertAccountRequest { Account = Build.Account("b-new") },
                new UpsertAccountRequest { Account = Build.Account("b-bad", name: "") },
                new UpsertAccountRequest { Account = Build.Account("b-old", name: "Acme Renamed") },
                new UpsertAccountRequest { Account = Build.Account("b-old", name: "Acme Renamed") },
                new UpsertAccountRequest { Account = Build.Account(new string('x', 129)) },
            },
        };

        var results = (await Client.BatchUpsertAccountsAsync(request, cancellationToken: Ct)).Results;

        Assert.Equal([0, 1, 2, 3, 4], results.Select(r => r.Index));
        Assert.Equal(["b-new", "b-bad", "b-old", "b-old", ""], results.Select(r => r.Id));
        Assert.Equal(
            [BatchWriteOutcome.Created, BatchWriteOutcome.Rejected, BatchWriteOutcome.Updated,
                BatchWriteOutcome.Unchanged, BatchWriteOutcome.Rejected],
            results.Select(r => r.Outcome));
        Assert.Null(results[0].Error);
        Assert.Equal((int)Code.InvalidArgument, results[1].Error.Code);
        Assert.Equal("account.display_name", Violations(results[1].Error).Single().Field);
        Assert.Equal("account.account_id", Violations(results[4].Error).Single().Field);
        Assert.Equal("Acme Renamed",
            (await Client.GetAccountAsync(new() { AccountId = "b-old" }, cancellationToken: Ct)).Account.DisplayName);
        Assert.Equal(0, await Service.InDatabaseAsync(db => db.Accounts.CountAsync(a => a.Id == "b-bad", Ct)));
    }

    [Fact]
    public async Task ResendingABatchIsUnchangedAndLeavesNoRecomputeMarks()
    {
        var accounts = Batch(Enumerable.Range(0, 50).Select(i => Build.Account($"r-{i:D3}")));
        var contracts = new BatchUpsertContractsRequest();
        contracts.Requests.AddRange(Enumerable.Range(0, 50).Select(i =>
            new UpsertContractRequest { Contract = Build.Contract($"r-{i:D3}-c1", $"r-{i:D3}") }));
        var first = await Client.BatchUpsertAccountsAsync(accounts, cancellationToken: Ct);
        await Client.BatchUpsertContractsAsync(contracts, cancellationToken: Ct);
        var marks = await MarksAsync("r-");
        Clock.Advance(TimeSpan.FromMinutes(5));

        var again = await Client.BatchUpsertAccountsAsync(accounts, cancellationToken: Ct);
        var contractsAgain = await Client.BatchUpsertContractsAsync(contracts, cancellationToken: Ct);

        Assert.All(first.Results, r => Assert.Equal(BatchWriteOutcome.Created, r.Outcome));
        Assert.All(again.Results, r => Assert.Equal(BatchWriteOutcome.Unchanged, r.Outcome));
        Assert.All(contractsAgain.Results, r => Assert.Equal(BatchWriteOutcome.Unchanged, r.Outcome));
        Assert.Equal(marks, await MarksAsync("r-"));
        Assert.True(marks >= 50, $"every new account is marked for recompute ({marks} marks)");
        var account = (await Client.GetAccountAsync(new() { AccountId = "r-007" }, cancellationToken: Ct)).Account;
        Assert.Equal(DefaultNow, account.UpdateTime.ToDateTimeOffset());
    }

    [Fact]
    public async Task ABatchOverTheLimitOrEmptyIsInvalidArgument()
    {
        var tooMany = Batch(Enumerable.Range(0, 1001).Select(i => Build.Account($"over-{i}")));

        var over = await Assert.ThrowsAsync<RpcException>(() =>
            Client.BatchUpsertAccountsAsync(tooMany, cancellationToken: Ct).ResponseAsync);
        var empty = await Assert.ThrowsAsync<RpcException>(() =>
            Client.BatchRecordRenewalOutcomesAsync(new(), cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, over.StatusCode);
        Assert.Equal("requests", over.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Single().Field);
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
        Assert.Equal(0, await Service.InDatabaseAsync(db => db.Accounts.CountAsync(a => a.Id.StartsWith("over-"), Ct)));
    }

    [Fact]
    public async Task ABatchOfContractsRejectsWhatTheUnaryCallRejectsAndDerivesTiersAndPlans()
    {
        await Client.BatchUpsertAccountsAsync(Batch([Build.Account("c-a"), Build.Account("c-b")]),
            cancellationToken: Ct);
        await Client.UpsertContractAsync(new() { Contract = Build.Contract("c-b-1", "c-b") }, cancellationToken: Ct);
        var request = new BatchUpsertContractsRequest
        {
            Requests =
            {
                new UpsertContractRequest { Contract = Build.Contract("c-a-1", "c-a", arr: 150_000m) },
                new UpsertContractRequest { Contract = Build.Contract("c-x-1", "c-missing") },
                new UpsertContractRequest { Contract = Build.Contract("c-b-1", "c-a") },
                new UpsertContractRequest
                {
                    Contract = Build.Contract("c-a-2", "c-a", start: "2026-05-01", end: "2026-04-01"),
                },
                new UpsertContractRequest { Contract = Build.Contract("c-b-1", "c-b", seats: 80) },
            },
        };

        var results = (await Client.BatchUpsertContractsAsync(request, cancellationToken: Ct)).Results;

        Assert.Equal(
            [BatchWriteOutcome.Created, BatchWriteOutcome.Rejected, BatchWriteOutcome.Rejected,
                BatchWriteOutcome.Rejected, BatchWriteOutcome.Updated],
            results.Select(r => r.Outcome));
        Assert.Equal((int)Code.NotFound, results[1].Error.Code);
        Assert.Equal((int)Code.FailedPrecondition, results[2].Error.Code);
        Assert.Contains("CONTRACT_ACCOUNT_IMMUTABLE", results[2].Error.Message + Reason(results[2].Error));
        Assert.Equal("contract.end_date", Violations(results[3].Error).Single().Field);
        var account = (await Client.GetAccountAsync(new() { AccountId = "c-a" }, cancellationToken: Ct)).Account;
        Assert.Equal(CsTier.HighTouch, account.EffectiveCsTier);
        var onboarding = new OnboardingService.OnboardingServiceClient(Service.Channel);
        var plan = (await onboarding.GetOnboardingPlanAsync(new() { AccountId = "c-a" }, cancellationToken: Ct)).Plan;
        Assert.Equal(CsTier.HighTouch, plan.CsTier);
        var moved = await Client.GetContractAsync(new() { ContractId = "c-b-1" }, cancellationToken: Ct);
        Assert.Equal(("c-b", 80), (moved.Contract.AccountId, moved.Contract.Seats));
    }

    [Fact]
    public async Task ABatchOfRenewalOutcomesCreatesCorrectsAndRejectsPerItem()
    {
        await Client.UpsertAccountAsync(new() { Account = Build.Account("o-a") }, cancellationToken: Ct);
        await Client.BatchUpsertContractsAsync(new BatchUpsertContractsRequest
        {
            Requests =
            {
                Yearly("o-1", "o-a", "2025-01-01"),
                Yearly("o-2", "o-a", "2026-01-01"),
            },
        }, cancellationToken: Ct);
        var renewed = new RecordRenewalOutcomeRequest
        {
            ContractId = "o-1",
            Kind = RenewalOutcomeKind.Renewed,
            NewArr = Build.Money(30_000m),
            RenewalContractId = "o-2",
        };
        var request = new BatchRecordRenewalOutcomesRequest
        {
            Requests =
            {
                renewed,
                new RecordRenewalOutcomeRequest { ContractId = "o-unknown", Kind = RenewalOutcomeKind.Churned },
                new RecordRenewalOutcomeRequest
                {
                    ContractId = "o-2", Kind = RenewalOutcomeKind.Renewed, NewArr = Build.Money(1m, "EUR"),
                },
                new RecordRenewalOutcomeRequest { ContractId = "o-2" },
            },
        };

        var results = (await Client.BatchRecordRenewalOutcomesAsync(request, cancellationToken: Ct)).Results;
        var corrected = renewed.Clone();
        corrected.NewArr = Build.Money(32_000m);
        var again = await Client.BatchRecordRenewalOutcomesAsync(new() { Requests = { renewed, corrected } },
            cancellationToken: Ct);

        Assert.Equal(
            [BatchWriteOutcome.Created, BatchWriteOutcome.Rejected, BatchWriteOutcome.Rejected,
                BatchWriteOutcome.Rejected],
            results.Select(r => r.Outcome));
        Assert.Equal((int)Code.NotFound, results[1].Error.Code);
        Assert.Equal("new_arr.currency_code", Violations(results[2].Error).Single().Field);
        Assert.Equal("kind", Violations(results[3].Error).Single().Field);
        Assert.Equal([BatchWriteOutcome.Unchanged, BatchWriteOutcome.Updated], again.Results.Select(r => r.Outcome));
        var stored = (await Client.GetContractAsync(new() { ContractId = "o-1" }, cancellationToken: Ct)).Contract;
        Assert.Equal(32_000m, Build.Amount(stored.RenewalOutcome.NewArr));
        var untouched = await Client.GetContractAsync(new() { ContractId = "o-2" }, cancellationToken: Ct);
        Assert.Null(untouched.Contract.RenewalOutcome);
    }

    private static UpsertContractRequest Yearly(string id, string account, string start) => new()
    {
        Contract = Build.Contract(id, account, start: start,
            end: DateOnly.ParseExact(start, "yyyy-MM-dd").AddYears(1).ToString("yyyy-MM-dd")),
    };

    private static BatchUpsertAccountsRequest Batch(IEnumerable<Account> accounts)
    {
        var request = new BatchUpsertAccountsRequest();
        request.Requests.AddRange(accounts.Select(a => new UpsertAccountRequest { Account = a }));
        return request;
    }

    private static IReadOnlyList<BadRequest.Types.FieldViolation> Violations(Google.Rpc.Status status) =>
        status.Details.Single(d => d.Is(BadRequest.Descriptor)).Unpack<BadRequest>().FieldViolations;

    private static string Reason(Google.Rpc.Status status) =>
        status.Details.Where(d => d.Is(ErrorInfo.Descriptor)).Select(d => d.Unpack<ErrorInfo>().Reason)
            .FirstOrDefault() ?? "";

    private Task<int> MarksAsync(string prefix) =>
        Service.InDatabaseAsync(db => db.HealthRecomputeQueue.CountAsync(m => m.AccountId.StartsWith(prefix), Ct));
}
