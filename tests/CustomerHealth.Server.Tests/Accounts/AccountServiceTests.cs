using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Rpc;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Server.Tests.Accounts;

public sealed class AccountServiceOnSqlite(SqliteTestDatabase database)
    : AccountServiceTests<SqliteTestDatabase>(database);

public sealed class AccountServiceOnPostgreSql(PostgreSqlTestDatabase database)
    : AccountServiceTests<PostgreSqlTestDatabase>(database);

public sealed class AccountServiceOnSqlServer(SqlServerTestDatabase database)
    : AccountServiceTests<SqlServerTestDatabase>(database);

/// <summary>customerhealth.v1.AccountService through real gRPC calls, on each database engine.</summary>
public abstract class AccountServiceTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private AccountService.AccountServiceClient Client => new(Service.Channel);

    [Fact]
    public async Task UpsertCreatesAnAccountAndReturnsItAsStored()
    {
        var response = await Client.UpsertAccountAsync(
            new() { Account = Build.Account("create-1", tier: CsTier.HighTouch) }, cancellationToken: Ct);

        Assert.True(response.Created);
        Assert.Equal("create-1", response.Account.AccountId);
        Assert.Equal("Acme Corp", response.Account.DisplayName);
        Assert.Equal("Mid-market", response.Account.Segment);
        Assert.Equal(CsTier.HighTouch, response.Account.CsTier);
        Assert.Equal(CsTier.HighTouch, response.Account.EffectiveCsTier);
        Assert.False(response.Account.CsTierDerived);
        Assert.Equal("csm.alice@example.com", response.Account.Owner);
        Assert.Equal(IntegrationTest<TDatabase>.DefaultNow, response.Account.CreateTime.ToDateTimeOffset());

        var read = await Client.GetAccountAsync(new() { AccountId = "create-1" }, cancellationToken: Ct);
        Assert.Equal(response.Account, read.Account);
    }

    [Fact]
    public async Task RepeatingAnUpsertIsIdempotentAndKeepsTheUpdateTime()
    {
        var first = await Client.UpsertAccountAsync(
            new() { Account = Build.Account("retry-1") }, cancellationToken: Ct);
        Clock.Advance(TimeSpan.FromHours(1));

        var retry = await Client.UpsertAccountAsync(
            new() { Account = Build.Account("retry-1") }, cancellationToken: Ct);

        Assert.False(retry.Created);
        Assert.Equal(first.Account, retry.Account);
        Assert.Equal(1, await Service.InDatabaseAsync(db => db.Accounts.CountAsync(a => a.Id == "retry-1", Ct)));
    }

    [Fact]
    public async Task UpsertReplacesTheFieldsOfAnExistingAccount()
    {
        await Client.UpsertAccountAsync(new() { Account = Build.Account("replace-1") }, cancellationToken: Ct);
        Clock.Advance(TimeSpan.FromMinutes(5));

        var updated = await Client.UpsertAccountAsync(
            new()
            {
                Account = Build.Account(
                "replace-1", name: "Acme Holdings", segment: "", owner: "csm.bob@example.com")
            },
                cancellationToken: Ct);

        Assert.False(updated.Created);
        Assert.Equal("Acme Holdings", updated.Account.DisplayName);
        Assert.Equal("", updated.Account.Segment);
        Assert.Equal("csm.bob@example.com", updated.Account.Owner);
        Assert.Equal(
            IntegrationTest<TDatabase>.DefaultNow.AddMinutes(5), updated.Account.UpdateTime.ToDateTimeOffset());
        Assert.Equal(IntegrationTest<TDatabase>.DefaultNow, updated.Account.CreateTime.ToDateTimeOffset());
    }

    [Fact]
    public async Task IdsAreCaseSensitive()
    {
        await Client.UpsertAccountAsync(
            new() { Account = Build.Account("CaseId", name: "Upper") }, cancellationToken: Ct);
        var lower = await Client.UpsertAccountAsync(
            new() { Account = Build.Account("caseid", name: "Lower") }, cancellationToken: Ct);

        Assert.True(lower.Created);
        Assert.Equal(
            "Upper", (await Client.GetAccountAsync(new() { AccountId = "CaseId" }, cancellationToken: Ct))
            .Account.DisplayName);
    }

    [Fact]
    public async Task GettingAnUnknownAccountIsNotFoundWithTheResourceNamed()
    {
        var status = await FailsWith(
            StatusCode.NotFound, () => Client.GetAccountAsync(new() { AccountId = "nobody" }, cancellationToken: Ct)
            .ResponseAsync);

        var resource = status.GetDetail<ResourceInfo>();
        Assert.NotNull(resource);
        Assert.Equal("nobody", resource.ResourceName);
        Assert.Equal("RESOURCE_NOT_FOUND", status.GetDetail<ErrorInfo>()?.Reason);
    }

    public static TheoryData<string, Account> InvalidAccounts => new()
    {
        { "account.account_id", Build.Account(id: "") },
        { "account.account_id", Build.Account(id: "has space") },
        { "account.account_id", Build.Account(id: new string('a', 129)) },
        { "account.display_name", Build.Account(name: "") },
        { "account.display_name", Build.Account(name: "   ") },
        { "account.display_name", Build.Account(name: new string('n', 201)) },
        { "account.segment", Build.Account(segment: new string('s', 65)) },
        { "account.owner", Build.Account(owner: new string('o', 255)) },
        { "account.owner", Build.Account(owner: "bad\u0001owner") },
        { "account.cs_tier", Build.Account(tier: (CsTier)42) },
    };

    [Theory]
    [MemberData(nameof(InvalidAccounts))]
    public async Task EachAccountRuleIsInvalidArgumentNamingTheFieldAndWritesNothing(string field, Account account)
    {
        await RejectsField(
            field, () => Client.UpsertAccountAsync(new() { Account = account }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(
            0, await Service.InDatabaseAsync(db => db.Accounts.CountAsync(a => a.Id == account.AccountId, Ct)));
    }

    [Fact]
    public async Task AnInvalidUpdateLeavesTheStoredAccountUntouched()
    {
        var stored = await Client.UpsertAccountAsync(
            new() { Account = Build.Account("keep-1") }, cancellationToken: Ct);

        await RejectsField(
            "account.display_name",
            () => Client.UpsertAccountAsync(
                new() { Account = Build.Account("keep-1", name: "") }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(
            stored.Account, (await Client.GetAccountAsync(new() { AccountId = "keep-1" }, cancellationToken: Ct))
            .Account);
    }

    [Fact]
    public async Task AMissingAccountMessageIsInvalidArgument()
    {
        await RejectsField(
            "account", () => Client.UpsertAccountAsync(new UpsertAccountRequest(), cancellationToken: Ct)
            .ResponseAsync);
    }

    [Fact]
    public async Task AllViolationsOfARequestAreReportedTogether()
    {
        var badRequest = await RejectsField(
            "account.account_id",
            () => Client.UpsertAccountAsync(new() { Account = Build.Account(id: "", name: "") }, cancellationToken: Ct)
            .ResponseAsync);

        Assert.Contains(badRequest.FieldViolations, v => v.Field == "account.display_name");
    }

    [Fact]
    public async Task ListingPagesThroughEveryMatchingAccountInIdOrder()
    {
        for (var i = 0; i < 7; i++)
            await Client.UpsertAccountAsync(
                new() { Account = Build.Account($"page-{i}", segment: "Paging") }, cancellationToken: Ct);

        var seen = new List<string>();
        string token = "";
        var pages = 0;
        do
        {
            var page = await Client.ListAccountsAsync(
                new() { Segment = "Paging", PageSize = 3, PageToken = token }, cancellationToken: Ct);
            Assert.Equal(7, page.TotalSize);
            Assert.True(page.Accounts.Count <= 3);
            seen.AddRange(page.Accounts.Select(a => a.AccountId));
            token = page.NextPageToken;
            pages++;
        }
        while (token != "");

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"page-{i}"), seen);
    }

    [Fact]
    public async Task ListingFiltersByTierOwnerAndSegment()
    {
        await Client.UpsertAccountAsync(
            new() { Account = Build.Account("filter-a", segment: "Filters", tier: CsTier.HighTouch, owner: "ann") },
            cancellationToken: Ct);
        await Client.UpsertAccountAsync(
            new() { Account = Build.Account("filter-b", segment: "Filters", tier: CsTier.LowTouch, owner: "ann") },
            cancellationToken: Ct);
        await Client.UpsertAccountAsync(
            new() { Account = Build.Account("filter-c", segment: "Filters", tier: CsTier.HighTouch, owner: "ben") },
            cancellationToken: Ct);

        var highTouch = await Client.ListAccountsAsync(
            new() { Segment = "Filters", CsTier = CsTier.HighTouch }, cancellationToken: Ct);
        var ann = await Client.ListAccountsAsync(new() { Segment = "Filters", Owner = "ann" }, cancellationToken: Ct);
        var annHigh = await Client.ListAccountsAsync(
            new() { Segment = "Filters", Owner = "ann", CsTier = CsTier.HighTouch }, cancellationToken: Ct);

        Assert.Equal(["filter-a", "filter-c"], highTouch.Accounts.Select(a => a.AccountId));
        Assert.Equal(["filter-a", "filter-b"], ann.Accounts.Select(a => a.AccountId));
        Assert.Equal(["filter-a"], annHigh.Accounts.Select(a => a.AccountId));
        Assert.Equal("", annHigh.NextPageToken);
    }

    [Fact]
    public async Task APageTokenIsRejectedWithOtherFiltersOrWhenForged()
    {
        await Client.UpsertAccountAsync(
            new() { Account = Build.Account("token-1", segment: "Tokens") }, cancellationToken: Ct);
        await Client.UpsertAccountAsync(
            new() { Account = Build.Account("token-2", segment: "Tokens") }, cancellationToken: Ct);
        var first = await Client.ListAccountsAsync(new() { Segment = "Tokens", PageSize = 1 }, cancellationToken: Ct);
        Assert.NotEqual("", first.NextPageToken);

        await RejectsField(
            "page_token",
            () => Client.ListAccountsAsync(
                new() { Segment = "Other", PageSize = 1, PageToken = first.NextPageToken }, cancellationToken: Ct)
                .ResponseAsync);
        await RejectsField(
            "page_token", () => Client.ListAccountsAsync(new() { PageToken = "not-a-token!" }, cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "page_size", () => Client.ListAccountsAsync(new() { PageSize = -1 }, cancellationToken: Ct).ResponseAsync);
        await RejectsField(
            "page_size", () => Client.ListAccountsAsync(new() { PageSize = 1001 }, cancellationToken: Ct)
            .ResponseAsync);
    }

    [Fact]
    public async Task DeletingAnAccountDeletesItsContracts()
    {
        await Client.UpsertAccountAsync(new() { Account = Build.Account("gone-1") }, cancellationToken: Ct);
        await Client.UpsertContractAsync(
            new() { Contract = Build.Contract("gone-1-c1", "gone-1") }, cancellationToken: Ct);
        await Client.UpsertContractAsync(
            new() { Contract = Build.Contract("gone-1-c2", "gone-1", start: "2027-01-01", end: "2028-01-01") },
            cancellationToken: Ct);
        await Client.RecordRenewalOutcomeAsync(
            new() { ContractId = "gone-1-c1", Kind = RenewalOutcomeKind.Renewed, NewArr = Build.Money(30_000m) },
            cancellationToken: Ct);

        var deleted = await Client.DeleteAccountAsync(new() { AccountId = "gone-1" }, cancellationToken: Ct);

        Assert.True(deleted.Deleted);
        Assert.Equal(2, deleted.DeletedContracts);
        await FailsWith(
            StatusCode.NotFound, () => Client.GetAccountAsync(new() { AccountId = "gone-1" }, cancellationToken: Ct)
            .ResponseAsync);
        await FailsWith(
            StatusCode.NotFound,
            () => Client.GetContractAsync(new() { ContractId = "gone-1-c1" }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(0, await Service.InDatabaseAsync(db => db.Contracts.CountAsync(c => c.AccountId == "gone-1", Ct)));
    }

    [Fact]
    public async Task DeletingAMissingAccountIsNotFoundUnlessAllowed()
    {
        await FailsWith(
            StatusCode.NotFound,
            () => Client.DeleteAccountAsync(new() { AccountId = "never-was" }, cancellationToken: Ct).ResponseAsync);

        var allowed = await Client.DeleteAccountAsync(
            new() { AccountId = "never-was", AllowMissing = true }, cancellationToken: Ct);

        Assert.False(allowed.Deleted);
    }

    [Fact]
    public async Task DeletingOneAccountLeavesTheOthersAlone()
    {
        await Client.UpsertAccountAsync(new() { Account = Build.Account("stay-1") }, cancellationToken: Ct);
        await Client.UpsertContractAsync(
            new() { Contract = Build.Contract("stay-1-c", "stay-1") }, cancellationToken: Ct);
        await Client.UpsertAccountAsync(new() { Account = Build.Account("leave-1") }, cancellationToken: Ct);

        await Client.DeleteAccountAsync(new() { AccountId = "leave-1" }, cancellationToken: Ct);

        Assert.Equal(
            "stay-1-c", (await Client.GetContractAsync(new() { ContractId = "stay-1-c" }, cancellationToken: Ct))
            .Contract.ContractId);
    }

    [Fact]
    public async Task ConcurrentFirstUpsertsOfOneAccountStoreItOnce()
    {
        var calls = Enumerable.Range(0, 8)
            .Select(
                _ => Client.UpsertAccountAsync(new() { Account = Build.Account("race-1") }, cancellationToken: Ct)
                .ResponseAsync);

        var responses = await Task.WhenAll(calls);

        Assert.Contains(responses, r => r.Created);
        Assert.All(responses, r => Assert.Equal("race-1", r.Account.AccountId));
        Assert.Equal(1, await Service.InDatabaseAsync(db => db.Accounts.CountAsync(a => a.Id == "race-1", Ct)));
    }

    [Fact]
    public async Task ConcurrentUpsertsAndADeleteOfOneAccountAllAnswerAsIfOneCameAfterTheOther()
    {
        // A client racing its own retries while another deletes the account: each upsert either updates the account or
        // creates it again after the delete, and the delete finds it or not, as in some order of the calls.
        for (var round = 0; round < 6; round++)
        {
            var account = Build.Account("race-2", owner: $"csm.{round % 2}@example.com", tier: (CsTier)(1 + round % 3));
            var upserts = Enumerable.Range(0, 8).Select(_ =>
                Client.UpsertAccountAsync(new() { Account = account }, cancellationToken: Ct).ResponseAsync).ToArray();
            var delete = Record.ExceptionAsync(async () =>
                await Client.DeleteAccountAsync(new() { AccountId = "race-2" }, cancellationToken: Ct));

            var responses = await Task.WhenAll(upserts);
            var deleted = await delete;

            Assert.True(deleted is null or RpcException { StatusCode: StatusCode.NotFound }, $"{deleted}");
            Assert.All(responses, r => Assert.Equal(account.Owner, r.Account.Owner));
        }
        await Client.UpsertAccountAsync(new() { Account = Build.Account("race-2") }, cancellationToken: Ct);
        Assert.Equal(1, await Service.InDatabaseAsync(db => db.Accounts.CountAsync(a => a.Id == "race-2", Ct)));
    }
}
