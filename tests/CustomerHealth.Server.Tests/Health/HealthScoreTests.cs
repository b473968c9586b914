using CustomerHealth.Server.Health;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using static CustomerHealth.Server.Tests.Engagement.Events;

namespace CustomerHealth.Server.Tests.Health;

public sealed class HealthScoresOnSqlite(SqliteTestDatabase database) : HealthScoreTests<SqliteTestDatabase>(database);

public sealed class HealthScoresOnPostgreSql(PostgreSqlTestDatabase database)
    : HealthScoreTests<PostgreSqlTestDatabase>(database);

public sealed class HealthScoresOnSqlServer(SqlServerTestDatabase database)
    : HealthScoreTests<SqlServerTestDatabase>(database);

/// <summary>Clients and givens shared by the health test classes. The test clock starts 2026-03-15 10:30 UTC.</summary>
public abstract class HealthScenario<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    protected HealthService.HealthServiceClient Health => new(Service.Channel);
    protected AccountService.AccountServiceClient Accounts => new(Service.Channel);
    protected EngagementService.EngagementServiceClient Engagement => new(Service.Channel);

    /// <summary>An account with one contract of a year.</summary>
    protected async Task GivenCustomer(
        string id, CsTier tier, string start = "2026-01-01", int seats = 4, decimal arr = 24_000m,
        string owner = "csm.alice@example.com")
    {
        await Accounts.UpsertAccountAsync(
            new() { Account = Build.Account(id, tier: tier, owner: owner) }, cancellationToken: Ct);
        var end = DateOnly.ParseExact(start, "yyyy-MM-dd").AddYears(1).ToString("yyyy-MM-dd");
        await Accounts.UpsertContractAsync(
            new() { Contract = Build.Contract($"{id}-c1", id, arr: arr, seats: seats, start: start, end: end) },
            cancellationToken: Ct);
    }

    /// <summary>
    /// Logins of <paramref name="users"/> on each of the <paramref name="days"/> days up to 2026-03-14.
    /// </summary>
    protected async Task GivenDailyLogins(string account, int days, params string[] users)
    {
        var events = new List<UsageEvent>();
        for (var d = 0; d < days; d++)
        {
            var day = new DateOnly(2026, 3, 14).AddDays(-d).ToString("yyyy-MM-dd");
            events.AddRange(
                users.Select(u => Event($"{account}-{u}-{day}", account, u, "login", at: $"{day}T09:00:00Z")));
        }
        await Engagement.IngestEventsAsync(Batch([.. events]), cancellationToken: Ct);
    }

    protected async Task<HealthScore> Score(string account) =>
        (await Health.GetHealthScoreAsync(new() { AccountId = account }, cancellationToken: Ct)).Score;

    /// <summary>
    /// Polls the account's score until <paramref name="done"/> holds and the worker has stored that very score (a Get
    /// of an account not stored yet scores it on the spot): the worker recomputes in the background.
    /// </summary>
    protected async Task<HealthScore> Eventually(string account, Func<HealthScore, bool> done)
    {
        for (var i = 0; i < 100; i++)
        {
            var score = await Score(account);
            if (done(score) && await IsStored(score)) return score;
            await Task.Delay(100, Ct);
        }
        return await Score(account);
    }

    private Task<bool> IsStored(HealthScore score) =>
        Service.InDatabaseAsync(async db =>
            await db.HealthScores.AsNoTracking()
                .SingleOrDefaultAsync(s => s.AccountId == score.AccountId, Ct) is { } row && row.ToProto()
                .Equals(score));

    /// <summary>Waits until the worker has stored the account's snapshot of <paramref name="day"/>.</summary>
    protected async Task SnapshotStored(string account, DateOnly day)
    {
        var now = Clock.GetUtcNow().UtcDateTime;
        for (var i = 0; i < 100; i++)
        {
            // A snapshot of the day, and no write left waiting to be scored (else the snapshot may predate it).
            if (await Service.InDatabaseAsync(
                db => Task.FromResult(db.HealthSnapshots.Any(s => s.AccountId == account && s.Day == day)
                    && !db.HealthRecomputeQueue.Any(q => q.AccountId == account && q.DueAt <= now)))) return;
            await Task.Delay(100, Ct);
        }
        Assert.Fail($"No snapshot of {account} on {day:yyyy-MM-dd}.");
    }

    /// <summary>Waits until every listed account has a stored score computed since now (by the test clock).</summary>
    protected async Task AllStored(params string[] accounts)
    {
        var since = Clock.GetUtcNow().UtcDateTime;
        for (var i = 0; i < 100; i++)
        {
            var stored = await Service.InDatabaseAsync(
                db => Task.FromResult(
                    db.HealthScores.Count(s => accounts.Contains(s.AccountId) && s.ComputedAt >= since)));
            if (stored == accounts.Length) return;
            await Task.Delay(100, Ct);
        }
        Assert.Fail($"Not all of {string.Join(", ", accounts)} were scored.");
    }
}

/// <summary>Health scores through real gRPC calls, on each database engine.</summary>
public abstract class HealthScoreTests<TDatabase>(TDatabase database) : HealthScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    [Fact]
    public async Task AScoreAppearsByItselfAfterEventsAndItsComponentsExplainThemselves()
    {
        await GivenCustomer("acme", CsTier.LowTouch, seats: 4);
        await GivenDailyLogins("acme", 30, "ann", "bob", "cy");

        var score = await Eventually(
            "acme",
            s => s.Components.Any(
                c => c.Kind == HealthComponentKind.Adoption
                && c.Explanation.StartsWith("3 of 4 seats", StringComparison.Ordinal)));

        Assert.True(score.HasScore);
        Assert.Equal(CsTier.LowTouch, score.CsTier);
        Assert.Equal(1, score.ScorecardVersion);
        var engagement = score.Components.Single(c => c.Kind == HealthComponentKind.Engagement);
        // Logins on 29 of the 30 days up to 2026-03-15 (none yet today), all three users each time: 100 x (29/30 +
        // 29/30) / 2.
        Assert.Equal(96.7, engagement.Score, 1);
        Assert.StartsWith(
            "Active on 29 of the last 30 days; DAU/MAU 97%", engagement.Explanation, StringComparison.Ordinal);
        Assert.Equal(1, score.Components.Sum(c => c.Weight), 6);
        Assert.Contains(
            score.Completeness.Missing, m => m.Kind == HealthComponentKind.Sentiment
            && m.Reason.Contains("no NPS answer", StringComparison.Ordinal));
        Assert.InRange(score.Completeness.Share, 0.5, 1);
        Assert.Equal(HealthBand.Healthy, score.Band);
        Assert.Equal(LifecycleStage.Active, score.LifecycleStage);
        // Logins on each of the 30 complete days before today (none yet today): effective all of today.
        Assert.True(score.EffectiveAccount);

        var history = await Health.GetHealthHistoryAsync(
            new() { AccountId = "acme", StartDate = Build.Date("2026-03-01"), EndDate = Build.Date("2026-03-31") },
            cancellationToken: Ct);
        var today = Assert.Single(history.Snapshots);
        Assert.Equal(Build.Date("2026-03-15"), today.Day);
        Assert.Equal(score.Score, today.Score);
    }

    [Fact]
    public async Task ErasingAPersonChangingTheCatalogueOrRebuildingRollupsRescoresTheAccount()
    {
        await GivenCustomer("rescored", CsTier.LowTouch, seats: 4);
        await GivenDailyLogins("rescored", 30, "ann", "bob", "cy");
        static string Adoption(HealthScore s) =>
            s.Components.SingleOrDefault(c => c.Kind == HealthComponentKind.Adoption)?.Explanation ?? "";
        await Eventually("rescored", s => Adoption(s).StartsWith("3 of 4 seats", StringComparison.Ordinal));

        // These three write the rollups with their own SQL, past the EF Core interceptor that marks scores stale.
        await Engagement.DeletePersonDataAsync(new() { UserId = "cy", AccountId = "rescored" }, cancellationToken: Ct);
        var erased = await Eventually("rescored",
            s => Adoption(s).StartsWith("2 of 4 seats", StringComparison.Ordinal));

        var catalogue = new EventCatalogue();
        catalogue.Events.Add(new CatalogueEvent { EventName = "login", Active = false });
        await Engagement.UpdateEventCatalogueAsync(new() { Catalogue = catalogue }, cancellationToken: Ct);
        await Eventually("rescored", s => Adoption(s).Length > 0 && Adoption(s) != Adoption(erased));

        Clock.Advance(TimeSpan.FromMinutes(1));
        await Engagement.RebuildRollupsAsync(new()
        {
            AccountId = "rescored", StartDate = Build.Date("2026-01-01"), EndDate = Build.Date("2026-03-15"),
        }, cancellationToken: Ct);
        await AllStored("rescored");
    }

    [Fact]
    public async Task AnAccountWhoseLastContractChurnedIsChurnedNotALead()
    {
        await Accounts.UpsertAccountAsync(
            new() { Account = Build.Account("gone", tier: CsTier.LowTouch) }, cancellationToken: Ct);
        await Accounts.UpsertContractAsync(
            new() { Contract = Build.Contract("gone-c1", "gone", start: "2025-02-01", end: "2026-02-01") },
            cancellationToken: Ct);
        await Accounts.RecordRenewalOutcomeAsync(
            new() { ContractId = "gone-c1", Kind = RenewalOutcomeKind.Churned }, cancellationToken: Ct);

        var score = await Eventually("gone", s => s.LifecycleStage == LifecycleStage.Churned);

        Assert.Equal(LifecycleStage.Churned, score.LifecycleStage);
    }

    [Fact]
    public async Task NewSignalsMarkTheAccountForRecompute()
    {
        await GivenCustomer("sig", CsTier.HighTouch, seats: 10);
        await GivenDailyLogins("sig", 30, "ann");
        await Eventually("sig", s => s.Components.Any(c => c.Kind == HealthComponentKind.Engagement));

        await new EngagementService.EngagementServiceClient(Service.Channel).RecordNpsResponseAsync(new()
        {
            Response = new NpsResponse
            {
                ResponseId = "n1", AccountId = "sig", RespondentId = "ann", Score = 10,
                AnswerTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(
                    new DateTime(2026, 3, 10, 0, 0, 0, DateTimeKind.Utc))
            },
        }, cancellationToken: Ct);

        var score = await Eventually("sig", s => s.Components.Any(c => c.Kind == HealthComponentKind.Sentiment));
        Assert.Contains(
            "1 NPS answer", score.Components.Single(c => c.Kind == HealthComponentKind.Sentiment).Explanation,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task AScoreFromOlderSignalsNeverReplacesANewerOne()
    {
        await GivenCustomer("fresh", CsTier.HighTouch, seats: 10);
        await GivenDailyLogins("fresh", 30, "ann");
        await Eventually("fresh", s => s.Components.Any(c => c.Kind == HealthComponentKind.Engagement));
        Clock.Advance(TimeSpan.FromMinutes(30));
        var newer = await Health.RecomputeHealthScoresAsync(
            new() { AsOfDate = Build.Date("2026-03-15") }, cancellationToken: Ct);
        Assert.Equal(newer.AsOf, (await Score("fresh")).AsOf);

        // A pass that took its signals half an hour earlier (as a worker pass that read them before the recompute
        // above and stores after it) keeps the newer score.
        Clock.Set(DefaultNow);
        var older = await Health.RecomputeHealthScoresAsync(
            new() { AsOfDate = Build.Date("2026-03-15") }, cancellationToken: Ct);
        Assert.True(older.AsOf.ToDateTime() < newer.AsOf.ToDateTime());
        Assert.Equal(newer.AsOf, (await Score("fresh")).AsOf);
        var stored = await Service.InDatabaseAsync(db => db.HealthScores.Where(s => s.AccountId == "fresh")
            .Select(s => s.AsOf).SingleAsync(Ct));
        Assert.Equal(newer.AsOf.ToDateTime(), DateTime.SpecifyKind(stored, DateTimeKind.Utc));
    }

    [Fact]
    public async Task GetOfAnUnknownAccountIsNotFoundAndBatchGetReportsMissingIds()
    {
        await GivenCustomer("known", CsTier.TechTouch);

        await FailsWith(
            StatusCode.NotFound, () => Health.GetHealthScoreAsync(new() { AccountId = "ghost" }, cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "account_id", () => Health.GetHealthScoreAsync(new() { AccountId = "" }, cancellationToken: Ct)
            .ResponseAsync);

        var batch = await Health.BatchGetHealthScoresAsync(
            new() { AccountIds = { "ghost", "known", "known", "phantom" } }, cancellationToken: Ct);
        Assert.Equal(["known"], batch.Scores.Select(s => s.AccountId));
        Assert.Equal(["ghost", "phantom"], batch.MissingAccountIds);

        var tooMany = new BatchGetHealthScoresRequest();
        tooMany.AccountIds.AddRange(Enumerable.Range(0, 1001).Select(i => $"a{i}"));
        await RejectsField(
            "account_ids", () => Health.BatchGetHealthScoresAsync(tooMany, cancellationToken: Ct).ResponseAsync);
    }

    [Fact]
    public async Task ListFiltersOrdersAndPages()
    {
        await GivenCustomer("l-big", CsTier.HighTouch, start: "2025-06-01", arr: 250_000m, owner: "list-owner");
        await GivenCustomer("l-mid", CsTier.LowTouch, start: "2025-04-10", arr: 40_000m, owner: "list-owner");
        await GivenCustomer("l-small", CsTier.TechTouch, start: "2025-12-01", arr: 5_000m, owner: "list-owner");
        await GivenCustomer("l-other", CsTier.LowTouch, start: "2026-02-01", arr: 60_000m, owner: "someone-else");
        await GivenDailyLogins("l-mid", 20, "ann");
        await AllStored("l-big", "l-mid", "l-small", "l-other");

        var byArr = new List<string>();
        var token = "";
        do
        {
            var page = await Health.ListHealthScoresAsync(
                new() { Owner = "list-owner", OrderBy = HealthScoreOrder.Arr, PageSize = 2, PageToken = token },
                cancellationToken: Ct);
            Assert.True(page.Scores.Count <= 2);
            byArr.AddRange(page.Scores.Select(s => s.AccountId));
            token = page.NextPageToken;
        }
        while (token != "");
        Assert.Equal(["l-big", "l-mid", "l-small"], byArr);

        var byRenewal = await Health.ListHealthScoresAsync(
            new() { OrderBy = HealthScoreOrder.RenewalDate, PageSize = 1000 }, cancellationToken: Ct);
        Assert.Equal(
            ["l-mid", "l-big", "l-small", "l-other"],
            byRenewal.Scores.Where(s => s.AccountId.StartsWith("l-", StringComparison.Ordinal))
            .Select(s => s.AccountId));

        // Renewals within 60 days of 2026-03-15: l-mid (2026-04-10) only.
        var renewing = await Health.ListHealthScoresAsync(new() { RenewalWithinDays = 60 }, cancellationToken: Ct);
        Assert.Equal(["l-mid"], renewing.Scores.Select(s => s.AccountId));

        var lowTouch = await Health.ListHealthScoresAsync(
            new() { CsTier = CsTier.LowTouch, Owner = "list-owner" }, cancellationToken: Ct);
        Assert.Equal(["l-mid"], lowTouch.Scores.Select(s => s.AccountId));

        var byScore = (await Health.ListHealthScoresAsync(
            new() { OrderBy = HealthScoreOrder.Score, PageSize = 1000 }, cancellationToken: Ct)).Scores;
        var known = byScore.TakeWhile(s => s.HasScore).Select(s => s.Score).ToArray();
        Assert.Equal(known.Order(), known);
        Assert.All(byScore.Skip(known.Length), s => Assert.False(s.HasScore));

        var band = byScore.First().Band;
        var inBand = await Health.ListHealthScoresAsync(new() { Band = band, PageSize = 1000 }, cancellationToken: Ct);
        Assert.All(inBand.Scores, s => Assert.Equal(band, s.Band));
        Assert.Equal(byScore.Count(s => s.Band == band), inBand.Scores.Count);

        await RejectsField(
            "page_token",
            () => Health.ListHealthScoresAsync(
                new() { OrderBy = HealthScoreOrder.Score, PageToken = "bm9wZQ" }, cancellationToken: Ct).ResponseAsync);
        await RejectsField(
            "renewal_within_days",
            () => Health.ListHealthScoresAsync(new() { RenewalWithinDays = -1 }, cancellationToken: Ct).ResponseAsync);
    }

    [Fact]
    public async Task TheDailyPassAddsOneSnapshotPerDayToTheHistory()
    {
        await GivenCustomer("daily", CsTier.TechTouch, seats: 5);
        await GivenDailyLogins("daily", 14, "ann", "bob");
        await SnapshotStored("daily", new DateOnly(2026, 3, 15));

        Clock.Advance(TimeSpan.FromDays(1));
        await SnapshotStored("daily", new DateOnly(2026, 3, 16));

        var history = await Health.GetHealthHistoryAsync(
            new() { AccountId = "daily", StartDate = Build.Date("2026-03-10"), EndDate = Build.Date("2026-03-20") },
            cancellationToken: Ct);
        Assert.Equal([Build.Date("2026-03-15"), Build.Date("2026-03-16")], history.Snapshots.Select(s => s.Day));
        Assert.All(
            history.Snapshots, s => Assert.Contains(s.Components, c => c.Kind == HealthComponentKind.Engagement));

        await FailsWith(
            StatusCode.NotFound,
            () => Health.GetHealthHistoryAsync(
                new()
                {
                    AccountId = "ghost", StartDate = Build.Date("2026-03-10"),
                    EndDate = Build.Date("2026-03-20")
                }, cancellationToken: Ct).ResponseAsync);
        await RejectsField(
            "end_date",
            () => Health.GetHealthHistoryAsync(
                new()
                {
                    AccountId = "daily", StartDate = Build.Date("2026-03-10"),
                    EndDate = Build.Date("2026-03-01")
                }, cancellationToken: Ct).ResponseAsync);
    }
}
