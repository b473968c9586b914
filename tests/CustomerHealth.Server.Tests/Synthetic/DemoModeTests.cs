using CustomerHealth.Server.Demo;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CustomerHealth.Server.Tests.Synthetic;

public sealed class DemoModeOnSqlite(SqliteTestDatabase database) : DemoModeTests<SqliteTestDatabase>(database);

public sealed class DemoModeOnPostgreSql(PostgreSqlTestDatabase database) : DemoModeTests<PostgreSqlTestDatabase>(database);

public sealed class DemoModeOnSqlServer(SqlServerTestDatabase database) : DemoModeTests<SqlServerTestDatabase>(database);

/// <summary>Demo mode (<c>--demo</c>) on a database of its own: it must start empty.</summary>
public abstract class DemoModeTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    [Fact]
    public async Task DemoModeFillsAnEmptyDatabaseOnceAndLeavesAFilledOneAlone()
    {
        var truth = Path.Combine(Path.GetTempPath(), $"demo-truth-{Guid.NewGuid():N}");
        try
        {
            var settings = new Dictionary<string, string> { ["Demo:Enabled"] = "true", ["Demo:Accounts"] = "12", ["Demo:ActivityDays"] = "14", ["Demo:TruthFolder"] = truth };
            await using (var demo = new ServiceUnderTest(Database, new ManualClock(DefaultNow), settings: settings))
            {
                await DemoFinished(demo);
                var accounts = await new AccountService.AccountServiceClient(demo.Channel).ListAccountsAsync(new() { PageSize = 100 }, cancellationToken: Ct);
                Assert.Equal(12, accounts.TotalSize);
                Assert.All(accounts.Accounts, a => Assert.StartsWith("demo-", a.AccountId, StringComparison.Ordinal));
                Assert.True(File.Exists(Path.Combine(truth, "daily_health.csv")));
            }

            await new AccountService.AccountServiceClient(Service.Channel).DeleteAccountAsync(new() { AccountId = "demo-000001" }, cancellationToken: Ct);
            await using (var again = new ServiceUnderTest(Database, new ManualClock(DefaultNow), settings: settings))
            {
                await DemoFinished(again);
                var accounts = await new AccountService.AccountServiceClient(again.Channel).ListAccountsAsync(new() { PageSize = 100 }, cancellationToken: Ct);
                Assert.Equal(11, accounts.TotalSize); // not refilled: the database was not empty
            }
        }
        finally
        {
            if (Directory.Exists(truth)) Directory.Delete(truth, recursive: true);
        }
    }

    private static async Task DemoFinished(ServiceUnderTest service)
    {
        _ = service.Server;
        var demo = service.Services.GetServices<IHostedService>().OfType<DemoPortfolioService>().Single();
        while (demo.ExecuteTask is null) await Task.Delay(10, Ct);
        await demo.ExecuteTask.WaitAsync(TimeSpan.FromMinutes(2), Ct);
    }
}
