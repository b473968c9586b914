using CustomerHealth.Infrastructure.Expansion;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;

namespace CustomerHealth.Server.Tests.Plays;

public sealed class ExpansionPlaysOnSqlite(SqliteTestDatabase database)
    : ExpansionPlayTests<SqliteTestDatabase>(database);

public sealed class ExpansionPlaysOnPostgreSql(PostgreSqlTestDatabase database)
    : ExpansionPlayTests<PostgreSqlTestDatabase>(database);

public sealed class ExpansionPlaysOnSqlServer(SqlServerTestDatabase database)
    : ExpansionPlayTests<SqlServerTestDatabase>(database);

/// <summary>
/// The expansion-signal play and the <c>Expansion:*</c> thresholds it shares with the expansion RPCs.
/// </summary>
public abstract class ExpansionPlayTests<TDatabase>(TDatabase database) : PlayScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    [Fact]
    public async Task ASaturatedCustomerGetsAnExpansionPlayThatTheConfiguredThresholdsCanClose()
    {
        const string owner = "plays-expand@example.com";
        await Accounts.UpsertAccountAsync(
            new() { Account = Build.Account("px-full", tier: CsTier.LowTouch, owner: owner) }, cancellationToken: Ct);
        await GivenContract("px-full", "2026-01-01", "2027-01-01", seats: 2);
        await GivenLogins("px-full", new(2026, 2, 10), new(2026, 3, 14), "ann", "bob"); // both seats in use
        await GivenTouchpoint("px-full", "px-call-1");

        var plays = await PlaysOnce(owner, p => HasActive(p, PlayRuleKind.ExpansionSignal));
        var expansion = Active(plays, PlayRuleKind.ExpansionSignal);
        var driver = Assert.Single(expansion.Drivers);
        Assert.Equal(("seat_saturation", 1.0, 0.9), (driver.Name, driver.Value, driver.Threshold));
        Assert.Contains("2 active users on 2 seats", driver.Explanation, StringComparison.Ordinal);
        Assert.Equal(PlayPriority.Medium, expansion.Priority);

        // The same database served with a saturation threshold no account reaches: rescored, the play closes, and the
        // expansion RPC applies the same threshold.
        var strict = new Dictionary<string, string> { ["Expansion:SeatSaturation"] = "1.5" };
        await using var service = new ServiceUnderTest(Database, new ManualClock(DefaultNow), settings: strict);
        await new HealthService.HealthServiceClient(service.Channel)
            .RecomputeHealthScoresAsync(new() { AsOfDate = Build.Date("2026-03-15") }, cancellationToken: Ct);
        plays = await PlaysOnce(owner, p => !HasActive(p, PlayRuleKind.ExpansionSignal));
        Assert.Equal(PlayStatus.AutoResolved, plays.Single(p => p.PlayId == expansion.PlayId).Status);
        var signals = await new MetricsService.MetricsServiceClient(service.Channel)
            .GetExpansionSignalsAsync(new() { AccountId = "px-full" }, cancellationToken: Ct);
        Assert.DoesNotContain(signals.Signals.Reasons, r => r.Kind == ExpansionSignalKind.SeatSaturation);
        Assert.Equal(1.0, signals.Signals.SeatSaturation);
    }

    [Fact]
    public void ExpansionThresholdsOutsideTheirBoundsAreRefusedEachByItsKey()
    {
        var bad = new ExpansionOptions
        {
            SeatSaturation = 0, ActiveUserGrowth = double.NaN, MinimumActiveUsers = 0, KeyFeatureGrowth = 101,
            MinimumKeyFeatureEvents = 0, PeerMultiple = 0.5, MinimumPeers = 1,
        };
        var result = new ExpansionOptionsValidator().Validate(null, bad);
        Assert.True(result.Failed);
        Assert.Equal(
            ["SeatSaturation", "ActiveUserGrowth", "MinimumActiveUsers", "KeyFeatureGrowth", "MinimumKeyFeatureEvents",
                "PeerMultiple", "MinimumPeers"],
            result.Failures!.Select(f => f["Expansion:".Length..f.IndexOf(' ', StringComparison.Ordinal)]));
        Assert.True(new ExpansionOptionsValidator().Validate(null, new ExpansionOptions()).Succeeded);
    }
}
