using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CustomerHealth.Server.Tests.Health;

public sealed class HealthReadFreshnessOnSqlite(SqliteTestDatabase database)
    : HealthReadFreshnessTests<SqliteTestDatabase>(database);

public sealed class HealthReadFreshnessOnPostgreSql(PostgreSqlTestDatabase database)
    : HealthReadFreshnessTests<PostgreSqlTestDatabase>(database);

/// <summary>
/// What the hot score reads (a read-cache miss answered from the stored score row by a kept connection, ADR 0067; the
/// batch and list reads on kept connections, ADR 0077) serve after each write that changes an answer: every one shows
/// on this replica at once, on the very next call, never after a wait. Each test reads twice before the write, so that
/// the answer is in the read cache and was read by the hot read.
/// </summary>
public abstract class HealthReadFreshnessTests<TDatabase>(TDatabase database) : HealthScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private CurrencyService.CurrencyServiceClient Currencies => new(Service.Channel);

    /// <summary>A scored customer, read twice (the second answer may come from the read cache).</summary>
    private async Task<HealthScore> GivenScoredAndRead(string id, string owner = "csm.alice@example.com")
    {
        await GivenCustomer(id, CsTier.TechTouch, seats: 3, owner: owner);
        var score = await Eventually(id, s => s.Band == HealthBand.Critical);
        Assert.Equal(score, await Score(id));
        return score;
    }

    private async Task<HealthScore> Batched(string id) =>
        (await Health.BatchGetHealthScoresAsync(new() { AccountIds = { id } }, cancellationToken: Ct)).Scores.Single();

    private async Task<HealthScore?> Listed(string id, string owner = "csm.alice@example.com") =>
        (await Health.ListHealthScoresAsync(new() { PageSize = 1000, Owner = owner }, cancellationToken: Ct))
        .Scores.SingleOrDefault(s => s.AccountId == id);

    [Fact]
    public async Task AnOverrideSetOrClearedShowsAtOnceInSingleBatchAndListReads()
    {
        await GivenScoredAndRead("fresh-ov");

        await Health.SetHealthOverrideAsync(new()
        {
            AccountId = "fresh-ov", Band = HealthBand.Healthy, Reason = "Renewal signed early",
            ExpireTime = Timestamp.FromDateTimeOffset(Clock.GetUtcNow().AddDays(7)), SetBy = "csm.alice@example.com",
        }, cancellationToken: Ct);

        Assert.Equal(HealthBand.Healthy, (await Score("fresh-ov")).Override.Band);
        Assert.Equal(HealthBand.Healthy, (await Batched("fresh-ov")).Override.Band);
        Assert.Equal(HealthBand.Healthy, (await Listed("fresh-ov"))!.Override.Band);

        await Health.ClearHealthOverrideAsync(
            new() { AccountId = "fresh-ov", ClearedBy = "csm.alice@example.com" }, cancellationToken: Ct);

        Assert.Null((await Score("fresh-ov")).Override);
        Assert.Null((await Batched("fresh-ov")).Override);
        Assert.Null((await Listed("fresh-ov"))!.Override);
    }

    [Fact]
    public async Task ARenameOrANewOwnerOrTierShowsAtOnceInListRowsAndTheScoreFollowsItsRecompute()
    {
        var before = await GivenScoredAndRead("fresh-acct", owner: "csm.old@example.com");
        Assert.Equal(CsTier.TechTouch, before.CsTier);

        await Accounts.UpsertAccountAsync(new()
        {
            Account = Build.Account(
                "fresh-acct", name: "Renamed Corp", tier: CsTier.HighTouch, owner: "csm.new@example.com"),
        }, cancellationToken: Ct);

        var row = await Listed("fresh-acct", owner: "csm.new@example.com");
        Assert.NotNull(row);
        Assert.Equal("Renamed Corp", row.Account.DisplayName);
        Assert.Equal("csm.new@example.com", row.Account.Owner);
        Assert.Equal(CsTier.HighTouch, row.Account.EffectiveCsTier);
        Assert.Null(await Listed("fresh-acct", owner: "csm.old@example.com"));
        // The score's own tier is the one it was computed for: the change marked it for recompute, and the stored
        // score that the recompute writes is served from then on.
        Assert.Equal(CsTier.HighTouch, (await Eventually("fresh-acct", s => s.CsTier == CsTier.HighTouch)).CsTier);
    }

    [Fact]
    public async Task NewExchangeRatesShowAtOnceInListRows()
    {
        await Accounts.UpsertAccountAsync(
            new() { Account = Build.Account("fresh-eur", owner: "fresh-eur@example.com") }, cancellationToken: Ct);
        await Accounts.UpsertContractAsync(new()
        {
            Contract = Build.Contract("fresh-eur-c1", "fresh-eur", arr: 10_000m, currency: "EUR"),
        }, cancellationToken: Ct);
        await SetEuroRate(1.10);
        await Health.RecomputeHealthScoresAsync(new() { AsOfDate = Build.Date("2026-03-15") }, cancellationToken: Ct);
        Assert.Equal(11_000m, Build.Amount((await Listed("fresh-eur", "fresh-eur@example.com"))!.Account.ReportingArr));
        await Score("fresh-eur");

        await SetEuroRate(1.20);

        Assert.Equal(12_000m, Build.Amount((await Listed("fresh-eur", "fresh-eur@example.com"))!.Account.ReportingArr));
        Assert.Null((await Score("fresh-eur")).Account); // a single read carries no account summary to go stale
    }

    private Task SetEuroRate(double rate)
    {
        var request = new SetExchangeRatesRequest { AsOfDate = Build.Date("2026-03-14") };
        request.Rates["EUR"] = rate;
        return Currencies.SetExchangeRatesAsync(request, cancellationToken: Ct).ResponseAsync;
    }

    [Fact]
    public async Task ADeletedAccountIsNotFoundAtOnceAndMissingFromBatchAndList()
    {
        await GivenScoredAndRead("fresh-gone");

        await Accounts.DeleteAccountAsync(new() { AccountId = "fresh-gone" }, cancellationToken: Ct);

        await FailsWith(StatusCode.NotFound,
            () => Health.GetHealthScoreAsync(new() { AccountId = "fresh-gone" }, cancellationToken: Ct).ResponseAsync);
        var batch = await Health.BatchGetHealthScoresAsync(
            new() { AccountIds = { "fresh-gone" } }, cancellationToken: Ct);
        Assert.Equal(["fresh-gone"], batch.MissingAccountIds);
        Assert.Null(await Listed("fresh-gone"));
    }

    [Fact]
    public async Task AfterAPersonsDataIsErasedTheRecomputedScoreIsServedAtOnce()
    {
        await GivenCustomer("fresh-erase", CsTier.LowTouch, seats: 4);
        await GivenDailyLogins("fresh-erase", 30, "ann", "bob", "cy");
        static string Adoption(HealthScore s) =>
            s.Components.SingleOrDefault(c => c.Kind == HealthComponentKind.Adoption)?.Explanation ?? "";
        await Eventually("fresh-erase", s => Adoption(s).StartsWith("3 of 4 seats", StringComparison.Ordinal));
        await Score("fresh-erase");

        await Engagement.DeletePersonDataAsync(
            new() { UserId = "cy", AccountId = "fresh-erase" }, cancellationToken: Ct);
        await Health.RecomputeHealthScoresAsync(new() { AsOfDate = Build.Date("2026-03-15") }, cancellationToken: Ct);

        var served = await Score("fresh-erase");
        Assert.StartsWith("2 of 4 seats", Adoption(served), StringComparison.Ordinal);
        Assert.Equal(served, await Batched("fresh-erase"));
        Assert.Equal(served, WithoutAccount((await Listed("fresh-erase"))!));
    }

    [Fact]
    public async Task ARecomputedScoreShowsAtOnceInBatchAndListReads()
    {
        await GivenScoredAndRead("fresh-calc");
        var batched = await Batched("fresh-calc");
        Assert.NotNull(await Listed("fresh-calc"));

        await GivenDailyLogins("fresh-calc", 20, "ann", "bob");
        await Health.RecomputeHealthScoresAsync(new() { AsOfDate = Build.Date("2026-03-15") }, cancellationToken: Ct);

        var served = await Score("fresh-calc");
        Assert.NotEqual(batched, served);
        Assert.Equal(served, await Batched("fresh-calc"));
        Assert.Equal(served, WithoutAccount((await Listed("fresh-calc"))!));
    }

    [Fact]
    public async Task AnExpiredOverrideIsGoneFromSingleBatchAndListReadsAtOnce()
    {
        await GivenScoredAndRead("fresh-exp");
        await Health.SetHealthOverrideAsync(new()
        {
            AccountId = "fresh-exp", Band = HealthBand.Healthy, Reason = "Renewal signed early",
            ExpireTime = Timestamp.FromDateTimeOffset(Clock.GetUtcNow().AddHours(1)), SetBy = "csm.alice@example.com",
        }, cancellationToken: Ct);
        Assert.NotNull((await Batched("fresh-exp")).Override);
        Assert.NotNull((await Listed("fresh-exp"))!.Override);

        Clock.Advance(TimeSpan.FromHours(2));

        Assert.Null((await Score("fresh-exp")).Override);
        Assert.Null((await Batched("fresh-exp")).Override);
        Assert.Null((await Listed("fresh-exp"))!.Override);
    }

    private static HealthScore WithoutAccount(HealthScore score)
    {
        var copy = score.Clone();
        copy.Account = null;
        return copy;
    }
}
