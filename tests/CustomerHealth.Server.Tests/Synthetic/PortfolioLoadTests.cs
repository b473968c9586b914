using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.Synthetic;
using CustomerHealth.V1;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Server.Tests.Synthetic;

public sealed class PortfolioLoadOnSqlite(SqliteTestDatabase database) : PortfolioLoadTests<SqliteTestDatabase>(database);

public sealed class PortfolioLoadOnPostgreSql(PostgreSqlTestDatabase database) : PortfolioLoadTests<PostgreSqlTestDatabase>(database);

public sealed class PortfolioLoadOnSqlServer(SqlServerTestDatabase database) : PortfolioLoadTests<SqlServerTestDatabase>(database);

/// <summary>
/// The synthetic portfolio written through the public API: every generated request is accepted and a second load changes
/// nothing. The test clock stands at 2026-03-15 10:30 UTC.
/// </summary>
public abstract class PortfolioLoadTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private static PortfolioOptions Portfolio(string prefix, int accounts = 24) => new()
    {
        Accounts = accounts,
        Seed = 11,
        Today = DateOnly.FromDateTime(DefaultNow.UtcDateTime),
        ActivityDays = 21,
        AccountPrefix = prefix,
    };

    [Fact]
    public async Task EveryGeneratedRequestIsAcceptedAndALoadCanBeRepeated()
    {
        var options = Portfolio("load-");
        var expected = PortfolioGenerator.Generate(options).ToArray();
        var loader = new PortfolioLoader(Service.Channel.CreateCallInvoker()) { BatchSize = 500 };

        var first = await loader.LoadAsync(PortfolioGenerator.Generate(options), options.Source, truth: null, Ct);
        var again = await loader.LoadAsync(PortfolioGenerator.Generate(options), options.Source, truth: null, Ct);

        var events = expected.Sum(a => a.Events().Count());
        Assert.Equal(24, first.Accounts);
        Assert.Equal(events, first.EventsAccepted);
        Assert.Equal(0, first.EventsDuplicate);
        Assert.Equal(expected.Sum(a => a.Contracts.Count), first.Contracts);
        Assert.Equal(expected.Sum(a => a.Outcomes.Count), first.Outcomes);
        Assert.Equal(0, first.MilestonesSkipped);
        Assert.Equal(0, again.EventsAccepted);
        Assert.Equal(events, again.EventsDuplicate);

        var stored = await Service.InDatabaseAsync(async db => (
            Accounts: await db.Accounts.CountAsync(Ct),
            Contracts: await db.Contracts.CountAsync(Ct),
            Tickets: await db.SupportTickets.CountAsync(Ct),
            Nps: await db.NpsResponses.CountAsync(Ct),
            Touchpoints: await db.Touchpoints.CountAsync(Ct)));
        Assert.Equal((24, first.Contracts, first.Tickets, first.NpsResponses, first.Touchpoints), stored);

        var churned = expected.First(a => a.ChurnDate is not null || a.Outcomes.Count > 0);
        var contracts = (await new AccountService.AccountServiceClient(Service.Channel).ListContractsAsync(new() { AccountId = churned.AccountId }, cancellationToken: Ct)).Contracts;
        Assert.Equal(churned.Contracts.Select(c => c.ContractId).Order(), contracts.Select(c => c.ContractId).Order());
        Assert.Equal(churned.Outcomes.Count, contracts.Count(c => c.RenewalOutcome is not null));
    }
}
