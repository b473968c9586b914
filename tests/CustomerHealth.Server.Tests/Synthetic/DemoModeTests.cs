using CustomerHealth.Server.Demo;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.Synthetic;
using CustomerHealth.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CustomerHealth.Server.Tests.Synthetic;

public sealed class DemoModeOnSqlite(SqliteTestDatabase database) : DemoModeTests<SqliteTestDatabase>(database);

public sealed class DemoModeOnPostgreSql(PostgreSqlTestDatabase database)
    : DemoModeTests<PostgreSqlTestDatabase>(database);

public sealed class DemoModeOnSqlServer(SqlServerTestDatabase database)
    : DemoModeTests<SqlServerTestDatabase>(database);

/// <summary>Demo mode (<c>--demo</c>) on a database of its own: it must start empty.</summary>
public abstract class DemoModeTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    [Fact]
    public async Task DemoModeFillsAnEmptyDatabaseOnceAndLeavesAFilledOneAlone()
    {
        var settings = new Dictionary<string, string>
        {
            ["Demo:Enabled"] = "true", ["Demo:Accounts"] = "12", ["Demo:ActivityDays"] = "14",
        };
        await using (var demo = new ServiceUnderTest(Database, new ManualClock(DefaultNow), settings: settings))
        {
            await DemoFinished(demo);
            var accounts = await new AccountService.AccountServiceClient(demo.Channel)
                .ListAccountsAsync(new() { PageSize = 100 }, cancellationToken: Ct);
            Assert.Equal(12, accounts.TotalSize);
            var info = await new ServiceInfoService.ServiceInfoServiceClient(demo.Channel)
                .GetServiceInfoAsync(new(), cancellationToken: Ct);
            Assert.Equal(
                new DemoStatus { State = DemoState.Complete, AccountsWritten = 12, AccountsPlanned = 12 }, info.Demo);
            Assert.All(accounts.Accounts, a => Assert.StartsWith("demo-", a.AccountId, StringComparison.Ordinal));
            // The server writes no ground truth: the lab's generate --write none makes it from the same settings, since
            // the demo portfolio is the generator's for them (seed 42 unless Demo:Seed says otherwise; mixed, three
            // quarters self-serve, unless Demo:Archetype and Demo:SelfServeShare say otherwise).
            var generated = PortfolioGenerator.Generate(new PortfolioOptions
            {
                Accounts = 12,
                Seed = 42,
                ActivityDays = 14,
                Today = DateOnly.FromDateTime(DefaultNow.UtcDateTime),
                AccountPrefix = "demo-",
                Mix = PortfolioMix.Mixed,
                SelfServeShare = 0.75,
            });
            Assert.Equal(
                generated.Select(a => (a.AccountId, a.Account.DisplayName)),
                accounts.Accounts.OrderBy(a => a.AccountId, StringComparer.Ordinal)
                    .Select(a => (a.AccountId, a.DisplayName)));
            await PlaysFireByThemselves(demo);
        }

        await new AccountService.AccountServiceClient(Service.Channel)
            .DeleteAccountAsync(new() { AccountId = "demo-000001" }, cancellationToken: Ct);
        await using (var again = new ServiceUnderTest(Database, new ManualClock(DefaultNow), settings: settings))
        {
            await DemoFinished(again);
            var accounts = await new AccountService.AccountServiceClient(again.Channel)
                .ListAccountsAsync(new() { PageSize = 100 }, cancellationToken: Ct);
            Assert.Equal(11, accounts.TotalSize); // not refilled: the database was not empty
            var info = await new ServiceInfoService.ServiceInfoServiceClient(again.Channel)
                .GetServiceInfoAsync(new(), cancellationToken: Ct);
            Assert.Equal(DemoState.LeftAlone, info.Demo.State);
        }
    }

    /// <summary>Scored by the worker, the demo accounts get plays, each with the drivers that fired it.</summary>
    private static async Task PlaysFireByThemselves(ServiceUnderTest service)
    {
        var plays = new PlayService.PlayServiceClient(service.Channel);
        for (var i = 0; i < 200; i++)
        {
            var page = await plays.ListPlaysAsync(new() { PageSize = 1000 }, cancellationToken: Ct);
            if (page.Plays.Count > 0)
            {
                Assert.All(page.Plays, p => Assert.NotEmpty(p.Drivers));
                Assert.All(page.Plays, p => Assert.StartsWith("demo-", p.AccountId, StringComparison.Ordinal));
                return;
            }
            await Task.Delay(100, Ct);
        }
        Assert.Fail("The demo portfolio fired no play.");
    }

    private static async Task DemoFinished(ServiceUnderTest service)
    {
        _ = service.Server;
        var demo = service.Services.GetServices<IHostedService>().OfType<DemoPortfolioService>().Single();
        while (demo.ExecuteTask is null) await Task.Delay(10, Ct);
        await demo.ExecuteTask.WaitAsync(TimeSpan.FromMinutes(2), Ct);
    }
}
