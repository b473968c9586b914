using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Tests.Renewals;

public sealed class RenewalForecastOnSqlite(SqliteTestDatabase database)
    : RenewalForecastTests<SqliteTestDatabase>(database);

public sealed class RenewalForecastOnPostgreSql(PostgreSqlTestDatabase database)
    : RenewalForecastTests<PostgreSqlTestDatabase>(database);

public sealed class RenewalForecastOnSqlServer(SqlServerTestDatabase database)
    : RenewalForecastTests<SqlServerTestDatabase>(database);

/// <summary>
/// The renewal forecast against the upcoming-renewals list on the synthetic portfolio (all in USD, no rate table): for
/// the same window and filters, the list's rows summed by the test give the forecast's figures.
/// </summary>
public abstract class RenewalForecastTests<TDatabase>(TDatabase database) : RenewalScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    /// <summary>The commit probability the server runs with (the default).</summary>
    private const double Commit = 0.8;

    [Fact]
    public async Task TheForecastReconcilesWithTheUpcomingListOverTheSameWindowAndFilters()
    {
        await GivenSyntheticPortfolio();
        var all = await Eventually(() => Stable(new ListUpcomingRenewalsRequest(), new GetRenewalForecastRequest()),
            r => r.List.Count > 50, "predictions of the synthetic portfolio");
        var owner = all.List.GroupBy(p => p.Owner).OrderByDescending(g => g.Count()).First().Key;
        var (parent, child) = await GivenTwoAccountsInOneTree(all.List);
        var cases = new (ListUpcomingRenewalsRequest List, GetRenewalForecastRequest Forecast)[]
        {
            (new(), new()),
            (new() { WithinDays = 60 }, new() { WithinDays = 60 }),
            (new() { CsTier = CsTier.HighTouch }, new() { CsTier = CsTier.HighTouch }),
            (new() { Owner = owner }, new() { Owner = owner }),
            (new() { MinimumRisk = RenewalRisk.High, OrderBy = UpcomingRenewalOrder.Risk },
                new() { MinimumRisk = RenewalRisk.High }),
            (new() { ParentAccountId = parent, PageSize = 1 }, new() { ParentAccountId = parent }),
        };
        foreach (var (listRequest, forecastRequest) in cases)
        {
            var (list, forecast) = await Stable(listRequest, forecastRequest);
            Assert.Equal("USD", forecast.CurrencyCode);
            Assert.Equal(Commit, forecast.CommitProbability);
            AssertSums(list, forecast.Total);
            foreach (var quarter in forecast.ByQuarter)
            {
                var rows = list.Where(p => QuarterStart(p.RenewalDate).Equals(quarter.StartDate)).ToArray();
                AssertSums(rows, quarter.Figures);
            }
            foreach (var row in forecast.ByOwner)
                AssertSums(list.Where(p => p.Owner == row.Owner).ToArray(), row.Figures);
            foreach (var row in forecast.ByTier)
                AssertSums(list.Where(p => p.CsTier == row.CsTier).ToArray(), row.Figures);
            Assert.Equal(list.Count, forecast.ByQuarter.Sum(q => q.Figures.Contracts));
            Assert.Equal(list.Count, forecast.ByOwner.Sum(q => q.Figures.Contracts));
            Assert.Equal(list.Count, forecast.ByTier.Sum(q => q.Figures.Contracts));
        }
        var (tree, _) = await Stable(new() { ParentAccountId = parent }, new() { ParentAccountId = parent });
        Assert.Equal(all.List.Where(p => p.AccountId == parent || p.AccountId == child).Select(p => p.ContractId)
            .Order(StringComparer.Ordinal), tree.Select(p => p.ContractId).Order(StringComparer.Ordinal));
        Assert.True(all.Forecast.Total.CommittedContracts > 0, "some contract is committed");
        Assert.True(all.Forecast.Total.CommittedContracts < all.List.Count, "some contract is not");
    }

    [Fact]
    public async Task TheWindowIsTodayToWithinDaysAndBadFiltersAreRejectedLikeTheList()
    {
        var response = await Renewals.GetRenewalForecastAsync(new() { WithinDays = 30 }, cancellationToken: Ct);

        Assert.Equal(Build.Date("2026-03-15"), response.Forecast.StartDate);
        Assert.Equal(Build.Date("2026-04-14"), response.Forecast.EndDate);
        Assert.Equal(0, response.ExchangeRatesVersion);
        await RejectsField("within_days", () => Renewals.GetRenewalForecastAsync(
            new() { WithinDays = 181 }, cancellationToken: Ct).ResponseAsync);
        await RejectsField("cs_tier", () => Renewals.GetRenewalForecastAsync(
            new() { CsTier = (CsTier)99 }, cancellationToken: Ct).ResponseAsync);
        await RejectsField("owner", () => Renewals.GetRenewalForecastAsync(
            new() { Owner = new string('o', 1000) }, cancellationToken: Ct).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Renewals.GetRenewalForecastAsync(
            new() { ParentAccountId = "no-such-parent" }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        unknown = await Assert.ThrowsAsync<RpcException>(() => Renewals.ListUpcomingRenewalsAsync(
            new() { ParentAccountId = "no-such-parent" }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    /// <summary>Two accounts with upcoming renewals, the second made a child of the first; their ids.</summary>
    private async Task<(string Parent, string Child)> GivenTwoAccountsInOneTree(IReadOnlyList<RenewalPrediction> list)
    {
        var ids = list.Select(p => p.AccountId).Distinct().Order(StringComparer.Ordinal).Take(2).ToArray();
        var child = (await Accounts.GetAccountAsync(new() { AccountId = ids[1] }, cancellationToken: Ct)).Account;
        child.ParentAccountId = ids[0];
        await Accounts.UpsertAccountAsync(new() { Account = child }, cancellationToken: Ct);
        return (ids[0], ids[1]);
    }

    /// <summary>
    /// The list (every page) and the forecast of one state: the worker may update predictions between calls, so the
    /// list is read before and after the forecast until both reads agree.
    /// </summary>
    private async Task<(IReadOnlyList<RenewalPrediction> List, RenewalForecast Forecast)> Stable(
        ListUpcomingRenewalsRequest list, GetRenewalForecastRequest forecast)
    {
        for (var attempt = 0; ; attempt++)
        {
            var before = await AllUpcoming(list);
            var response = await Renewals.GetRenewalForecastAsync(forecast, cancellationToken: Ct);
            var after = await AllUpcoming(list);
            if (Fingerprint(before) == Fingerprint(after) || attempt == 50) return (after, response.Forecast);
            await Task.Delay(100, Ct);
        }
    }

    private static string Fingerprint(IEnumerable<RenewalPrediction> list) =>
        string.Join(";", list.Select(p => $"{p.ContractId}:{p.ExpectedRenewalArr}").Order(StringComparer.Ordinal));

    /// <summary>The figures, each summed by hand from the list's rows by its documented formula.</summary>
    private static void AssertSums(IReadOnlyList<RenewalPrediction> rows, RenewalForecastFigures figures)
    {
        static decimal Arr(RenewalPrediction p) => Build.Amount(p.Arr);
        static decimal Best(RenewalPrediction p) => Arr(p) * (decimal)p.ArrChangeRatio;
        var committed = rows.Where(p => p.RenewalProbability >= Commit).ToArray();
        Assert.Equal(rows.Count, figures.Contracts);
        Assert.Equal(committed.Length, figures.CommittedContracts);
        Close(rows.Sum(Arr), figures.Arr);
        Close(rows.Sum(p => Build.Amount(p.ExpectedRenewalArr)), figures.ExpectedArr);
        Close(rows.Sum(Best), figures.BestCaseArr);
        Close(committed.Sum(Best), figures.CommittedArr);
        Close(committed.Sum(p => Build.Amount(p.ExpectedRenewalArr)), figures.WorstCaseArr);
        Assert.All(
            new[] { figures.Arr, figures.ExpectedArr, figures.BestCaseArr, figures.CommittedArr, figures.WorstCaseArr },
            m => Assert.Equal("USD", m.CurrencyCode));
    }

    /// <summary>Equal within rounding: a cent.</summary>
    private static void Close(decimal expected, Google.Type.Money actual) =>
        Assert.InRange(Build.Amount(actual) - expected, -0.01m, 0.01m);

    private static Google.Type.Date QuarterStart(Google.Type.Date day) =>
        new() { Year = day.Year, Month = (day.Month - 1) / 3 * 3 + 1, Day = 1 };
}
