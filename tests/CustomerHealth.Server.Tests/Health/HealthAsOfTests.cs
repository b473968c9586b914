using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Server.Tests.Health;

public sealed class HealthAsOfOnSqlite(SqliteTestDatabase database) : HealthAsOfTests<SqliteTestDatabase>(database);

public sealed class HealthAsOfOnPostgreSql(PostgreSqlTestDatabase database)
    : HealthAsOfTests<PostgreSqlTestDatabase>(database);

public sealed class HealthAsOfOnSqlServer(SqlServerTestDatabase database)
    : HealthAsOfTests<SqlServerTestDatabase>(database);

/// <summary>Recomputes as of a past day and the backtest against renewal outcomes, on each database engine.</summary>
public abstract class HealthAsOfTests<TDatabase>(TDatabase database) : HealthScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private static readonly DateOnly FirstDay = new(2026, 3, 15);

    private async Task<HealthSnapshot> SnapshotOf(string account, DateOnly day)
    {
        var iso = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var history = await Health.GetHealthHistoryAsync(
            new() { AccountId = account, StartDate = Build.Date(iso), EndDate = Build.Date(iso) },
            cancellationToken: Ct);
        return Assert.Single(history.Snapshots);
    }

    private Task<DateTime> SnapshotComputedAt(string account, DateOnly day) =>
        Service.InDatabaseAsync(
            db => db.HealthSnapshots.AsNoTracking().Where(s => s.AccountId == account && s.Day == day)
            .Select(s => s.ComputedAt).SingleAsync(Ct));

    /// <summary>
    /// Waits until the onboarding and health workers have no mark left: every milestone the evidence completes is
    /// saved, and every score it started computing is stored. Onboarding counts too: a milestone it completes after
    /// the day's snapshot (dated by its evidence, so as of that day) would make a recompute of the day differ from it.
    /// </summary>
    private async Task WorkerIdle()
    {
        for (var i = 0; i < 100; i++)
        {
            var busy = await Service.InDatabaseAsync(async db =>
                await db.OnboardingEvaluationQueue.AnyAsync(Ct) || await db.HealthRecomputeQueue.AnyAsync(Ct));
            if (!busy) return;
            await Task.Delay(100, Ct);
        }
        Assert.Fail("The workers still have accounts to evaluate or recompute.");
    }

    [Fact]
    public async Task RecomputingAPastDayGivesWhatTheWorkerWroteThatDayWithTheScorecardThenAndLeavesCurrentScoresAlone()
    {
        await GivenCustomer("asof", CsTier.LowTouch, seats: 4);
        await GivenDailyLogins("asof", 30, "ann", "bob", "cy");
        await Eventually(
            "asof",
            s => s.Components.Any(
                c => c.Kind == HealthComponentKind.Adoption
                && c.Explanation.StartsWith("3 of 4 seats", StringComparison.Ordinal)));
        await SnapshotStored("asof", FirstDay);
        await WorkerIdle();
        var live = await SnapshotOf("asof", FirstDay);
        Assert.True(live.HasScore);

        // Two more days go by; the daily pass writes their snapshots (windows move, the score with them).
        Clock.Advance(TimeSpan.FromDays(1));
        await SnapshotStored("asof", FirstDay.AddDays(1));
        Clock.Advance(TimeSpan.FromDays(1));
        await SnapshotStored("asof", FirstDay.AddDays(2));

        // A new scorecard today must not apply to the past day.
        var scorecard = (await Health.GetScorecardAsync(new(), cancellationToken: Ct)).Scorecard;
        scorecard.LowTouch.Weights.Engagement = 60;
        await Health.ReplaceScorecardAsync(new() { Scorecard = scorecard, UpdatedBy = "ops" }, cancellationToken: Ct);
        await Eventually("asof", s => s.ScorecardVersion == 2);
        await WorkerIdle();
        var current = await Score("asof");
        var changes = await Service.InDatabaseAsync(db => db.HealthChanges.CountAsync(Ct));

        var response = await Health.RecomputeHealthScoresAsync(
            new() { AsOfDate = Build.Date("2026-03-15") }, cancellationToken: Ct);

        Assert.True(response.AccountCount >= 1);
        Assert.False(response.CurrentScoresUpdated);
        Assert.Equal(1, response.ScorecardVersion);
        Assert.Equal(
            new DateTime(2026, 3, 15, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_990), response.AsOf.ToDateTime());
        // Really recomputed (now), and equal to the live snapshot: score, band, components and their explanations,
        // stage, version.
        Assert.Equal(Clock.GetUtcNow().UtcDateTime, await SnapshotComputedAt("asof", FirstDay));
        Assert.Equal(live, await SnapshotOf("asof", FirstDay));
        // The current score and the change feed are untouched.
        Assert.Equal(current, await Score("asof"));
        Assert.Equal(changes, await Service.InDatabaseAsync(db => db.HealthChanges.CountAsync(Ct)));

        // A day the worker never scored gets its snapshot.
        await Health.RecomputeHealthScoresAsync(new() { AsOfDate = Build.Date("2026-03-10") }, cancellationToken: Ct);
        var earlier = await SnapshotOf("asof", new DateOnly(2026, 3, 10));
        Assert.Equal(1, earlier.ScorecardVersion);
        Assert.Contains(earlier.Components, c => c.Kind == HealthComponentKind.Engagement);
    }

    [Fact]
    public async Task RecomputingTodayWritesCurrentScoresAsTheWorkerDoes()
    {
        await GivenCustomer("today", CsTier.TechTouch, seats: 5);
        await GivenDailyLogins("today", 10, "ann");
        await SnapshotStored("today", FirstDay);
        await WorkerIdle();
        Clock.Advance(TimeSpan.FromHours(2));

        var response = await Health.RecomputeHealthScoresAsync(
            new() { AsOfDate = Build.Date("2026-03-15") }, cancellationToken: Ct);

        Assert.True(response.CurrentScoresUpdated);
        Assert.Equal(Clock.GetUtcNow().UtcDateTime, response.AsOf.ToDateTime());
        var score = await Score("today");
        Assert.Equal(response.AsOf, score.AsOf);
        Assert.Equal(Clock.GetUtcNow().UtcDateTime, await SnapshotComputedAt("today", FirstDay));
    }

    [Fact]
    public async Task BadDatesAndLeadsAreInvalidArguments()
    {
        await RejectsField(
            "as_of_date", () => Health.RecomputeHealthScoresAsync(new(), cancellationToken: Ct).ResponseAsync);
        await RejectsField(
            "as_of_date",
            () => Health.RecomputeHealthScoresAsync(
                new() { AsOfDate = Build.Date("2026-03-16") }, cancellationToken: Ct).ResponseAsync);
        // 2026-03-15 minus the 400 days of raw-event retention is 2025-02-08.
        await RejectsField(
            "as_of_date",
            () => Health.RecomputeHealthScoresAsync(
                new() { AsOfDate = Build.Date("2025-02-07") }, cancellationToken: Ct).ResponseAsync);
        await RejectsField(
            "as_of_date",
            () => Health.RecomputeHealthScoresAsync(
                new() { AsOfDate = new Google.Type.Date { Year = 2026, Month = 2, Day = 30 } }, cancellationToken: Ct)
                .ResponseAsync);

        await RejectsField(
            "lead_days", () => Health.BacktestHealthScoresAsync(new() { LeadDays = -1 }, cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "lead_days", () => Health.BacktestHealthScoresAsync(new() { LeadDays = 731 }, cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "renewal_end_date",
            () => Health.BacktestHealthScoresAsync(
                new() { RenewalStartDate = Build.Date("2026-01-01"), RenewalEndDate = Build.Date("2025-12-31") },
                cancellationToken: Ct).ResponseAsync);
        await RejectsField(
            "renewal_start_date",
            () => Health.BacktestHealthScoresAsync(
                new() { RenewalStartDate = new Google.Type.Date { Year = 2026, Month = 13, Day = 1 } },
                cancellationToken: Ct).ResponseAsync);
    }

    [Fact]
    public async Task TheBacktestScoresEachOutcomeLeadDaysBeforeItsRenewalAndReportsTheAucAndBandRates()
    {
        // Renewal dates (contract ends) 2026-03-25 and 2026-03-20: with a 10-day lead, scores of 03-15 (today: the
        // worker's snapshots) and of 03-10 (computed on the spot). Renewing accounts use the product, churning ones
        // stopped in January; bt-silent has no usage data at all by its lead day: no data, not zero use.
        await GivenBacktestPortfolio();

        var report = await Health.BacktestHealthScoresAsync(new() { LeadDays = 10 }, cancellationToken: Ct);

        Assert.Equal(10, report.LeadDays);
        Assert.Equal(2, report.RenewalCount);
        Assert.Equal(2, report.ChurnCount);
        Assert.Equal(1, report.SkippedCount); // bt-later: 2026-05-22 is still ahead
        Assert.Equal(1, report.NoDataCount); // bt-silent: no usage on or before 2026-03-15
        Assert.Equal(2, report.SnapshotScoreCount);
        Assert.Equal(2, report.ComputedScoreCount);
        Assert.Equal(1.0, report.Auc);
        Assert.Equal([HealthBand.Critical, HealthBand.AtRisk, HealthBand.Healthy], report.Bands.Select(b => b.Band));
        var critical = report.Bands[0];
        Assert.Equal((0, 2, 0.0), (critical.RenewalCount, critical.ChurnCount, critical.RenewalRate));
        var healthy = report.Bands[2];
        Assert.Equal((2, 0, 1.0), (healthy.RenewalCount, healthy.ChurnCount, healthy.RenewalRate));
        Assert.False(report.Bands[1].HasRenewalRate);

        // The renewal date range keeps only the contracts ending on 2026-03-20; the default lead (90 days) is reported.
        var ranged = await Health.BacktestHealthScoresAsync(
            new()
            {
                LeadDays = 10, RenewalStartDate = Build.Date("2026-03-20"),
                RenewalEndDate = Build.Date("2026-03-20")
            }, cancellationToken: Ct);
        Assert.Equal((1, 1, 0), (ranged.RenewalCount, ranged.ChurnCount, ranged.SkippedCount));
        Assert.Equal(90, (await Health.BacktestHealthScoresAsync(new(), cancellationToken: Ct)).LeadDays);
    }

    /// <summary>Four decided renewals of low-touch customers, one still ahead and one without data.</summary>
    private async Task GivenBacktestPortfolio()
    {
        await GivenCustomer("bt-good1", CsTier.LowTouch, start: "2025-03-25", seats: 4);
        await GivenCustomer("bt-good2", CsTier.LowTouch, start: "2025-03-20", seats: 4);
        await GivenCustomer("bt-bad1", CsTier.LowTouch, start: "2025-03-25", seats: 4);
        await GivenCustomer("bt-bad2", CsTier.LowTouch, start: "2025-03-20", seats: 4);
        await GivenCustomer("bt-later", CsTier.LowTouch, start: "2025-06-01", seats: 4);
        await GivenCustomer("bt-silent", CsTier.LowTouch, start: "2025-03-25", seats: 4);
        await GivenDailyLogins("bt-good1", 30, "ann", "bob", "cy");
        await GivenDailyLogins("bt-good2", 30, "ann", "bob", "cy");
        await Engagement.IngestEventsAsync(Tests.Engagement.Events.Batch(
            Tests.Engagement.Events.Event("bt-bad1-jan", "bt-bad1", "ann", "login", at: "2026-01-20T09:00:00Z"),
            Tests.Engagement.Events.Event("bt-bad2-jan", "bt-bad2", "ann", "login", at: "2026-01-20T09:00:00Z")),
                cancellationToken: Ct);
        foreach (var (account, renewed) in new[] { ("bt-good1", true), ("bt-good2", true), ("bt-bad1", false),
            ("bt-bad2", false), ("bt-later", true), ("bt-silent", false) })
        {
            await Accounts.RecordRenewalOutcomeAsync(new()
            {
                ContractId = $"{account}-c1",
                Kind = renewed ? RenewalOutcomeKind.Renewed : RenewalOutcomeKind.Churned,
                NewArr = renewed ? Build.Money(24_000m) : null,
            }, cancellationToken: Ct);
        }
        await Eventually(
            "bt-good1",
            s => s.Components.Any(
                c => c.Kind == HealthComponentKind.Adoption
                && c.Explanation.StartsWith("3 of 4 seats", StringComparison.Ordinal)));
        await Eventually("bt-bad1", s => s.HasScore);
        await SnapshotStored("bt-good1", FirstDay);
        await SnapshotStored("bt-bad1", FirstDay);
    }
}
