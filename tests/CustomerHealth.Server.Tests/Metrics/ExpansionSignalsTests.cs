using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Core;
using static CustomerHealth.Server.Tests.Engagement.Events;

namespace CustomerHealth.Server.Tests.Metrics;

public sealed class ExpansionSignalsOnSqlite(SqliteTestDatabase database)
    : ExpansionSignalsTests<SqliteTestDatabase>(database);

public sealed class ExpansionSignalsOnPostgreSql(PostgreSqlTestDatabase database)
    : ExpansionSignalsTests<PostgreSqlTestDatabase>(database);

public sealed class ExpansionSignalsOnSqlServer(SqlServerTestDatabase database)
    : ExpansionSignalsTests<SqlServerTestDatabase>(database);

/// <summary>
/// Expansion signals of one peer group (low-touch, segment "Expansion"), today 2026-03-15: the last 30 days run from
/// 2026-02-14, the 30 before from 2026-01-15. Five quiet peers (10 seats, one login in each window: 0.1 events a seat);
/// "full" (4 seats, 4 users on 20 days: saturated, 20 events a seat); "grower" (100 seats, 5 users and 50 reports
/// before, 7 users and 80 reports now: 0.87 events a seat). Peer medians: 0.1 events a seat, 10 seats. Low-touch
/// accounts score on momentum alone here, so the two growing accounts are not critical.
/// </summary>
public abstract class ExpansionSignalsTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private const string Segment = "Expansion";
    private const string FullOwner = "pql@example.com";

    private AccountService.AccountServiceClient Accounts => new(Service.Channel);
    private EngagementService.EngagementServiceClient Engagement => new(Service.Channel);
    private MetricsService.MetricsServiceClient Metrics => new(Service.Channel);

    [Fact]
    public async Task SaturatedGrowingAndHeavyAccountsAreProductQualifiedWithTheirReasons()
    {
        await GivenPeerGroup();

        var full = await Eventually("full", s => s.Reasons.Count == 2 && s.Band != HealthBand.Unspecified);
        Assert.Equal([ExpansionSignalKind.SeatSaturation, ExpansionSignalKind.HeavyForItsPlan],
            full.Reasons.Select(r => r.Kind));
        Assert.Equal(1.0, full.SeatSaturation);
        Assert.Equal((4, 4, 4), (full.Seats, full.ActiveUsers, full.PreviousActiveUsers));
        Assert.Equal(20.0, full.UsagePerSeat);
        Assert.Equal(0.1, full.PeerUsagePerSeat, 9);
        Assert.Equal(10.0, full.PeerSeats);
        Assert.Equal(200.0, full.Reasons[1].Value, 9);            // 20 / 0.1
        Assert.True(full.ProductQualified, full.NotQualifiedReason);

        var grower = await Eventually("grower", s => s.Reasons.Count == 2 && s.Band != HealthBand.Unspecified);
        Assert.Equal([ExpansionSignalKind.ActiveUserGrowth, ExpansionSignalKind.KeyFeatureGrowth],
            grower.Reasons.Select(r => r.Kind));
        Assert.Equal(0.4, grower.ActiveUserGrowth, 9);             // (7 − 5) / 5
        Assert.Equal(0.6, grower.KeyFeatureGrowth, 9);             // (80 − 50) / 50
        Assert.Equal((80L, 50L), (grower.KeyFeatureEvents, grower.PreviousKeyFeatureEvents));
        Assert.Equal(0.07, grower.SeatSaturation, 9);
        Assert.Contains("active users grew from 5 to 7", grower.Reasons[0].Explanation, StringComparison.Ordinal);
        Assert.True(grower.ProductQualified, grower.NotQualifiedReason);

        var quiet = await Metrics.GetExpansionSignalsAsync(new() { AccountId = "quiet-1" }, cancellationToken: Ct);
        Assert.Empty(quiet.Signals.Reasons);
        Assert.False(quiet.Signals.ProductQualified);
        Assert.Equal(Build.Date("2026-03-15"), quiet.Signals.AsOfDate);
    }

    [Fact]
    public async Task TheListHoldsTheLeadsAndFiltersByOwnerAndSignalAgainstTheWholePeerGroup()
    {
        await GivenPeerGroup();
        await Eventually("grower", s => s.Reasons.Count == 2 && s.Band != HealthBand.Unspecified);
        await Eventually("full", s => s.Band != HealthBand.Unspecified);

        var leads = await All(new ListExpansionSignalsRequest { Segment = Segment, PageSize = 1 });
        Assert.Equal(["full", "grower"], leads.Select(s => s.AccountId));
        var everyone = await All(new ListExpansionSignalsRequest { Segment = Segment, IncludeNotQualified = true });
        Assert.Equal(7, everyone.Count);
        var ids = everyone.Select(s => s.AccountId).ToArray();
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        var owned = await All(new ListExpansionSignalsRequest { Owner = FullOwner });
        Assert.Equal(10.0, Assert.Single(owned).PeerSeats);       // still compared with the whole group
        var saturated = await All(new ListExpansionSignalsRequest
        {
            Segment = Segment, CsTier = CsTier.LowTouch, Signal = ExpansionSignalKind.SeatSaturation,
        });
        Assert.Equal("full", Assert.Single(saturated).AccountId);
    }

    [Fact]
    public async Task BadRequestsNameTheFieldAndUnknownAccountsAreNotFound()
    {
        await FailsWith(StatusCode.NotFound, () => Metrics.GetExpansionSignalsAsync(
            new() { AccountId = "nobody" }, cancellationToken: Ct).ResponseAsync);
        await RejectsField("signal", () => Metrics.ListExpansionSignalsAsync(
            new() { Signal = (ExpansionSignalKind)99 }, cancellationToken: Ct).ResponseAsync);
        await RejectsField("page_token", () => Metrics.ListExpansionSignalsAsync(
            new() { PageToken = "not-a-token" }, cancellationToken: Ct).ResponseAsync);
        await RejectsField("segment", () => Metrics.ListExpansionSignalsAsync(
            new() { Segment = new string('s', 5000) }, cancellationToken: Ct).ResponseAsync);
    }

    /// <summary>The group, written once per class (its tests share the database).</summary>
    private async Task GivenPeerGroup()
    {
        if ((await Accounts.GetAccountAsync(new() { AccountId = "grower" }, cancellationToken: Ct)
                .ResponseAsync.ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default))) return;
        await Engagement.UpdateEventCatalogueAsync(new()
        {
            Catalogue = new EventCatalogue
            {
                Events =
                {
                    new CatalogueEvent { EventName = "report_created", KeyFeature = true, Active = true },
                    new CatalogueEvent { EventName = "login", Active = true },
                },
            },
            UpdatedBy = "ops",
        }, cancellationToken: Ct);
        // Low-touch scores on momentum alone, so the growing accounts are not critical (a critical one is no lead).
        var health = new HealthService.HealthServiceClient(Service.Channel);
        var card = (await health.GetScorecardAsync(new(), cancellationToken: Ct)).Scorecard;
        card.LowTouch.Weights = new ComponentWeights { Momentum = 1 };
        await health.ReplaceScorecardAsync(new() { Scorecard = card, UpdatedBy = "ops" }, cancellationToken: Ct);
        var events = new List<UsageEvent>();
        for (var i = 1; i <= 5; i++)
        {
            await GivenAccount($"quiet-{i}", seats: 10);
            events.Add(Event($"q{i}-now", $"quiet-{i}", "u1", at: "2026-03-10T09:00:00Z"));
            events.Add(Event($"q{i}-before", $"quiet-{i}", "u1", at: "2026-02-05T09:00:00Z"));
        }
        await GivenAccount("full", seats: 4, owner: FullOwner);
        for (var u = 1; u <= 4; u++)
        {
            events.Add(Event($"f{u}-before", "full", $"u{u}", at: "2026-02-05T09:00:00Z"));
            for (var d = 0; d < 20; d++) events.Add(Event($"f{u}-{d}", "full", $"u{u}", at: Day(d)));
        }
        await GivenAccount("grower", seats: 100);
        for (var u = 0; u < 7; u++) events.Add(Event($"g-login-{u}", "grower", $"u{u}", at: Day(u)));
        for (var u = 0; u < 5; u++)
            events.Add(Event($"g-login-before-{u}", "grower", $"u{u}", at: "2026-02-02T09:00:00Z"));
        for (var i = 0; i < 80; i++)
            events.Add(Event($"g-now-{i}", "grower", $"u{i % 7}", "report_created", Day(i % 10)));
        for (var i = 0; i < 50; i++)
        {
            events.Add(Event($"g-before-{i}", "grower", $"u{i % 5}", "report_created",
                $"2026-02-{1 + i % 10:D2}T09:00:00Z"));
        }
        foreach (var chunk in events.Chunk(500))
            await Engagement.IngestEventsAsync(Batch(chunk), cancellationToken: Ct);
    }

    /// <summary>A day of the last 30: 2026-03-14 back <paramref name="daysBack"/> days.</summary>
    private static string Day(int daysBack) =>
        new DateTime(2026, 3, 14, 9, 0, 0, DateTimeKind.Utc).AddDays(-daysBack).ToString("yyyy-MM-ddTHH:mm:ssZ",
            System.Globalization.CultureInfo.InvariantCulture);

    private async Task GivenAccount(string id, int seats, string owner = "csm@example.com")
    {
        await Accounts.UpsertAccountAsync(new()
        {
            Account = Build.Account(id, segment: Segment, tier: CsTier.LowTouch, owner: owner),
        }, cancellationToken: Ct);
        await Accounts.UpsertContractAsync(new()
        {
            Contract = Build.Contract($"{id}-1", id, seats: seats, start: "2025-06-01", end: "2026-06-01"),
        }, cancellationToken: Ct);
    }

    /// <summary>The account's signals once <paramref name="done"/> holds (rollups land within moments); 30 s at
    /// most.</summary>
    private async Task<ExpansionSignals> Eventually(string account, Func<ExpansionSignals, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var signals = (await Metrics.GetExpansionSignalsAsync(new() { AccountId = account }, cancellationToken: Ct))
                .Signals;
            if (done(signals) || DateTime.UtcNow > deadline) return signals;
            await Task.Delay(100, Ct);
        }
    }

    private async Task<IReadOnlyList<ExpansionSignals>> All(ListExpansionSignalsRequest request)
    {
        var all = new List<ExpansionSignals>();
        while (true)
        {
            var page = await Metrics.ListExpansionSignalsAsync(request, cancellationToken: Ct);
            all.AddRange(page.Signals);
            if (page.NextPageToken == "") return all;
            request = request.Clone();
            request.PageToken = page.NextPageToken;
        }
    }
}
