using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Server.Health;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerHealth.Server.Tests.Health;

public sealed class HealthReadModelOnSqlite(SqliteTestDatabase database)
    : HealthReadModelTests<SqliteTestDatabase>(database);

public sealed class HealthReadModelOnPostgreSql(PostgreSqlTestDatabase database)
    : HealthReadModelTests<PostgreSqlTestDatabase>(database);

/// <summary>
/// The read model of <c>GetHealthScore</c> (ADR 0072, <c>Health:ReadModel</c>): every stored score's answer loaded at
/// start and kept. Each write that changes an answer shows at once on the replica that made it, and on a second replica
/// of the same database once its poll has run (waited for by reading again, never by a timed assertion); a deleted
/// account's answer is gone on both.
/// </summary>
public abstract class HealthReadModelTests<TDatabase>(TDatabase database) : HealthScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private ServiceUnderTest? _peer;

    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["Health:ReadModel"] = "true",
    };

    /// <summary>A second replica on the same database that does not recompute (the first one's writes are what it
    /// must see).</summary>
    private ServiceUnderTest Peer => _peer ??= new ServiceUnderTest(
        Database, new ManualClock(DefaultNow), settings: new Dictionary<string, string>(Settings!)
        {
            ["Health:RecomputeInterval"] = "01:00:00",
            ["Health:DailyPass"] = "false",
        });

    private HealthService.HealthServiceClient PeerHealth => new(Peer.Channel);

    public override async ValueTask DisposeAsync()
    {
        if (_peer is not null) await _peer.DisposeAsync();
        await base.DisposeAsync();
    }

    private async Task<HealthScore> PeerScore(string id) =>
        (await PeerHealth.GetHealthScoreAsync(new() { AccountId = id }, cancellationToken: Ct)).Score;

    /// <summary>
    /// Reads the account on both replicas until the peer answers as this one does (its poll has run); both answers.
    /// The answer compared is this replica's latest, not one read before: a rescore may be followed by another.
    /// </summary>
    private async Task<(HealthScore Here, HealthScore There)> Converged(string id)
    {
        var (here, there) = (await Score(id), await PeerScore(id));
        for (var i = 0; i < 200 && !here.Equals(there); i++)
        {
            await Task.Delay(50, Ct);
            (here, there) = (await Score(id), await PeerScore(id));
        }
        return (here, there);
    }

    /// <summary>Reads the account on the peer until <paramref name="seen"/> holds (its poll has run), then once more.
    /// </summary>
    private async Task<HealthScore> OnPeerOnce(string id, Func<HealthScore, bool> seen)
    {
        for (var i = 0; i < 200 && !seen(await PeerScore(id)); i++) await Task.Delay(50, Ct);
        return await PeerScore(id);
    }

    private async Task<HealthScore> GivenScored(string id)
    {
        await GivenCustomer(id, CsTier.TechTouch, seats: 3);
        return await Eventually(id, s => s.Band == HealthBand.Critical);
    }

    private SetHealthOverrideRequest Healthy(string id) => new()
    {
        AccountId = id, Band = HealthBand.Healthy, Reason = "Renewal signed early",
        ExpireTime = Timestamp.FromDateTimeOffset(Clock.GetUtcNow().AddDays(7)), SetBy = "csm.alice@example.com",
    };

    [Fact]
    public async Task AReplicaStartingLoadsEveryStoredAnswerAndServesItFromMemory()
    {
        var stored = await GivenScored("rm-load");
        Assert.Equal(stored, await Score("rm-load"));

        _ = Peer.Server;
        var loaded = await Peer.Services.GetRequiredService<HealthReadModel>().Loaded;

        Assert.True(loaded >= TimeSpan.Zero);
        Assert.True(Peer.Services.GetRequiredService<HealthReadCache>().Count >= 1);
        Assert.Equal(stored, await PeerScore("rm-load"));
    }

    [Fact]
    public async Task EveryWriteShowsAtOnceOnTheReplicaThatMadeIt()
    {
        var before = await GivenScored("rm-own");
        Assert.Equal(before, await Score("rm-own")); // kept

        await Health.SetHealthOverrideAsync(Healthy("rm-own"), cancellationToken: Ct);
        Assert.Equal(HealthBand.Healthy, (await Score("rm-own")).Override.Band);
        await Health.ClearHealthOverrideAsync(
            new() { AccountId = "rm-own", ClearedBy = "csm.alice@example.com" }, cancellationToken: Ct);
        Assert.Null((await Score("rm-own")).Override);

        await GivenDailyLogins("rm-own", 30, "ann", "bob", "cy");
        var rescored = await Eventually("rm-own", s => s.Band != HealthBand.Critical);
        Assert.NotEqual(HealthBand.Critical, rescored.Band);
        Assert.Equal(rescored, await Score("rm-own"));

        await Accounts.DeleteAccountAsync(new() { AccountId = "rm-own" }, cancellationToken: Ct);
        await FailsWith(StatusCode.NotFound,
            () => Health.GetHealthScoreAsync(new() { AccountId = "rm-own" }, cancellationToken: Ct).ResponseAsync);
    }

    [Fact]
    public async Task AnotherReplicasWritesShowOnceItsPollHasRun()
    {
        var before = await GivenScored("rm-peer");
        Assert.Equal(before, await PeerScore("rm-peer"));
        Assert.Equal(before, await PeerScore("rm-peer")); // kept by the peer

        await Health.SetHealthOverrideAsync(Healthy("rm-peer"), cancellationToken: Ct);
        Assert.Equal(HealthBand.Healthy, (await OnPeerOnce("rm-peer", s => s.Override is not null)).Override?.Band);

        await Health.ClearHealthOverrideAsync(
            new() { AccountId = "rm-peer", ClearedBy = "csm.alice@example.com" }, cancellationToken: Ct);
        Assert.Null((await OnPeerOnce("rm-peer", s => s.Override is null)).Override);

        await GivenDailyLogins("rm-peer", 30, "ann", "bob", "cy");
        await Eventually("rm-peer", s => s.Band != HealthBand.Critical);
        var (rescored, seen) = await Converged("rm-peer");
        Assert.NotEqual(HealthBand.Critical, rescored.Band);
        Assert.Equal(rescored, seen);

        await Accounts.DeleteAccountAsync(new() { AccountId = "rm-peer" }, cancellationToken: Ct);
        for (var i = 0; i < 200; i++)
        {
            try
            {
                await PeerScore("rm-peer");
                await Task.Delay(50, Ct);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                break;
            }
        }
        await FailsWith(StatusCode.NotFound,
            () => PeerHealth.GetHealthScoreAsync(new() { AccountId = "rm-peer" }, cancellationToken: Ct).ResponseAsync);
    }

    [Fact]
    public async Task AnErasureOnAnotherReplicaShowsThroughTheRescoreItCauses()
    {
        await GivenCustomer("rm-erase", CsTier.TechTouch, seats: 3);
        await GivenDailyLogins("rm-erase", 30, "ann", "bob", "cy");
        await Eventually("rm-erase", s => s.Band != HealthBand.Critical);
        var (before, kept) = await Converged("rm-erase"); // the peer now holds the answer
        Assert.NotEqual(HealthBand.Critical, kept.Band);
        Assert.Equal(before, kept);

        foreach (var user in new[] { "ann", "bob", "cy" })
        {
            await Engagement.DeletePersonDataAsync(
                new() { UserId = user, AccountId = "rm-erase" }, cancellationToken: Ct);
        }
        await Eventually("rm-erase", s => s.Band == HealthBand.Critical);

        var (after, seen) = await Converged("rm-erase");
        Assert.Equal(HealthBand.Critical, after.Band);
        Assert.Equal(after, seen);
    }
}
