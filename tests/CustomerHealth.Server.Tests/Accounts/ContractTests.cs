using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Rpc;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Server.Tests.Accounts;

public sealed class ContractsOnSqlite(SqliteTestDatabase database) : ContractTests<SqliteTestDatabase>(database);

public sealed class ContractsOnPostgreSql(PostgreSqlTestDatabase database)
    : ContractTests<PostgreSqlTestDatabase>(database);

public sealed class ContractsOnSqlServer(SqlServerTestDatabase database)
    : ContractTests<SqlServerTestDatabase>(database);

/// <summary>Contracts and renewal outcomes through real gRPC calls, on each database engine.</summary>
public abstract class ContractTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private AccountService.AccountServiceClient Client => new(Service.Channel);

    private async Task<Account> GivenAccount(string id, CsTier tier = CsTier.Unspecified) =>
        (await Client.UpsertAccountAsync(new() { Account = Build.Account(id, tier: tier) }, cancellationToken: Ct))
            .Account;

    private async Task<Contract> GivenContract(Contract contract) =>
        (await Client.UpsertContractAsync(new() { Contract = contract }, cancellationToken: Ct)).Contract;

    [Fact]
    public async Task AContractIsStoredWithExactMoneyAndDates()
    {
        await GivenAccount("exact");

        var response = await Client.UpsertContractAsync(
            new() { Contract = Build.Contract("exact-c", "exact", arr: 12_345.67m, currency: "EUR", seats: 25) },
            cancellationToken: Ct);

        Assert.True(response.Created);
        var read = (await Client.GetContractAsync(new() { ContractId = "exact-c" }, cancellationToken: Ct)).Contract;
        Assert.Equal(response.Contract, read);
        Assert.Equal(12_345.67m, Build.Amount(read.Arr));
        Assert.Equal("EUR", read.Arr.CurrencyCode);
        Assert.Equal(25, read.Seats);
        Assert.Equal(Build.Date("2026-01-01"), read.StartDate);
        Assert.Equal(Build.Date("2027-01-01"), read.EndDate);
        Assert.Equal(ContractStatus.Active, read.Status);
        Assert.Null(read.RenewalOutcome);
    }

    [Fact]
    public async Task AContractOfAnUnknownAccountIsNotFoundAndNotStored()
    {
        var status = await FailsWith(
            StatusCode.NotFound,
            () => Client.UpsertContractAsync(
                new() { Contract = Build.Contract("orphan-c", "no-such-account") }, cancellationToken: Ct)
                .ResponseAsync);

        Assert.Equal("no-such-account", status.GetDetail<ResourceInfo>()?.ResourceName);
        Assert.Equal(0, await Service.InDatabaseAsync(db => db.Contracts.CountAsync(c => c.Id == "orphan-c", Ct)));
    }

    public static TheoryData<string, Contract> InvalidContracts
    {
        get
        {
            var data = new TheoryData<string, Contract>
            {
                { "contract.contract_id", Build.Contract(id: "") },
                { "contract.contract_id", Build.Contract(id: "bad id") },
                { "contract.account_id", Build.Contract(accountId: "") },
                { "contract.arr.currency_code", Build.Contract(currency: "") },
                { "contract.arr.currency_code", Build.Contract(currency: "usd") },
                { "contract.arr.currency_code", Build.Contract(currency: "ABC") },
                { "contract.arr.currency_code", Build.Contract(currency: "XXX") },
                { "contract.arr", Build.Contract(arr: -1m) },
                { "contract.seats", Build.Contract(seats: -1) },
                { "contract.end_date", Build.Contract(start: "2026-01-01", end: "2026-01-01") },
                { "contract.end_date", Build.Contract(start: "2026-01-01", end: "2025-12-31") },
            };
            var noArr = Build.Contract();
            noArr.Arr = null;
            data.Add("contract.arr", noArr);
            var tooPrecise = Build.Contract();
            tooPrecise.Arr.Nanos = 1;
            data.Add("contract.arr.nanos", tooPrecise);
            var tooLarge = Build.Contract();
            tooLarge.Arr.Units = 2_000_000_000_000;
            data.Add("contract.arr.units", tooLarge);
            var noStart = Build.Contract();
            noStart.StartDate = null;
            data.Add("contract.start_date", noStart);
            var noEnd = Build.Contract();
            noEnd.EndDate = null;
            data.Add("contract.end_date", noEnd);
            var impossible = Build.Contract();
            impossible.StartDate = new Google.Type.Date { Year = 2026, Month = 2, Day = 30 };
            data.Add("contract.start_date", impossible);
            var partial = Build.Contract();
            partial.EndDate = new Google.Type.Date { Year = 2027, Month = 1, Day = 0 };
            data.Add("contract.end_date", partial);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(InvalidContracts))]
    public async Task EachContractRuleIsInvalidArgumentNamingTheFieldAndWritesNothing(string field, Contract contract)
    {
        await GivenAccount("acme");

        await RejectsField(
            field, () => Client.UpsertContractAsync(new() { Contract = contract }, cancellationToken: Ct)
            .ResponseAsync);

        Assert.Equal(0, await Service.InDatabaseAsync(db => db.Contracts.CountAsync(c => c.AccountId == "acme", Ct)));
    }

    [Fact]
    public async Task AContractCannotMoveToAnotherAccount()
    {
        await GivenAccount("owner-a");
        await GivenAccount("owner-b");
        var stored = await GivenContract(Build.Contract("moving-c", "owner-a"));

        var status = await FailsWith(
            StatusCode.FailedPrecondition,
            () => Client.UpsertContractAsync(
                new() { Contract = Build.Contract("moving-c", "owner-b") }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal("CONTRACT_ACCOUNT_IMMUTABLE", status.GetDetail<ErrorInfo>()?.Reason);
        Assert.Equal(
            stored, (await Client.GetContractAsync(new() { ContractId = "moving-c" }, cancellationToken: Ct)).Contract);
    }

    [Fact]
    public async Task RepeatingAContractUpsertChangesNothingAndUpdatingItReplacesTheTerms()
    {
        await GivenAccount("terms");
        var first = await GivenContract(Build.Contract("terms-c", "terms"));
        Clock.Advance(TimeSpan.FromMinutes(1));

        var retry = await Client.UpsertContractAsync(
            new() { Contract = Build.Contract("terms-c", "terms") }, cancellationToken: Ct);
        var updated = await Client.UpsertContractAsync(
            new() { Contract = Build.Contract("terms-c", "terms", arr: 36_000m, seats: 60) }, cancellationToken: Ct);

        Assert.False(retry.Created);
        Assert.Equal(first, retry.Contract);
        Assert.False(updated.Created);
        Assert.Equal(36_000m, Build.Amount(updated.Contract.Arr));
        Assert.Equal(60, updated.Contract.Seats);
        Assert.True(updated.Contract.UpdateTime.ToDateTimeOffset() > first.UpdateTime.ToDateTimeOffset());
    }

    [Theory]
    [InlineData(5_000, CsTier.TechTouch)]
    [InlineData(9_999.99, CsTier.TechTouch)]
    [InlineData(10_000, CsTier.LowTouch)]
    [InlineData(99_999, CsTier.LowTouch)]
    [InlineData(100_000, CsTier.HighTouch)]
    public async Task WithoutAGivenTierTheTierIsDerivedFromTheCurrentContractArr(double arr, CsTier expected)
    {
        var id = $"derived-{arr}".Replace(',', '_');
        var account = await GivenAccount(id);
        Assert.Equal(CsTier.Unspecified, account.EffectiveCsTier);

        await GivenContract(Build.Contract($"{id}-c", id, arr: (decimal)arr));

        var read = (await Client.GetAccountAsync(new() { AccountId = id }, cancellationToken: Ct)).Account;
        Assert.Equal(expected, read.EffectiveCsTier);
        Assert.True(read.CsTierDerived);
        Assert.Equal(CsTier.Unspecified, read.CsTier);
    }

    [Fact]
    public async Task AGivenTierWinsOverTheArrAndTheDerivedTierFollowsTheRunningContract()
    {
        await GivenAccount("given", CsTier.HighTouch);
        await GivenContract(Build.Contract("given-c", "given", arr: 1_000m));
        Assert.Equal(
            CsTier.HighTouch, (await Client.GetAccountAsync(new() { AccountId = "given" }, cancellationToken: Ct))
            .Account.EffectiveCsTier);

        await Client.UpsertAccountAsync(
            new() { Account = Build.Account("given", tier: CsTier.Unspecified) }, cancellationToken: Ct);
        Assert.Equal(
            CsTier.TechTouch, (await Client.GetAccountAsync(new() { AccountId = "given" }, cancellationToken: Ct))
            .Account.EffectiveCsTier);

        // A later, larger contract does not count until it runs.
        await GivenContract(Build.Contract("given-c2", "given", arr: 250_000m, start: "2027-01-01", end: "2028-01-01"));
        Assert.Equal(
            CsTier.TechTouch, (await Client.GetAccountAsync(new() { AccountId = "given" }, cancellationToken: Ct))
            .Account.EffectiveCsTier);
    }

    [Fact]
    public async Task TheStatusFollowsTheCalendarAndTheRecordedOutcome()
    {
        await GivenAccount("status");
        await GivenContract(Build.Contract("status-c", "status", start: "2026-06-01", end: "2027-06-01"));
        async Task<ContractStatus> Status() =>
            (await Client.GetContractAsync(new() { ContractId = "status-c" }, cancellationToken: Ct)).Contract.Status;

        Assert.Equal(ContractStatus.Upcoming, await Status());
        Clock.Set(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(ContractStatus.Active, await Status());
        Clock.Set(new DateTimeOffset(2027, 5, 31, 23, 59, 59, TimeSpan.Zero));
        Assert.Equal(ContractStatus.Active, await Status());
        Clock.Set(new DateTimeOffset(2027, 6, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(ContractStatus.AwaitingOutcome, await Status());

        await Client.RecordRenewalOutcomeAsync(
            new()
            {
                ContractId = "status-c", Kind = RenewalOutcomeKind.Churned,
                Note = "Budget cut.\nMoved to a competitor."
            }, cancellationToken: Ct);
        Assert.Equal(ContractStatus.Churned, await Status());
    }

    [Fact]
    public async Task ContractsAreListedByStartDateAndPaged()
    {
        await GivenAccount("history");
        await GivenContract(Build.Contract("h-2025", "history", start: "2025-01-01", end: "2026-01-01"));
        await GivenContract(Build.Contract("h-2027", "history", start: "2027-01-01", end: "2028-01-01"));
        await GivenContract(Build.Contract("h-2026-b", "history", start: "2026-01-01", end: "2027-01-01"));
        await GivenContract(Build.Contract("h-2026-a", "history", start: "2026-01-01", end: "2027-01-01"));

        var ids = new List<string>();
        var token = "";
        do
        {
            var page = await Client.ListContractsAsync(
                new() { AccountId = "history", PageSize = 3, PageToken = token }, cancellationToken: Ct);
            ids.AddRange(page.Contracts.Select(c => c.ContractId));
            token = page.NextPageToken;
        }
        while (token != "");

        Assert.Equal(["h-2025", "h-2026-a", "h-2026-b", "h-2027"], ids);
        await FailsWith(
            StatusCode.NotFound,
            () => Client.ListContractsAsync(new() { AccountId = "no-history" }, cancellationToken: Ct).ResponseAsync);
    }

    [Fact]
    public async Task ARenewalIsRecordedWithItsArrChangeAndCanBeCorrected()
    {
        await GivenAccount("renew");
        await GivenContract(Build.Contract("renew-c", "renew", arr: 24_000m));
        await GivenContract(Build.Contract("renew-c2", "renew", arr: 30_000m, start: "2027-01-01", end: "2028-01-01"));

        var renewed = (await Client.RecordRenewalOutcomeAsync(
            new()
            {
                ContractId = "renew-c", Kind = RenewalOutcomeKind.Renewed, NewArr = Build.Money(30_000m),
                RenewalContractId = "renew-c2"
            }, cancellationToken: Ct)).Contract;

        Assert.Equal(ContractStatus.Renewed, renewed.Status);
        Assert.Equal(RenewalOutcomeKind.Renewed, renewed.RenewalOutcome.Kind);
        Assert.Equal(ArrChange.Expansion, renewed.RenewalOutcome.ArrChange);
        Assert.Equal(30_000m, Build.Amount(renewed.RenewalOutcome.NewArr));
        Assert.Equal(Build.Date("2027-01-01"), renewed.RenewalOutcome.DecisionDate);
        Assert.Equal("renew-c2", renewed.RenewalOutcome.RenewalContractId);

        Clock.Advance(TimeSpan.FromHours(2));
        var retried = (await Client.RecordRenewalOutcomeAsync(
            new()
            {
                ContractId = "renew-c", Kind = RenewalOutcomeKind.Renewed, NewArr = Build.Money(30_000m),
                RenewalContractId = "renew-c2"
            }, cancellationToken: Ct)).Contract;
        Assert.Equal(renewed, retried);

        var corrected = (await Client.RecordRenewalOutcomeAsync(
            new()
            {
                ContractId = "renew-c", Kind = RenewalOutcomeKind.Renewed, NewArr = Build.Money(20_000m),
                DecisionDate = Build.Date("2026-11-20")
            }, cancellationToken: Ct)).Contract;
        Assert.Equal(ArrChange.Contraction, corrected.RenewalOutcome.ArrChange);
        Assert.Equal(Build.Date("2026-11-20"), corrected.RenewalOutcome.DecisionDate);

        var flat = (await Client.RecordRenewalOutcomeAsync(
            new() { ContractId = "renew-c", Kind = RenewalOutcomeKind.Renewed, NewArr = Build.Money(24_000m) },
            cancellationToken: Ct)).Contract;
        Assert.Equal(ArrChange.Flat, flat.RenewalOutcome.ArrChange);

        var churned = (await Client.RecordRenewalOutcomeAsync(
            new() { ContractId = "renew-c", Kind = RenewalOutcomeKind.Churned }, cancellationToken: Ct)).Contract;
        Assert.Equal(ArrChange.Churn, churned.RenewalOutcome.ArrChange);
        Assert.Equal(0m, Build.Amount(churned.RenewalOutcome.NewArr));
    }

    [Fact]
    public async Task BadRenewalOutcomesAreRejectedAndChangeNothing()
    {
        await GivenAccount("outcome");
        await GivenAccount("outcome-other");
        await GivenContract(Build.Contract("outcome-c", "outcome", currency: "USD"));
        await GivenContract(Build.Contract("outcome-other-c", "outcome-other"));

        await Rejects("kind", new() { ContractId = "outcome-c" });
        await Rejects("kind", new() { ContractId = "outcome-c", Kind = (RenewalOutcomeKind)7 });
        await Rejects("new_arr", new() { ContractId = "outcome-c", Kind = RenewalOutcomeKind.Renewed });
        await Rejects(
            "new_arr", new() { ContractId = "outcome-c", Kind = RenewalOutcomeKind.Churned, NewArr = Build.Money(5m) });
        await Rejects(
            "new_arr.currency_code",
            new() { ContractId = "outcome-c", Kind = RenewalOutcomeKind.Renewed, NewArr = Build.Money(5m, "EUR") });
        await Rejects("decision_date", new()
        {
            ContractId = "outcome-c", Kind = RenewalOutcomeKind.Churned,
            DecisionDate = new Google.Type.Date { Year = 2026, Month = 13, Day = 1 },
        });
        await Rejects(
            "renewal_contract_id",
            new() { ContractId = "outcome-c", Kind = RenewalOutcomeKind.Churned, RenewalContractId = "outcome-c" });
        await Rejects("renewal_contract_id", new()
        {
            ContractId = "outcome-c", Kind = RenewalOutcomeKind.Renewed, NewArr = Build.Money(1m),
            RenewalContractId = "outcome-other-c",
        });
        await Rejects(
            "note",
            new() { ContractId = "outcome-c", Kind = RenewalOutcomeKind.Churned, Note = new string('n', 2001) });
        await FailsWith(
            StatusCode.NotFound,
            () => Client.RecordRenewalOutcomeAsync(
                new() { ContractId = "no-such-contract", Kind = RenewalOutcomeKind.Churned }, cancellationToken: Ct)
                .ResponseAsync);

        Assert.Null(
            (await Client.GetContractAsync(new() { ContractId = "outcome-c" }, cancellationToken: Ct))
            .Contract.RenewalOutcome);
    }

    private Task<BadRequest> Rejects(string field, RecordRenewalOutcomeRequest request) =>
        RejectsField(field, () => Client.RecordRenewalOutcomeAsync(request, cancellationToken: Ct).ResponseAsync);
}
