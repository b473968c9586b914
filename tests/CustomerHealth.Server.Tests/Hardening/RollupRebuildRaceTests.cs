using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Engagement;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Tests.Hardening;

public sealed class RollupRebuildRacesOnSqlite(SqliteTestDatabase database)
    : RollupRebuildRaceTests<SqliteTestDatabase>(database);

public sealed class RollupRebuildRacesOnPostgreSql(PostgreSqlTestDatabase database)
    : RollupRebuildRaceTests<PostgreSqlTestDatabase>(database);

/// <summary>
/// Ingestion of one account racing rebuilds of its rollups and catalogue changes (each of which rebuilds every
/// retained day): a rebuild that finds a rollup row ingestion inserted since its delete starts over (LostRaces), so
/// every call answers OK or ABORTED, never INTERNAL, and the rollups afterwards are what a fresh rebuild derives from
/// the stored events. On PostgreSQL ingestion and rebuilds of the same rows used to deadlock (40P01: 24 in the server
/// log over three runs of this test, some answered UNAVAILABLE); the rebuild now holds the account's rollup lock that
/// ingestion shares (PostgreSqlRollupWriter), so neither waits for the other in a circle and no call answers
/// UNAVAILABLE.
/// </summary>
public abstract class RollupRebuildRaceTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private const string Account = "racer";
    private const int Rounds = 3;
    private const int Batches = 8;

    private EngagementService.EngagementServiceClient Engagement => new(Service.Channel);

    [Fact]
    public async Task IngestionRacingRebuildsAndCatalogueChangesLeavesWhatAFreshRebuildDerives()
    {
        await new AccountService.AccountServiceClient(Service.Channel).UpsertAccountAsync(
            new() { Account = Build.Account(Account) }, cancellationToken: Ct);
        var accepted = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var ingestions = Enumerable.Range(0, Batches).Select(b => Ingest(round, b)).ToList();
            var rebuilds = Enumerable.Range(0, 3).Select(_ => CodeOf(Rebuild)).ToList();
            var catalogues = Enumerable.Range(0, 2).Select(c => CodeOf(() => ReplaceCatalogue(round + c))).ToList();

            var codes = await Task.WhenAll(rebuilds.Concat(catalogues));
            var ingested = await Task.WhenAll(ingestions);

            Assert.All(codes.Concat(ingested.Select(i => i.Code)), code => Assert.True(
                code is StatusCode.OK or StatusCode.Aborted, $"round {round}: {code}"));
            accepted += ingested.Sum(i => i.Accepted);
        }

        var raced = await Service.RollupSnapshot(Account);
        Assert.Equal(StatusCode.OK, await CodeOf(Rebuild));
        Assert.Equal(await Service.RollupSnapshot(Account), raced);
        Assert.Equal(accepted, await Service.RawEventCount(Account));
        Assert.NotEmpty(raced);
    }

    /// <summary>One batch of five events of the account over the rebuilt days, answered with its code and how many
    /// events it stored.</summary>
    private async Task<(StatusCode Code, int Accepted)> Ingest(int round, int batch)
    {
        var events = Enumerable.Range(0, 5).Select(n => Events.Event(
            $"r{round}-b{batch}-e{n}", Account, user: $"u{(batch + n) % 4}", name: n % 2 == 0 ? "login" : "report",
            at: $"2026-03-{10 + n:00}T09:{batch:00}:00Z")).ToArray();
        try
        {
            var response = await Engagement.IngestEventsAsync(Events.Batch(events), cancellationToken: Ct);
            return (StatusCode.OK, response.Result.Accepted);
        }
        catch (RpcException ex)
        {
            return (ex.StatusCode, 0);
        }
    }

    private Task Rebuild() => Engagement.RebuildRollupsAsync(new()
    {
        AccountId = Account, StartDate = Build.Date("2026-03-01"), EndDate = Build.Date("2026-03-15"),
    }, cancellationToken: Ct).ResponseAsync;

    /// <summary>A catalogue that counts different events as active and as key features from one call to the
    /// next.</summary>
    private Task ReplaceCatalogue(int n) => Engagement.UpdateEventCatalogueAsync(new()
    {
        Catalogue = new EventCatalogue
        {
            Events =
            {
                new CatalogueEvent { EventName = "login", Active = n % 2 == 0, KeyFeature = n % 2 == 1 },
                new CatalogueEvent { EventName = "report", Active = n % 2 == 1, KeyFeature = n % 2 == 0 },
            },
        },
    }, cancellationToken: Ct).ResponseAsync;

    private static async Task<StatusCode> CodeOf(Func<Task> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }
}
