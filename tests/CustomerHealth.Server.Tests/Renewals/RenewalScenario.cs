using CustomerHealth.Domain.Engagement;
using CustomerHealth.Lab;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.Synthetic;
using CustomerHealth.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerHealth.Server.Tests.Renewals;

/// <summary>
/// Renewal tests: the prediction worker polls every 100 ms, automatic training is off (tests train through the admin
/// RPC) and a model needs 10 renewals and 10 churns. The test clock stands at 2026-03-15 10:30 UTC.
/// </summary>
public abstract class RenewalScenario<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["Renewals:RefreshInterval"] = "00:00:00.100",
        ["Renewals:ReconcileInterval"] = "00:00:00.100",
        ["Renewals:AutoTrain"] = "false",
        ["Renewals:MinimumOutcomesPerClass"] = "10",
    };

    /// <summary>The class's portfolio, loaded once (the tests of a class share its database).</summary>
    protected async Task GivenSyntheticPortfolio()
    {
        if (await Service.InDatabaseAsync(db => db.Accounts.AnyAsync(a => a.Id.StartsWith("syn-"), Ct))) return;
        var options = new PortfolioOptions
        {
            Accounts = 300,
            Seed = 5,
            Today = DateOnly.FromDateTime(DefaultNow.UtcDateTime),
            ActivityDays = 30,
            AccountPrefix = "syn-",
        };
        var writer = PortfolioWriter();
        await writer.WriteAsync(PortfolioGenerator.Generate(options), truth: null, Ct);
    }

    protected RenewalService.RenewalServiceClient Renewals => new(Service.Channel);
    protected AccountService.AccountServiceClient Accounts => new(Service.Channel);
    protected EngagementService.EngagementServiceClient Engagement => new(Service.Channel);

    /// <summary>An account with one contract from <paramref name="start"/> to <paramref name="end"/>.</summary>
    protected async Task GivenContract(
        string account, string contract, string start, string end, decimal arr = 24_000m, CsTier tier = CsTier.LowTouch)
    {
        await Accounts.UpsertAccountAsync(
            new() { Account = Build.Account(account, tier: tier) }, cancellationToken: Ct);
        await Accounts.UpsertContractAsync(
            new() { Contract = Build.Contract(contract, account, arr: arr, start: start, end: end) },
            cancellationToken: Ct);
    }

    protected Task RecordOutcome(string contract, bool renewed, decimal newArr = 24_000m) =>
        Accounts.RecordRenewalOutcomeAsync(new()
        {
            ContractId = contract,
            Kind = renewed ? RenewalOutcomeKind.Renewed : RenewalOutcomeKind.Churned,
            NewArr = renewed ? Build.Money(newArr) : null,
        }, cancellationToken: Ct).ResponseAsync;

    /// <summary>
    /// Polls until <paramref name="done"/> holds (the worker runs in the background); fails after 30 s.
    /// </summary>
    protected static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for {what}.");
            await Task.Delay(50, Ct);
        }
    }

    protected async Task<IReadOnlyList<RenewalPrediction>> AllUpcoming(ListUpcomingRenewalsRequest request)
    {
        var all = new List<RenewalPrediction>();
        while (true)
        {
            var page = await Renewals.ListUpcomingRenewalsAsync(request, cancellationToken: Ct);
            all.AddRange(page.Predictions);
            if (page.NextPageToken == "") return all;
            request = request.Clone();
            request.PageToken = page.NextPageToken;
        }
    }

    /// <summary>
    /// Drivers are present, at most five, sorted by absolute contribution, their direction the sign's.
    /// </summary>
    protected static void AssertDriversExplain(RenewalPrediction prediction)
    {
        Assert.NotEmpty(prediction.Drivers);
        Assert.True(prediction.Drivers.Count <= 5);
        var sizes = prediction.Drivers.Select(d => Math.Abs(d.Contribution)).ToArray();
        Assert.Equal(sizes.OrderByDescending(s => s), sizes);
        Assert.All(prediction.Drivers, d =>
        {
            Assert.NotEqual("", d.Feature);
            Assert.Equal(
                d.Contribution >= 0 ? DriverDirection.RaisesRenewal : DriverDirection.LowersRenewal, d.Direction);
        });
    }
}
