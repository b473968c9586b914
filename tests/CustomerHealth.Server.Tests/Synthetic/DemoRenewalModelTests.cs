using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Renewals;
using CustomerHealth.Lab;
using CustomerHealth.Server.Demo;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.Synthetic;
using CustomerHealth.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerHealth.Server.Tests.Synthetic;

public sealed class DemoRenewalModelOnSqlite(SqliteTestDatabase database)
    : DemoRenewalModelTests<SqliteTestDatabase>(database);

public sealed class DemoRenewalModelOnPostgreSql(PostgreSqlTestDatabase database)
    : DemoRenewalModelTests<PostgreSqlTestDatabase>(database);

public sealed class DemoRenewalModelOnSqlServer(SqlServerTestDatabase database)
    : DemoRenewalModelTests<SqlServerTestDatabase>(database);

/// <summary>
/// The default demo portfolio (<see cref="DemoOptions"/>) is one a renewal model learns from: written by the lab's
/// direct path (the demo writes the same portfolio through the API, which takes minutes on a busy machine), it gets a
/// model from the automatic trainer, at the demo's lead, that passes the quality gate and serves.
/// </summary>
public abstract class DemoRenewalModelTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["Renewals:LeadDays"] = new DemoOptions().RenewalLeadDays.ToString(System.Globalization.CultureInfo
            .InvariantCulture),
        ["Renewals:AutoTrainCheckInterval"] = "00:00:01",
        ["Renewals:RefreshInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task TheDefaultDemoPortfolioTrainsARenewalModelThatPassesTheGateAndServes()
    {
        var portfolio = new DemoOptions().Portfolio(DateOnly.FromDateTime(DefaultNow.UtcDateTime));
        var writer = PortfolioWriter();
        await writer.WriteAsync(PortfolioGenerator.Generate(portfolio), truth: null, Ct);
        var renewals = new RenewalService.RenewalServiceClient(Service.Channel);

        RenewalModel? serving = null;
        for (var i = 0; i < 1200 && serving is null; i++)
        {
            var model = (await renewals.GetRenewalModelAsync(new(), cancellationToken: Ct)).Model;
            if (model.Kind != RenewalModelKind.Heuristic) serving = model;
            else await Task.Delay(250, Ct);
        }

        Assert.NotNull(serving);
        Assert.True(serving.PassedGate, serving.GateReason);
        Assert.Equal((RenewalTraining.AutoTrigger, 7), (serving.Trigger, serving.LeadDays));
        Assert.True(serving.RenewalCount >= 50 && serving.ChurnCount >= 50,
            $"{serving.RenewalCount} renewals, {serving.ChurnCount} churns");
        for (var i = 0; i < 600; i++)
        {
            var page = await renewals.ListUpcomingRenewalsAsync(new() { PageSize = 50 }, cancellationToken: Ct);
            if (page.Predictions.Count > 0 && page.Predictions.All(p => p.ModelVersion == serving.Version)) return;
            await Task.Delay(100, Ct);
        }
        Assert.Fail("The upcoming renewals are not predicted by the trained model.");
    }
}
