using CustomerHealth.Server.Tests.Health;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Rpc;
using Grpc.Core;

namespace CustomerHealth.Server.Tests.Accounts;

public sealed class HierarchyOnSqlite(SqliteTestDatabase database) : HierarchyTests<SqliteTestDatabase>(database);

public sealed class HierarchyOnPostgreSql(PostgreSqlTestDatabase database)
    : HierarchyTests<PostgreSqlTestDatabase>(database);

public sealed class HierarchyOnSqlServer(SqlServerTestDatabase database)
    : HierarchyTests<SqlServerTestDatabase>(database);

/// <summary>Parent accounts, their checks and the roll-ups of a tree, through real gRPC calls.</summary>
public abstract class HierarchyTests<TDatabase>(TDatabase database) : HealthScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private async Task<Account> Upsert(string id, string parent = "")
    {
        var account = Build.Account(id);
        account.ParentAccountId = parent;
        return (await Accounts.UpsertAccountAsync(new() { Account = account }, cancellationToken: Ct)).Account;
    }

    private async Task<Account> Get(string id) =>
        (await Accounts.GetAccountAsync(new() { AccountId = id }, cancellationToken: Ct)).Account;

    private Func<Task> Upserting(string id, string parent) => () => Upsert(id, parent);

    [Fact]
    public async Task AParentIsSetAndClearedThroughUpsertAccount()
    {
        await Upsert("set-group");
        var child = await Upsert("set-child", "set-group");

        Assert.Equal("set-group", child.ParentAccountId);
        Assert.Equal("set-group", (await Get("set-child")).ParentAccountId);
        // An upsert replaces every field: without a parent, the account is a root again.
        Assert.Equal("", (await Upsert("set-child")).ParentAccountId);
        Assert.Equal("", (await Get("set-child")).ParentAccountId);
    }

    [Fact]
    public async Task AnUnknownParentIsNotFoundAndTheAccountItselfIsInvalid()
    {
        var status = await FailsWith(StatusCode.NotFound, Upserting("unknown-child", "unknown-parent"));
        Assert.Contains("unknown-parent", status.Message, StringComparison.Ordinal);
        await RejectsField("account.parent_account_id", Upserting("self", "self"));
        await RejectsField("account.parent_account_id", Upserting("bad-parent", "not an id"));

        await FailsWith(StatusCode.NotFound, () => Get("unknown-child"));
    }

    [Fact]
    public async Task AParentBelowTheAccountIsACycle()
    {
        await Upsert("cy-a");
        await Upsert("cy-b", "cy-a");
        await Upsert("cy-c", "cy-b");

        var status = await FailsWith(StatusCode.FailedPrecondition, Upserting("cy-a", "cy-c"));

        Assert.Equal("ACCOUNT_HIERARCHY_CYCLE", status.GetDetail<ErrorInfo>()?.Reason);
        Assert.Equal("", (await Get("cy-a")).ParentAccountId);
    }

    [Fact]
    public async Task ATreeHasAtMostFiveLevels()
    {
        await Upsert("deep-1");
        for (var level = 2; level <= 5; level++) await Upsert($"deep-{level}", $"deep-{level - 1}");

        var status = await FailsWith(StatusCode.FailedPrecondition, Upserting("deep-6", "deep-5"));
        Assert.Equal("ACCOUNT_HIERARCHY_TOO_DEEP", status.GetDetail<ErrorInfo>()?.Reason);
        // Moving a subtree deepens it as a whole: a two-level tree fits under level 3, not under level 4.
        await Upsert("move-top");
        await Upsert("move-leaf", "move-top");
        await Upsert("move-top", "deep-3");
        await FailsWith(StatusCode.FailedPrecondition, Upserting("move-top", "deep-4"));
        Assert.Equal("deep-3", (await Get("move-top")).ParentAccountId);
    }

    [Fact]
    public async Task ABatchChecksEachParentAgainstTheEarlierItems()
    {
        var request = new BatchUpsertAccountsRequest();
        foreach (var (id, parent) in new[]
            { ("bt-p", ""), ("bt-c", "bt-p"), ("bt-p", "bt-c"), ("bt-x", "bt-missing"), ("bt-p", "bt-p") })
        {
            var account = Build.Account(id);
            account.ParentAccountId = parent;
            request.Requests.Add(new UpsertAccountRequest { Account = account });
        }

        var results = (await Accounts.BatchUpsertAccountsAsync(request, cancellationToken: Ct)).Results;

        Assert.Equal(
            [BatchWriteOutcome.Created, BatchWriteOutcome.Created, BatchWriteOutcome.Rejected,
                BatchWriteOutcome.Rejected, BatchWriteOutcome.Rejected],
            results.Select(r => r.Outcome));
        Assert.Equal(
            [(int)StatusCode.FailedPrecondition, (int)StatusCode.NotFound, (int)StatusCode.InvalidArgument],
            results.Skip(2).Select(r => r.Error.Code));
        Assert.Equal("bt-p", (await Get("bt-c")).ParentAccountId);
    }

    [Fact]
    public async Task DeletingAParentDetachesItsChildren()
    {
        await Upsert("del-parent");
        await Upsert("del-child", "del-parent");
        await Upsert("del-grandchild", "del-child");

        await Accounts.DeleteAccountAsync(new() { AccountId = "del-parent" }, cancellationToken: Ct);

        Assert.Equal("", (await Get("del-child")).ParentAccountId);
        Assert.Equal("del-child", (await Get("del-grandchild")).ParentAccountId);
        var tree = await Accounts.GetAccountHierarchyAsync(new() { AccountId = "del-child" }, cancellationToken: Ct);
        Assert.Empty(tree.AncestorAccountIds);
    }

    /// <summary>
    /// group (100,000 USD) with emea (50,000 EUR at 1.10) and apac (¥1,000,000, no rate); emea with de (20,000 USD);
    /// solo (30,000 USD) apart.
    /// </summary>
    private async Task GivenAGroup()
    {
        await new CurrencyService.CurrencyServiceClient(Service.Channel).SetExchangeRatesAsync(
            new() { AsOfDate = Build.Date("2026-03-14"), Rates = { ["EUR"] = 1.10 } }, cancellationToken: Ct);
        foreach (var (id, parent, arr, currency) in new[]
        {
            ("ru-group", "", 100_000m, "USD"), ("ru-emea", "ru-group", 50_000m, "EUR"),
            ("ru-apac", "ru-group", 1_000_000m, "JPY"), ("ru-de", "ru-emea", 20_000m, "USD"),
            ("ru-solo", "", 30_000m, "USD"),
        })
        {
            await Upsert(id, parent);
            var contract = Build.Contract($"{id}-c1", id, arr: arr, currency: currency);
            await Accounts.UpsertContractAsync(new() { Contract = contract }, cancellationToken: Ct);
        }
        await GivenDailyLogins("ru-group", 30, "ann", "bob", "cy");
        await GivenDailyLogins("ru-emea", 3, "dan");
        await Health.RecomputeHealthScoresAsync(new() { AsOfDate = Build.Date("2026-03-15") }, cancellationToken: Ct);
    }

    [Fact]
    public async Task TheHierarchyRollsUpArrAndAnArrWeightedScore()
    {
        await GivenAGroup();
        var scores = new Dictionary<string, double>();
        foreach (var id in new[] { "ru-group", "ru-emea", "ru-de" })
            scores[id] = (await Eventually(id, _ => true)).Score;

        var tree = await Accounts.GetAccountHierarchyAsync(new() { AccountId = "ru-group" }, cancellationToken: Ct);

        Assert.Equal(["ru-group", "ru-apac", "ru-emea", "ru-de"], tree.Nodes.Select(n => n.AccountId));
        Assert.Equal([0, 1, 1, 2], tree.Nodes.Select(n => n.Depth));
        Assert.Equal(55_000m, Build.Amount(tree.Nodes[2].ReportingArr));
        Assert.Null(tree.Nodes[1].ReportingArr); // no yen rate
        // 100,000 + 55,000 + 20,000 USD; apac is left out for want of a rate.
        Assert.Equal(175_000m, Build.Amount(tree.Rollup.TotalReportingArr));
        Assert.Equal("USD", tree.Rollup.TotalReportingArr.CurrencyCode);
        Assert.Equal((4, 1, 0), (tree.Rollup.Accounts, tree.Rollup.AccountsWithoutRate, tree.Rollup.UnscoredAccounts));
        var weighted = (scores["ru-group"] * 100_000 + scores["ru-emea"] * 55_000 + scores["ru-de"] * 20_000) / 175_000;
        Assert.Equal(Math.Round(weighted, 2, MidpointRounding.AwayFromZero), tree.Rollup.ArrWeightedScore, 2);
        Assert.Equal(scores["ru-emea"], tree.Nodes[2].Score);

        var emea = await Accounts.GetAccountHierarchyAsync(new() { AccountId = "ru-emea" }, cancellationToken: Ct);
        Assert.Equal(["ru-group"], emea.AncestorAccountIds);
        Assert.Equal(75_000m, Build.Amount(emea.Rollup.TotalReportingArr));
    }

    [Fact]
    public async Task ListsAndPortfolioMetricsFilterByATree()
    {
        await GivenAGroup();

        var listed = await Accounts.ListAccountsAsync(
            new() { ParentAccountId = "ru-group", PageSize = 2 }, cancellationToken: Ct);
        Assert.Equal(["ru-apac", "ru-de"], listed.Accounts.Select(a => a.AccountId));
        Assert.Equal(4, listed.TotalSize);
        var next = await Accounts.ListAccountsAsync(
            new() { ParentAccountId = "ru-group", PageSize = 2, PageToken = listed.NextPageToken },
            cancellationToken: Ct);
        Assert.Equal(["ru-emea", "ru-group"], next.Accounts.Select(a => a.AccountId));

        var metrics = new MetricsService.MetricsServiceClient(Service.Channel);
        var report = (await metrics.GetPortfolioMetricsAsync(
            new() { Period = new() { Kind = PeriodKind.Month }, ParentAccountId = "ru-emea" },
            cancellationToken: Ct)).Report;
        // emea (55,000 USD) and de (20,000 USD).
        Assert.Equal((2, 2), (report.Accounts, report.ActiveAccounts));
        Assert.Equal(75_000m, Build.Amount(report.Arr));

        await FailsWith(StatusCode.NotFound, () => metrics.GetPortfolioMetricsAsync(
            new() { Period = new() { Kind = PeriodKind.Month }, ParentAccountId = "ru-nobody" },
            cancellationToken: Ct).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Accounts.ListAccountsAsync(
            new() { ParentAccountId = "ru-nobody" }, cancellationToken: Ct).ResponseAsync);
    }
}
