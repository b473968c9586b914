using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Expansion;
using CustomerHealth.Domain.Health;

namespace CustomerHealth.Domain.Tests.Expansion;

/// <summary>Expansion signals and the PQL flag against figures worked out by hand.</summary>
public sealed class ExpansionSignalTests
{
    private static ExpansionFacts Account(
        string id, int seats = 10, int users = 5, int previousUsers = 5, long keyEvents = 100,
        long previousKeyEvents = 100, long events = 100, CsTier tier = CsTier.LowTouch, string segment = "SMB",
        HealthBand band = HealthBand.Healthy, LifecycleStage stage = LifecycleStage.Active) => new()
        {
            AccountId = id, Seats = seats, ActiveUsers = users, PreviousActiveUsers = previousUsers,
            KeyFeatureEvents = keyEvents, PreviousKeyFeatureEvents = previousKeyEvents, Events = events, Tier = tier,
            Segment = segment, Band = band, Stage = stage,
        };

    /// <summary>Five quiet peers: 10 seats, 5 users (0.5 saturation), 100 events (10 a seat), flat.</summary>
    private static IEnumerable<ExpansionFacts> QuietPeers(string prefix = "peer", CsTier tier = CsTier.LowTouch) =>
        Enumerable.Range(1, 5).Select(i => Account($"{prefix}-{i}", tier: tier));

    private static ExpansionAssessment Of(IEnumerable<ExpansionFacts> population, string id) =>
        ExpansionSignals.Assess([.. population]).Single(a => a.Facts.AccountId == id);

    [Fact]
    public void QuietAccountsFireNothingAndAreNotQualified()
    {
        var quiet = Of(QuietPeers(), "peer-1");

        Assert.Equal(0.5, quiet.SeatSaturation);
        Assert.Equal(0.0, quiet.ActiveUserGrowth);
        Assert.Equal(0.0, quiet.KeyFeatureGrowth);
        Assert.Equal(10.0, quiet.UsagePerSeat);
        Assert.Equal(10.0, quiet.PeerUsagePerSeat);
        Assert.Empty(quiet.Reasons);
        Assert.False(quiet.ProductQualified);
        Assert.Null(quiet.NotQualifiedBecause);
    }

    [Fact]
    public void NineteenOfTwentySeatsActiveIsSeatSaturation()
    {
        var full = Of(
            QuietPeers().Append(Account("full", seats: 20, users: 19, previousUsers: 19, events: 200)), "full");

        var reason = Assert.Single(full.Reasons);
        Assert.Equal(ExpansionSignalKind.SeatSaturation, reason.Kind);
        Assert.Equal(0.95, reason.Value, 12);
        Assert.Equal("19 active users on 20 seats (95%, from 90%)", reason.Explanation.Replace(" %", "%"));
        Assert.True(full.ProductQualified);
    }

    [Fact]
    public void GrowthFiresFromItsThresholdAndOnlyAboveTheMinimumSize()
    {
        var growing = Of(
            [Account("growing", seats: 20, users: 13, previousUsers: 10, keyEvents: 150, previousKeyEvents: 100)],
            "growing");
        var tiny = Of([Account("tiny", users: 2, previousUsers: 1, keyEvents: 40, previousKeyEvents: 20)], "tiny");

        Assert.Equal([ExpansionSignalKind.ActiveUserGrowth, ExpansionSignalKind.KeyFeatureGrowth],
            growing.Reasons.Select(r => r.Kind));
        Assert.Equal(0.3, growing.ActiveUserGrowth!.Value, 12);   // (13 − 10) / 10
        Assert.Equal(0.5, growing.KeyFeatureGrowth!.Value, 12);   // (150 − 100) / 100
        Assert.Equal(1.0, tiny.ActiveUserGrowth!.Value, 12);      // doubled, but 2 users are fewer than 5
        Assert.Equal(1.0, tiny.KeyFeatureGrowth!.Value, 12);      // doubled, but 40 events are fewer than 50
        Assert.Empty(tiny.Reasons);
        Assert.Null(growing.PeerUsagePerSeat);                    // a group of one is no peer group
    }

    [Fact]
    public void ASmallPlanUsedFarMoreThanItsPeersBehavesLikeABiggerOne()
    {
        // Usage per seat of the group: 10, 10, 10, 10, 10 and 50 → median 10; seats 10 × 5 and 8 → median 10.
        var population = QuietPeers().Append(Account("heavy", seats: 8, users: 6, previousUsers: 6, events: 400))
            .Append(Account("big", seats: 40, users: 6, previousUsers: 6, events: 4_000, tier: CsTier.HighTouch));
        var heavy = Of(population, "heavy");

        var reason = Assert.Single(heavy.Reasons);
        Assert.Equal(ExpansionSignalKind.HeavyForItsPlan, reason.Kind);
        Assert.Equal(5.0, reason.Value, 12);                      // 50 / 10
        Assert.Equal(10.0, heavy.PeerSeats);
        Assert.True(heavy.ProductQualified);
        Assert.Null(Of(population, "big").PeerUsagePerSeat);     // alone in high-touch / SMB
    }

    [Fact]
    public void ABigPlanUsedHeavilyIsNotASmallPlanBehavingLikeABiggerOne()
    {
        var heavyButBig = Of(QuietPeers().Append(Account("wide", seats: 30, users: 6, previousUsers: 6, events: 1_500)),
            "wide");

        Assert.Equal(50.0, heavyButBig.UsagePerSeat);
        Assert.Empty(heavyButBig.Reasons);                        // 30 seats is more than the peers' median of 10
    }

    [Fact]
    public void SignalsOnACriticalChurnedOrSeatlessAccountAreNoLead()
    {
        var critical = Of([Account("c", users: 13, previousUsers: 10, band: HealthBand.Critical)], "c");
        var churned = Of([Account("x", users: 13, previousUsers: 10, stage: LifecycleStage.Churned)], "x");
        var seatless = Of([Account("s", seats: 0, users: 13, previousUsers: 10)], "s");

        Assert.All(new[] { critical, churned, seatless }, a =>
        {
            Assert.NotEmpty(a.Reasons);
            Assert.False(a.ProductQualified);
        });
        Assert.Contains("critical", critical.NotQualifiedBecause, StringComparison.Ordinal);
        Assert.Equal("the account churned", churned.NotQualifiedBecause);
        Assert.Equal("no running contract with seats", seatless.NotQualifiedBecause);
        Assert.Null(seatless.SeatSaturation);
    }
}
