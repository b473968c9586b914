using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Microsoft.EntityFrameworkCore;
using static CustomerHealth.Server.Tests.Engagement.Events;

namespace CustomerHealth.Server.Tests.Metrics;

public sealed class StoredHealthFiguresOnSqlite(SqliteTestDatabase database)
    : StoredHealthFiguresTests<SqliteTestDatabase>(database);

public sealed class StoredHealthFiguresOnPostgreSql(PostgreSqlTestDatabase database)
    : StoredHealthFiguresTests<PostgreSqlTestDatabase>(database);

public sealed class StoredHealthFiguresOnSqlServer(SqlServerTestDatabase database)
    : StoredHealthFiguresTests<SqlServerTestDatabase>(database);

/// <summary>
/// The figures portfolio metrics read from the health recompute: monthly active users (the ARPU denominator), the
/// effective-account flag and the first active day (the live day), stored with the current scores (as-of day today) and
/// with each day's snapshots (a past as-of day). The test clock is 2026-03-15 10:30 UTC.
/// <code>
/// account contract (ARR) active users daily 2025-06-01..2026-06-01 12,000 u1 every day 2026-01-30..2026-02-28 (30
/// days: effective on 2026-02-28), u2 on 2026-03-10 quiet 2025-06-01..2026-06-01 18,000 q1 on 2026-01-10 newbie
/// 2026-02-01..2027-02-01 6,000 n1 on 2026-02-20 (live on day 19, no milestone done)
/// </code>
/// As of today (30 days from 2026-02-14): daily 2 (u1, u2), quiet 0, newbie 1: 3 monthly active users, ARPU 36,000 / 3
/// = 12,000; nobody was active on each of the last 30 days. As of 2026-02-28 (30 days from 2026-01-30): daily 1 and
/// effective, quiet 0, newbie 1: ARPU 36,000 / 2 = 18,000, one effective account.
/// </summary>
public abstract class StoredHealthFiguresTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private MetricsService.MetricsServiceClient Metrics => new(Service.Channel);
    private AccountService.AccountServiceClient Accounts => new(Service.Channel);
    private EngagementService.EngagementServiceClient Engagement => new(Service.Channel);
    private HealthService.HealthServiceClient Health => new(Service.Channel);

    private async Task GivenPortfolio()
    {
        await Customer("daily", 12_000m, "2025-06-01", "2026-06-01");
        await Customer("quiet", 18_000m, "2025-06-01", "2026-06-01");
        await Customer("newbie", 6_000m, "2026-02-01", "2027-02-01");
        var start = new DateOnly(2026, 1, 30);
        var events = Enumerable.Range(0, 30)
            .Select(i => Event($"d{i}", "daily", "u1", at: $"{start.AddDays(i):yyyy-MM-dd}T09:00:00Z")).ToList();
        events.Add(Event("d-u2", "daily", "u2", at: "2026-03-10T09:00:00Z"));
        events.Add(Event("q1", "quiet", "q1", at: "2026-01-10T09:00:00Z"));
        events.Add(Event("n1", "newbie", "n1", at: "2026-02-20T09:00:00Z"));
        await Engagement.IngestEventsAsync(Batch([.. events]), cancellationToken: Ct);
        await ScoresStored(3);
    }

    private async Task Customer(string id, decimal arr, string start, string end)
    {
        await Accounts.UpsertAccountAsync(
            new() { Account = Build.Account(id, tier: CsTier.LowTouch) }, cancellationToken: Ct);
        await Accounts.UpsertContractAsync(
            new() { Contract = Build.Contract($"{id}-1", id, arr: arr, seats: 4, start: start, end: end) },
            cancellationToken: Ct);
    }

    /// <summary>Waits until the recompute worker has scored every account and no mark is left.</summary>
    private async Task ScoresStored(int accounts)
    {
        for (var i = 0; i < 300; i++)
        {
            var (pending, stored) = await Service.InDatabaseAsync(
                async db => (await db.HealthRecomputeQueue.CountAsync(Ct), await db.HealthScores.CountAsync(Ct)));
            if (pending == 0 && stored == accounts) return;
            await Task.Delay(100, Ct);
        }
        Assert.Fail("The recompute worker did not score every account in time.");
    }

    private async Task<PortfolioReport> MonthTo(string? end = null)
    {
        var request = new GetPortfolioMetricsRequest { Period = new ReportingPeriod { Kind = PeriodKind.Month } };
        if (end is not null) request.Period.EndDate = Build.Date(end);
        return (await Metrics.GetPortfolioMetricsAsync(request, cancellationToken: Ct)).Report;
    }

    [Fact]
    public async Task TheRecomputeStoresMonthlyActiveUsersAndTheFirstActiveDayWithTheScore()
    {
        await GivenPortfolio();

        var scores = await Service.InDatabaseAsync(db => db.HealthScores.AsNoTracking()
            .ToDictionaryAsync(
                s => s.AccountId, s => (s.MonthlyActiveUsers, s.FirstActiveDay, s.EffectiveAccount), Ct));

        Assert.Equal((2, new DateOnly(2026, 1, 30), false), scores["daily"]);
        Assert.Equal((0, new DateOnly(2026, 1, 10), false), scores["quiet"]);
        Assert.Equal((1, new DateOnly(2026, 2, 20), false), scores["newbie"]);
    }

    [Fact]
    public async Task AsOfTodayArpuIsTheArrOverTheMonthlyActiveUsersOfTheCurrentScores()
    {
        await GivenPortfolio();

        var report = await MonthTo();

        Assert.Equal(3, report.ActiveAccounts);
        Assert.Equal(36_000m, Build.Amount(report.Arr));
        Assert.Equal(3, report.ActiveUsers);
        Assert.Equal(12_000m, Build.Amount(report.Arpu));
        Assert.Equal(0, report.EffectiveAccounts);
        // newbie went live on its first active day (2026-02-20), within 30 days of its start: the stored first active
        // day.
        var february = Assert.Single(report.Cohorts, c => c.Month.Year == 2026 && c.Month.Month == 2);
        Assert.Equal((1, 1, 1), (february.Accounts, february.WindowClosedAccounts, february.LiveWithin30DaysAccounts));
    }

    [Fact]
    public async Task APastAsOfDayReadsEachAccountsLatestSnapshotOnOrBeforeIt()
    {
        await GivenPortfolio();
        await Health.RecomputeHealthScoresAsync(new() { AsOfDate = Build.Date("2026-02-28") }, cancellationToken: Ct);

        var snapshots = await Service.InDatabaseAsync(
            db => db.HealthSnapshots.AsNoTracking().Where(s => s.Day == new DateOnly(2026, 2, 28))
            .ToDictionaryAsync(s => s.AccountId, s => (s.MonthlyActiveUsers, s.EffectiveAccount), Ct));
        Assert.Equal((1, true), snapshots["daily"]);
        Assert.Equal((0, false), snapshots["quiet"]);
        Assert.Equal((1, false), snapshots["newbie"]);

        var february = await MonthTo("2026-02-28");
        Assert.Equal(36_000m, Build.Amount(february.Arr));
        Assert.Equal(2, february.ActiveUsers);
        Assert.Equal(18_000m, Build.Amount(february.Arpu));
        Assert.Equal(1, february.EffectiveAccounts);
        Assert.Equal(3, february.AccountsByBand.Sum(b => b.Accounts));

        // No snapshot on 2026-03-05: the latest one before it (2026-02-28) answers, not today's score.
        var march = await MonthTo("2026-03-05");
        Assert.Equal((2, 1), (march.ActiveUsers, march.EffectiveAccounts));

        // Before any snapshot there is no score: no band, no monthly active users, so no ARPU.
        var january = await MonthTo("2026-01-31");
        Assert.Equal(0, january.AccountsByBand.Sum(b => b.Accounts));
        Assert.Equal(0, january.ActiveUsers);
        Assert.Null(january.Arpu);
    }
}
