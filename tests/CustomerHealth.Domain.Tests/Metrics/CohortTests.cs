using CustomerHealth.Domain.Metrics;
using static CustomerHealth.Domain.Tests.Metrics.Portfolio;

namespace CustomerHealth.Domain.Tests.Metrics;

/// <summary>Monthly start cohorts: survival (live within 30 days) and retention curves.</summary>
public sealed class CohortTests
{
    /// <summary>
    /// Two years of starts (USD):
    /// <list type="bullet">
    /// <item>January 2024: jan-a 10,000 from 01-10, live after 15 days, renewed at 12,000; jan-b 10,000 from 01-20,
    /// live after 41 days, churned at its end.</item> <item>June 2024: jun-a 4,000 from 06-05, live after 15 days,
    /// churned at its end (2025-06-05), back at 6,000 from 2025-09-01.</item> <item>March 2025: mar-a 5,000 from 03-20,
    /// live after 5 days.</item>
    /// </list>
    /// </summary>
    private static Portfolio TwoYears() => new Portfolio()
        .Account("jan-a").Contract(10_000m, "2024-01-10", "2025-01-10").Renewed(12_000m)
            .With(a => a with { LiveOn = Day("2024-01-25") })
        .Account("jan-b").Contract(10_000m, "2024-01-20", "2025-01-20").Churned()
            .With(a => a with { LiveOn = Day("2024-03-01") })
        .Account("jun-a").Contract(4_000m, "2024-06-05", "2025-06-05").Churned()
            .Contract(6_000m, "2025-09-01", "2026-09-01").With(a => a with { LiveOn = Day("2024-06-20") })
        .Account("mar-a").Contract(5_000m, "2025-03-20", "2026-03-20").With(a => a with { LiveOn = Day("2025-03-25") })
        .Account("lead");

    [Fact]
    public void EachStartMonthIsACohortWithACurvePointPerMonthEndSoFar()
    {
        var cohorts = TwoYears().Report(Year("2025-12-31")).Cohorts;

        Assert.Equal([Day("2024-01-01"), Day("2024-06-01"), Day("2025-03-01")], cohorts.Select(c => c.Month));
        Assert.Equal([2, 1, 1], cohorts.Select(c => c.Accounts));
        Assert.Equal([20_000m, 4_000m, 5_000m], cohorts.Select(c => c.StartingArr));
        // month ends 2024-01-31 (0) .. 2025-12-31 (23), ...
        Assert.Equal([24, 19, 10], cohorts.Select(c => c.Retention.Count));
        Assert.All(cohorts, c => Assert.Equal(Day("2025-12-31"), c.Retention[^1].On));
    }

    [Fact]
    public void TheRetentionCurveFollowsRenewalsChurnsAndReturns()
    {
        var cohorts = TwoYears().Report(Year("2025-12-31")).Cohorts;
        var (january, june) = (cohorts[0], cohorts[1]);

        Assert.Equal(new RetentionPoint(0, Day("2024-01-31"), 2, 20_000m, 1.0, 1.0), january.Retention[0]);
        Assert.Equal(new RetentionPoint(11, Day("2024-12-31"), 2, 20_000m, 1.0, 1.0), january.Retention[11]);
        // A year on, jan-b has churned and jan-a renewed at 12,000: half the logos, 60 % of the ARR.
        Assert.Equal(new RetentionPoint(12, Day("2025-01-31"), 1, 12_000m, 0.5, 0.6), january.Retention[12]);
        Assert.Equal(new RetentionPoint(23, Day("2025-12-31"), 1, 12_000m, 0.5, 0.6), january.Retention[23]);

        Assert.Equal(new RetentionPoint(11, Day("2025-05-31"), 1, 4_000m, 1.0, 1.0), june.Retention[11]);
        Assert.Equal(new RetentionPoint(12, Day("2025-06-30"), 0, 0m, 0.0, 0.0), june.Retention[12]);
        Assert.Equal(new RetentionPoint(14, Day("2025-08-31"), 0, 0m, 0.0, 0.0), june.Retention[14]);
        // Back with a larger contract: counted again, at 150 % of the cohort's starting ARR.
        Assert.Equal(new RetentionPoint(15, Day("2025-09-30"), 1, 6_000m, 1.0, 1.5), june.Retention[15]);
    }

    [Fact]
    public void SurvivalIsGoingLiveWithin30DaysAmongAccountsWhoseWindowHasClosed()
    {
        var cohorts = TwoYears().Report(Year("2025-12-31")).Cohorts;

        Assert.Equal([2, 1, 1], cohorts.Select(c => c.WindowClosed));
        Assert.Equal([1, 1, 1], cohorts.Select(c => c.LiveWithin30Days));
        Assert.Equal([0.5, 1.0, 1.0], cohorts.Select(c => c.SurvivalRate));
    }

    [Fact]
    public void AnAccountStillInsideItsFirst30DaysIsNotJudgedYet()
    {
        var march = TwoYears().Report(Quarter("2025-03-31")).Cohorts[^1];

        Assert.Equal(Day("2025-03-01"), march.Month);
        Assert.Equal((1, 0, 0), (march.Accounts, march.WindowClosed, march.LiveWithin30Days));
        Assert.Null(march.SurvivalRate);
        Assert.Equal(new RetentionPoint(0, Day("2025-03-31"), 1, 5_000m, 1.0, 1.0), Assert.Single(march.Retention));
    }

    [Fact]
    public void GoingLiveOnDay30StillCountsAndOnDay31DoesNot()
    {
        var cohort = Assert.Single(new Portfolio()
            .Account("day-30").Contract(1_000m, "2026-01-01", "2027-01-01")
                .With(a => a with { LiveOn = Day("2026-01-31") })
            .Account("day-31").Contract(1_000m, "2026-01-01", "2027-01-01")
                .With(a => a with { LiveOn = Day("2026-02-01") })
            .Account("never").Contract(1_000m, "2026-01-01", "2027-01-01")
            .Report(Month("2026-02-28")).Cohorts);

        Assert.Equal((3, 3, 1), (cohort.Accounts, cohort.WindowClosed, cohort.LiveWithin30Days));
        Assert.Equal(1.0 / 3, cohort.SurvivalRate!.Value, 12);
    }

    [Fact]
    public void AccountsThatStartAfterTheAsOfDayAreInNoCohort() =>
        Assert.Equal(
            [Day("2024-01-01"), Day("2024-06-01")], TwoYears().Report(Month("2025-02-28"))
            .Cohorts.Select(c => c.Month));
}
