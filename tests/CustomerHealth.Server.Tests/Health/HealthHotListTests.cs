using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Server.Health;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using HealthScoreOrder = CustomerHealth.V1.HealthScoreOrder;

namespace CustomerHealth.Server.Tests.Health;

public sealed class HealthHotListOnSqlite(SqliteTestDatabase database)
    : HealthHotListTests<SqliteTestDatabase>(database);

public sealed class HealthHotListOnPostgreSql(PostgreSqlTestDatabase database)
    : HealthHotListTests<PostgreSqlTestDatabase>(database);

public sealed class HealthHotListOnSqlServer(SqlServerTestDatabase database)
    : HealthHotListTests<SqlServerTestDatabase>(database);

/// <summary>
/// <c>BatchGetHealthScores</c> and <c>ListHealthScores</c> as served by the hot read (ADR 0077: one statement on a kept
/// connection, no DbContext) against the DbContext path's answer (<see cref="HealthStore"/>) for the same request,
/// whole messages compared; and the tree filter of <c>ListHealthScores</c>.
/// </summary>
public abstract class HealthHotListTests<TDatabase>(TDatabase database) : HealthScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private async Task GivenPortfolio()
    {
        await GivenCustomer("hl-a", CsTier.HighTouch, start: "2025-06-01", arr: 250_000m, owner: "hl-owner");
        await GivenCustomer("hl-b", CsTier.LowTouch, start: "2025-04-10", arr: 40_000m, owner: "hl-owner");
        await GivenCustomer("hl-c", CsTier.TechTouch, start: "2025-12-01", arr: 5_000m, owner: "hl-owner");
        await GivenCustomer("hl-d", CsTier.LowTouch, start: "2026-02-01", arr: 60_000m, owner: "hl-other");
        // Equal to hl-b in ARR and renewal date: pages in those orders break the tie by account id.
        await GivenCustomer("hl-f", CsTier.LowTouch, start: "2025-04-10", arr: 40_000m, owner: "hl-owner");
        await Accounts.UpsertAccountAsync(
            new() { Account = Build.Account("hl-e", owner: "hl-owner") }, cancellationToken: Ct);
        await GivenDailyLogins("hl-b", 20, "ann");
        await AllStored("hl-a", "hl-b", "hl-c", "hl-d", "hl-f");
        await Health.SetHealthOverrideAsync(new()
        {
            AccountId = "hl-c", Band = HealthBand.Healthy, Reason = "Signed early", SetBy = "csm.alice@example.com",
            ExpireTime = Timestamp.FromDateTimeOffset(Clock.GetUtcNow().AddDays(7)),
        }, cancellationToken: Ct);
        // A first stored score may predate a later write's recompute: compare only once the worker has caught up, so
        // the hot read and the store's read cannot straddle a recompute.
        for (var i = 0; i < 300; i++)
        {
            if (await Service.InDatabaseAsync(db => db.HealthRecomputeQueue.CountAsync(Ct)) == 0) return;
            await Task.Delay(100, Ct);
        }
        Assert.Fail("The recompute queue never drained.");
    }

    private async Task<T> WithStore<T>(Func<HealthStore, Task<T>> read)
    {
        using var scope = Service.Services.CreateScope();
        return await read(scope.ServiceProvider.GetRequiredService<HealthStore>());
    }

    [Fact]
    public async Task ABatchAnswersAsTheStoreDoesWithNewAndUnknownAccountsAndRepeats()
    {
        await GivenPortfolio();
        string[] ids = ["hl-d", "ghost", "hl-c", "hl-e", "hl-a", "hl-c", "phantom", "hl-b"];

        var batch = await Health.BatchGetHealthScoresAsync(new() { AccountIds = { ids } }, cancellationToken: Ct);
        var (scores, missing) = await WithStore(s => s.BatchGetAsync(ids, Ct));

        Assert.Equal(["hl-d", "hl-c", "hl-e", "hl-a", "hl-b"], batch.Scores.Select(s => s.AccountId));
        Assert.Equal(scores.Select(s => s.ToProto()), batch.Scores);
        Assert.Equal(["ghost", "phantom"], batch.MissingAccountIds);
        Assert.Equal(missing, batch.MissingAccountIds);
        Assert.Equal(HealthBand.Healthy, batch.Scores.Single(s => s.AccountId == "hl-c").Override.Band);
    }

    [Fact]
    public async Task SingleReadsMadeAllAtOnceAnswerAsTheyDoOneAtATime()
    {
        await GivenPortfolio();
        var reader = Service.Services.GetRequiredService<HealthScoreReader>();
        if (!reader.Enabled) return; // SQL Server: no hot read
        string[] ids = ["hl-a", "hl-b", "hl-c", "hl-d", "hl-e", "ghost"];
        var alone = new Dictionary<string, HealthScore?>();
        foreach (var id in ids) alone[id] = (await reader.TryGetAsync(id, Clock.GetUtcNow(), Ct))?.ToProto();

        // Far more callers than kept connections: reads queue, and queued ones are served together (one statement).
        var reads = await Task.WhenAll(Enumerable.Range(0, 8 * HealthScoreReader.MaxConnections * ids.Length)
            .Select(i => Task.Run(async () =>
            {
                var id = ids[i % ids.Length];
                return (id, (await reader.TryGetAsync(id, Clock.GetUtcNow(), Ct))?.ToProto());
            }, Ct)));
        var calls = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Health.GetHealthScoreAsync(
            new() { AccountId = ids[i % 4] }, cancellationToken: Ct).ResponseAsync));

        Assert.All(reads, read => Assert.Equal(alone[read.Item1], read.Item2));
        Assert.All(calls.Select((c, i) => (c.Score, Id: ids[i % 4])), c => Assert.Equal(alone[c.Id], c.Score));
        Assert.Equal(HealthBand.Healthy, alone["hl-c"]!.Override.Band);
        Assert.Null(alone["ghost"]);
    }

    [Theory]
    [InlineData(HealthScoreOrder.Unspecified)]
    [InlineData(HealthScoreOrder.Score)]
    [InlineData(HealthScoreOrder.Arr)]
    [InlineData(HealthScoreOrder.RenewalDate)]
    [InlineData(HealthScoreOrder.Change7D)]
    public async Task EveryPageOfEveryOrderIsTheStoresPage(HealthScoreOrder order)
    {
        await GivenPortfolio();
        ListHealthScoresRequest[] requests =
        [
            new() { OrderBy = order, PageSize = 2 },
            new() { OrderBy = order, PageSize = 1, Owner = "hl-owner" },
            new() { OrderBy = order, PageSize = 2, CsTier = CsTier.LowTouch, RenewalWithinDays = 365 },
            new() { OrderBy = order, PageSize = 3, Segment = "Mid-market", IncludeChurned = true },
        ];
        foreach (var request in requests)
        {
            do
            {
                var page = await Health.ListHealthScoresAsync(request, cancellationToken: Ct);
                var (filter, _, o, size, after, _) = HealthRequests.Read(request, new DateOnly(2026, 3, 15));
                var stored = await WithStore(s => s.ListAsync(new HealthListQuery(filter, o, size, after, null), Ct));
                Assert.Equal(stored.Items.Select(s => s.ToProto()), page.Scores.Select(WithoutAccount));
                Assert.Equal(stored.HasMore, page.NextPageToken != "");
                Assert.All(page.Scores, s => Assert.Equal(s.AccountId, s.Account.AccountId));
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken != "");
        }
    }

    private static HealthScore WithoutAccount(HealthScore score)
    {
        var copy = score.Clone();
        copy.Account = null;
        return copy;
    }

    [Fact]
    public async Task AListRowCarriesItsAccountsNameOwnerTierAndArr()
    {
        await GivenPortfolio();

        var row = (await Health.ListHealthScoresAsync(new() { Owner = "hl-owner" }, cancellationToken: Ct))
            .Scores.Single(s => s.AccountId == "hl-a");

        Assert.Equal("Acme Corp", row.Account.DisplayName);
        Assert.Equal("hl-owner", row.Account.Owner);
        Assert.Equal("Mid-market", row.Account.Segment);
        Assert.Equal(CsTier.HighTouch, row.Account.EffectiveCsTier);
        Assert.Equal(250_000m, Build.Amount(row.Account.Arr));
        Assert.Equal(250_000m, Build.Amount(row.Account.ReportingArr));
    }

    private async Task Upsert(string id, string parent = "")
    {
        var account = Build.Account(id, owner: id == "tr-de" ? "tr-other" : "tr-owner");
        account.ParentAccountId = parent;
        await Accounts.UpsertAccountAsync(new() { Account = account }, cancellationToken: Ct);
        await Accounts.UpsertContractAsync(new() { Contract = Build.Contract($"{id}-c1", id) }, cancellationToken: Ct);
    }

    [Fact]
    public async Task AListFiltersByATreeAndPagesWithinIt()
    {
        await Upsert("tr-group");
        await Upsert("tr-emea", "tr-group");
        await Upsert("tr-de", "tr-emea");
        await Upsert("tr-apac", "tr-group");
        await Upsert("tr-alone");
        await AllStored("tr-group", "tr-emea", "tr-de", "tr-apac", "tr-alone");

        Assert.Equal(["tr-de", "tr-emea"], await Listed(new() { ParentAccountId = "tr-emea" }));
        Assert.Equal(["tr-apac", "tr-de", "tr-emea", "tr-group"], await Listed(new() { ParentAccountId = "tr-group" }));
        Assert.Equal(["tr-apac", "tr-emea", "tr-group"],
            await Listed(new() { ParentAccountId = "tr-group", Owner = "tr-owner" }));
        Assert.Equal(["tr-alone"], await Listed(new() { ParentAccountId = "tr-alone" }));

        var first = await Health.ListHealthScoresAsync(
            new() { ParentAccountId = "tr-group", PageSize = 3 }, cancellationToken: Ct);
        Assert.Equal(["tr-apac", "tr-de", "tr-emea"], first.Scores.Select(s => s.AccountId));
        var next = await Health.ListHealthScoresAsync(
            new() { ParentAccountId = "tr-group", PageSize = 3, PageToken = first.NextPageToken },
            cancellationToken: Ct);
        Assert.Equal(["tr-group"], next.Scores.Select(s => s.AccountId));
        Assert.Equal("", next.NextPageToken);

        // A tree's token pages that tree only.
        await RejectsField("page_token", () => Health.ListHealthScoresAsync(
            new() { ParentAccountId = "tr-emea", PageSize = 3, PageToken = first.NextPageToken },
            cancellationToken: Ct).ResponseAsync);
        await RejectsField("page_token", () => Health.ListHealthScoresAsync(
            new() { PageSize = 3, PageToken = first.NextPageToken }, cancellationToken: Ct).ResponseAsync);
        await FailsWith(StatusCode.NotFound, () => Health.ListHealthScoresAsync(
            new() { ParentAccountId = "tr-nobody" }, cancellationToken: Ct).ResponseAsync);
        await RejectsField("parent_account_id", () => Health.ListHealthScoresAsync(
            new() { ParentAccountId = new string('x', HealthRequests.Limits.Id + 1) },
            cancellationToken: Ct).ResponseAsync);
    }

    private async Task<string[]> Listed(ListHealthScoresRequest request) =>
        (await Health.ListHealthScoresAsync(request, cancellationToken: Ct)).Scores.Select(s => s.AccountId).ToArray();
}
