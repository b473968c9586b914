using System.Data.Common;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using static CustomerHealth.Server.Tests.Engagement.Events;
using DomainEvent = CustomerHealth.Domain.Engagement.UsageEvent;

namespace CustomerHealth.Server.Tests.Engagement;

public sealed class RollupWriterConformanceOnSqlite(SqliteTestDatabase database)
    : RollupWriterConformance<SqliteTestDatabase>(database);

public sealed class RollupWriterConformanceOnPostgreSql(PostgreSqlTestDatabase database)
    : RollupWriterConformance<PostgreSqlTestDatabase>(database);

public sealed class RollupWriterConformanceOnSqlServer(SqlServerTestDatabase database)
    : RollupWriterConformance<SqlServerTestDatabase>(database);

/// <summary>
/// The contract of the engagement slice's storage seam (<see cref="RollupWriter"/>), run against each engine's writer
/// as the registration picks it: the same expectations for every engine, compared through the rollup snapshot (<see
/// cref="Events.RollupSnapshot"/>). A new engine's writer gets a subclass here; a new raw write gets a test here.
/// </summary>
public abstract class RollupWriterConformance<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private static readonly DateTime Now = DefaultNow.UtcDateTime;
    private static readonly string[] Names = ["login", "dashboard", "export", "help_opened"];

    private RollupWriter Writer => Service.Services.GetRequiredService<RollupWriter>();

    private async Task Given(params string[] accounts)
    {
        var client = new AccountService.AccountServiceClient(Service.Channel);
        foreach (var id in accounts) await client.UpsertAccountAsync(
            new() { Account = Build.Account(id) }, cancellationToken: Ct);
        var catalogue = new CustomerHealth.V1.EventCatalogue();
        catalogue.Events.Add(new CatalogueEvent { EventName = "login", Active = true });
        catalogue.Events.Add(new CatalogueEvent { EventName = "dashboard", Active = true, KeyFeature = true });
        catalogue.Events.Add(new CatalogueEvent { EventName = "export", KeyFeature = true });
        await new EngagementService.EngagementServiceClient(Service.Channel)
            .UpdateEventCatalogueAsync(
                new() { Catalogue = catalogue, UpdatedBy = "ops@example.com" }, cancellationToken: Ct);
    }

    /// <summary>Events over two weeks, several users, active and inactive names, key features; ids unique per
    /// call.</summary>
    private static DomainEvent[] Activity(string account, int count, int seed) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var n = (i * 37 + seed) % 211;
            var at = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(n * 97 % (13 * 24 * 60));
            return new DomainEvent($"{account}-{seed}-{i}", account, $"user{n % 7}", Names[n % Names.Length], at, null,
                new Dictionary<string, string>());
        }).ToArray();

    /// <summary>Runs <paramref name="work"/> in a transaction of the service's own context, committed or rolled
    /// back.</summary>
    private Task<T> InTransaction<T>(
        bool commit, Func<DbConnection, DbTransaction, CustomerHealthDbContext, Task<T>> work) =>
        Service.InDatabaseAsync(db => db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            var result = await work(db.Database.GetDbConnection(), transaction.GetDbTransaction(), db);
            if (commit) await transaction.CommitAsync(Ct);
            else await transaction.RollbackAsync(Ct);
            return result;
        }));

    private Task AddToRollups(IReadOnlyCollection<DomainEvent> events) =>
        InTransaction(commit: true, async (connection, transaction, _) =>
        {
            var catalogue = await Writer.ReadCatalogueAsync(connection, transaction, Ct);
            await Writer.AddToRollupsAsync(connection, transaction, events, catalogue, Now, Ct);
            return 0;
        });

    private static string[] Renamed(string[] snapshot, string from, string to) =>
        snapshot.Select(r => r.Replace(from, to, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task RollupsAddedInSeveralGroupsEqualTheSameAddedAtOnce()
    {
        await Given("whole", "parts");
        var events = Activity("whole", 120, seed: 3);
        var parts = Activity("parts", 120, seed: 3);

        await AddToRollups(events);
        foreach (var chunk in parts.Chunk(25)) await AddToRollups(chunk);

        var whole = await Service.RollupSnapshot("whole");
        Assert.Contains(whole, r => r.StartsWith("feature ", StringComparison.Ordinal));
        Assert.Contains(whole, r => r.StartsWith("active ", StringComparison.Ordinal));
        Assert.Equal(Renamed(whole, "whole", "parts"), await Service.RollupSnapshot("parts"));
    }

    [Fact]
    public async Task FreshRollupsOfTheBulkLoadEqualTheIngestionsUpserts()
    {
        await Given("upserted", "fresh");
        await AddToRollups(Activity("upserted", 150, seed: 5));
        var fresh = Activity("fresh", 150, seed: 5);
        await InTransaction(commit: true, async (connection, transaction, _) =>
        {
            var catalogue = await Writer.ReadCatalogueAsync(connection, transaction, Ct);
            var (users, features) = CustomerHealth.Domain.Engagement.RollupDeltas.From(fresh, catalogue);
            var accounts = CustomerHealth.Domain.Engagement.RollupDeltas.ForAccounts(
                users.Select(d => (d, d.Events, d.ActiveEvents)));
            await Writer.InsertFreshRollupsAsync(connection, transaction, users, accounts, features, Ct);
            return 0;
        });

        Assert.Equal(
            Renamed(await Service.RollupSnapshot("upserted"), "upserted", "fresh"),
            await Service.RollupSnapshot("fresh"));
    }

    [Fact]
    public async Task RollupsAddedByTheWriterEqualARebuildFromTheRawEvents()
    {
        await Given("rebuilt");
        var engagement = new EngagementService.EngagementServiceClient(Service.Channel);
        var batch = Batch(
            Activity("rebuilt", 90, seed: 11)
            .Select(e => Event(e.EventId, e.AccountId, e.UserId, e.EventName, e.OccurredAt!.Value.ToString("O")))
            .ToArray());
        Assert.Equal(90, (await engagement.IngestEventsAsync(batch, cancellationToken: Ct)).Result.Accepted);
        var incremental = await Service.RollupSnapshot("rebuilt");

        await engagement.RebuildRollupsAsync(
            new() { AccountId = "rebuilt", StartDate = Build.Date("2026-01-01"), EndDate = Build.Date("2026-12-31") },
            cancellationToken: Ct);

        Assert.NotEmpty(incremental);
        Assert.Equal(incremental, await Service.RollupSnapshot("rebuilt"));
    }

    [Fact]
    public async Task EveryRollupWriteMarksItsAccountsForRecomputeAndOnboarding()
    {
        await Given("marked-a", "marked-b");
        // An account with a contract has an onboarding plan whose automatic milestones are open; one without has none.
        await new AccountService.AccountServiceClient(Service.Channel)
            .UpsertContractAsync(new() { Contract = Build.Contract("marked-a-c1", "marked-a") }, cancellationToken: Ct);
        var events = Activity("marked-a", 20, seed: 1).Concat(Activity("marked-b", 20, seed: 2)).ToArray();

        // Read inside the transaction: the service's workers take the marks as soon as they are committed. The write is
        // dated a minute on, apart from the marks of the API calls above.
        var at = Now.AddMinutes(1);
        var (health, onboarding) = await InTransaction(commit: false, async (connection, transaction, db) =>
        {
            var catalogue = await Writer.ReadCatalogueAsync(connection, transaction, Ct);
            await Writer.AddToRollupsAsync(connection, transaction, events, catalogue, at, Ct);
            var marks = await db.HealthRecomputeQueue.AsNoTracking().Where(q => q.DueAt == at).Select(q => q.AccountId)
                .ToListAsync(Ct);
            var queued = await db.OnboardingEvaluationQueue.AsNoTracking().Where(q => q.MarkedAt == at)
                .Select(q => q.AccountId).ToListAsync(Ct);
            return (marks, queued);
        });

        Assert.Equal(new[] { "marked-a", "marked-b" }, health.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { "marked-a" }, onboarding);
    }

    [Fact]
    public async Task AStoredEventIsNeverInsertedTwice()
    {
        await Given("stored");
        var events = Activity("stored", 10, seed: 4).Select((e, i) => new EventToWrite(i, e, null)).ToArray();

        var (first, again) = await InTransaction(commit: true, async (connection, transaction, _) =>
            (await Writer.InsertEventsAsync(connection, transaction, "product", events, Now, Ct),
             await Writer.InsertEventsAsync(connection, transaction, "product", events, Now, Ct)));

        Assert.Equal(Enumerable.Range(0, 10), first);
        Assert.Empty(again);
        Assert.Equal(10, await Service.RawEventCount("stored"));
        if (!Writer.CanInsertWithoutLookup) return;
        var conflict = await Assert.ThrowsAnyAsync<DbException>(
            () => InTransaction(commit: false, async (connection, transaction, _) =>
        {
            await Writer.InsertNewEventsAsync(connection, transaction, [("product", events[0])], Now, Ct);
            return 0;
        }));
        Assert.True(Writer.IsStoredEventConflict(conflict));
    }

    [Fact]
    public void TheRegistrationPicksTheEnginesOwnWriter() =>
        Assert.EndsWith($".{Database.Provider}", Writer.GetType().Namespace, StringComparison.Ordinal);
}
