using CustomerHealth.Infrastructure.Coordination;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerHealth.Server.Tests.Coordination;

public sealed class LeasesOnSqlite(SqliteTestDatabase database) : LeaseTests<SqliteTestDatabase>(database);

public sealed class LeasesOnPostgreSql(PostgreSqlTestDatabase database) : LeaseTests<PostgreSqlTestDatabase>(database);

public sealed class LeasesOnSqlServer(SqlServerTestDatabase database) : LeaseTests<SqlServerTestDatabase>(database);

/// <summary>
/// The database leases that keep N replicas from running the same background work N times. Each test uses a lease
/// name of its own, because the class shares one database (and the service's own workers hold theirs).
/// </summary>
public abstract class LeaseTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private async Task<bool> TryHoldAsync(string name, string holder, TimeSpan length)
    {
        await using var scope = Service.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LeaseStore>().TryHoldAsync(name, holder, length, Ct);
    }

    private async Task ReleaseAsync(string name, string holder)
    {
        await using var scope = Service.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<LeaseStore>().ReleaseAsync(name, holder, Ct);
    }

    private Task<string?> HolderAsync(string name) =>
        Service.InDatabaseAsync(
            db => db.WorkLeases.AsNoTracking().Where(l => l.Name == name).Select(l => l.Holder)
            .SingleOrDefaultAsync(Ct));

    [Fact]
    public async Task TheFirstReplicaTakesALeaseAndTheOthersAreTurnedAway()
    {
        Assert.True(await TryHoldAsync("first", "replica-a", Minute));
        Assert.False(await TryHoldAsync("first", "replica-b", Minute));
        Assert.True(await TryHoldAsync("first", "replica-a", Minute));
        Assert.Equal("replica-a", await HolderAsync("first"));
    }

    [Fact]
    public async Task AnExpiredLeaseIsTakenOverByAnotherReplica()
    {
        Assert.True(await TryHoldAsync("expiry", "replica-a", Minute));
        Clock.Advance(Minute - TimeSpan.FromSeconds(1));
        Assert.False(await TryHoldAsync("expiry", "replica-b", Minute));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await TryHoldAsync("expiry", "replica-b", Minute));
        Assert.False(await TryHoldAsync("expiry", "replica-a", Minute));
        Assert.Equal("replica-b", await HolderAsync("expiry"));
    }

    [Fact]
    public async Task RenewingALeaseKeepsItFromExpiring()
    {
        Assert.True(await TryHoldAsync("renewal", "replica-a", Minute));
        Clock.Advance(TimeSpan.FromSeconds(50));
        Assert.True(await TryHoldAsync("renewal", "replica-a", Minute));
        Clock.Advance(TimeSpan.FromSeconds(50));
        Assert.False(await TryHoldAsync("renewal", "replica-b", Minute));
    }

    [Fact]
    public async Task AReleasedLeaseIsFreeAtOnceEvenForAReplicaWhoseClockIsBehind()
    {
        Assert.True(await TryHoldAsync("release", "replica-a", Minute));
        await ReleaseAsync("release", "replica-b");
        Assert.False(await TryHoldAsync("release", "replica-b", Minute));

        await ReleaseAsync("release", "replica-a");
        Clock.Advance(-TimeSpan.FromHours(1));
        Assert.True(await TryHoldAsync("release", "replica-b", Minute));
    }

    [Fact]
    public async Task OfManyReplicasRacingForANewLeaseExactlyOneGetsIt()
    {
        var attempts = Enumerable.Range(0, 8)
            .Select(i => Task.Run(() => TryHoldAsync("race", $"replica-{i}", Minute), Ct)).ToArray();
        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, results.Count(held => held));
        var winner = $"replica-{Array.IndexOf(results, true)}";
        Assert.Equal(winner, await HolderAsync("race"));
    }

    [Fact]
    public async Task TheServiceWorkersHoldTheirLeasesUnderThisReplicasName()
    {
        var holder = Service.Services.GetRequiredService<ReplicaLeases>().Holder;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        // The row may still name a server of an earlier test of this class, which released it when it stopped.
        while (await HolderAsync(ReplicaLeases.Names.HealthRecompute) != holder
            && DateTime.UtcNow < deadline) await Task.Delay(100, Ct);

        Assert.Equal(holder, await HolderAsync(ReplicaLeases.Names.HealthRecompute));
        Assert.False(await TryHoldAsync(ReplicaLeases.Names.HealthRecompute, "another-replica", Minute));
    }
}
