using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Renewals;
using CustomerHealth.Lab;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.Synthetic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerHealth.Server.Tests.Renewals;

public sealed class RenewalFeatureReadOnSqlite(SqliteTestDatabase database)
    : RenewalFeatureReadTests<SqliteTestDatabase>(database);

public sealed class RenewalFeatureReadOnPostgreSql(PostgreSqlTestDatabase database)
    : RenewalFeatureReadTests<PostgreSqlTestDatabase>(database);

public sealed class RenewalFeatureReadOnSqlServer(SqlServerTestDatabase database)
    : RenewalFeatureReadTests<SqlServerTestDatabase>(database);

/// <summary>
/// The training rows do not depend on how the reads are batched: on a mixed portfolio (B2B and self-serve accounts,
/// usage-rate metrics, several outcomes per account), the rows read with every request of an account in one chunk
/// (one chunk for all, or many small ones read several at once) are the rows each request gives when read alone.
/// </summary>
public abstract class RenewalFeatureReadTests<TDatabase>(TDatabase database) : RenewalScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    [Fact]
    public async Task ATrainingRowIsTheSameHoweverTheReadsAreBatched()
    {
        await GivenMixedPortfolio();
        await using var scope = Service.Services.CreateAsyncScope();
        var training = scope.ServiceProvider.GetRequiredService<RenewalTraining>();
        var reader = scope.ServiceProvider.GetRequiredService<RenewalFeatureReader>();
        var requests = (await training.BuildTrainingSetAsync(7, Ct)).Requests.Values.ToArray();
        Assert.True(requests.Length > 100, $"{requests.Length} outcomes");
        Assert.Contains(requests.GroupBy(r => r.AccountId), g => g.Count() >= 5);

        var batched = await reader.ReadAsync(requests, RenewalFeatureReader.BatchSize, parallelism: 1, Ct);
        var byInstant = await reader.ReadByInstantAsync(requests, Ct);

        Assert.Equal(requests.Length, batched.Count);
        Assert.Contains(batched, r => r.Features.MetricLogRates.Count > 0);
        var expected = byInstant.ToDictionary(r => r.Request.ContractId, StringComparer.Ordinal);
        Assert.All(batched, row => AssertSameRow(expected[row.Request.ContractId], row));
        // Many small chunks of accounts, taken in the order of their earliest instant, three read at once.
        var smallChunks = await reader.ReadAsync(requests, 20, parallelism: 3, Ct);
        Assert.Equal(requests.Length, smallChunks.Count);
        Assert.All(smallChunks, row => AssertSameRow(expected[row.Request.ContractId], row));
        // Every 25th request read alone, with nothing else in its chunk.
        foreach (var alone in requests.Where((_, i) => i % 25 == 0))
        {
            var row = Assert.Single(await reader.ReadAsync([alone], Ct));
            AssertSameRow(row, batched.Single(r => r.Request.ContractId == alone.ContractId));
        }
    }

    private static void AssertSameRow(RenewalFeatureRow expected, RenewalFeatureRow actual)
    {
        Assert.Equal(expected.Request, actual.Request);
        Assert.Equal(expected.Features.Values, actual.Features.Values);
        Assert.Equal(
            expected.Features.MetricLogRates.OrderBy(p => p.Key, StringComparer.Ordinal),
            actual.Features.MetricLogRates.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(expected.HealthScore, actual.HealthScore);
        Assert.Equal(expected.Tier, actual.Tier);
    }

    /// <summary>A mixed portfolio: monthly self-serve contracts beside annual B2B ones, 60 days of activity.</summary>
    private async Task GivenMixedPortfolio()
    {
        var options = new PortfolioOptions
        {
            Accounts = 80,
            Seed = 11,
            Today = DateOnly.FromDateTime(DefaultNow.UtcDateTime),
            HistoryDays = 400,
            ActivityDays = 60,
            Mix = PortfolioMix.Mixed,
            AccountPrefix = "mix-",
        };
        var writer = PortfolioWriter();
        await writer.WriteAsync(PortfolioGenerator.Generate(options), truth: null, Ct);
    }
}
