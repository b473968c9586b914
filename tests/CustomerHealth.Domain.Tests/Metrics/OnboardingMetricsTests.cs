using CustomerHealth.Domain.Metrics;
using static CustomerHealth.Domain.Tests.Metrics.Portfolio;

namespace CustomerHealth.Domain.Tests.Metrics;

/// <summary>Activation, time to value and onboarding on-time rate, for March 2026.</summary>
public sealed class OnboardingMetricsTests
{
    private static readonly ReportingPeriod March = Month("2026-03-31");

    /// <summary>
    /// The onboarding cohort of March 2026 started from 2025-12-01 to 2025-12-31 (their day 90 falls in March): s1
    /// reached first value on day 90, s2 on day 91, s3 not at all. s4 (day 90 on 2026-02-28) and s5 (day 90 on
    /// 2026-04-01) are outside it.
    /// </summary>
    private static Portfolio Onboarders() => new Portfolio()
        .Starter("s1", "2025-12-01", "2026-03-01", due: 6, onTime: 6)
        .Starter("s2", "2025-12-10", "2026-03-11", due: 6, onTime: 3)
        .Starter("s3", "2025-12-31", null, due: 5, onTime: 1)
        .Starter("s4", "2025-11-30", "2025-12-20", due: 6, onTime: 0)
        .Starter("s5", "2026-01-01", "2026-01-20", due: 2, onTime: 2);

    [Fact]
    public void ActivationIsFirstValueWithin90DaysAmongAccountsWhoseDay90FallsInThePeriod()
    {
        var activation = Onboarders().Report(March).Activation;

        Assert.Equal((3, 1), (activation.Cohort, activation.Activated));
        Assert.Equal(1.0 / 3, activation.Rate!.Value, 12);
    }

    [Fact]
    public void TheOnTimeRateCountsTheMilestonesOfTheSameCohort()
    {
        var onboarding = Onboarders().Report(March).Onboarding;

        Assert.Equal(new OnboardingOnTime(Due: 17, OnTime: 10), onboarding);
        Assert.Equal(10.0 / 17, onboarding.Rate!.Value, 12);
    }

    [Fact]
    public void TheMedianTimeToValueOfAnEvenCountIsTheMeanOfTheTwoMiddleOnes()
    {
        var portfolio = new Portfolio()
            .Starter("m1", "2026-03-01", "2026-03-11")   // 10 days
            .Starter("m2", "2026-02-01", "2026-03-03")   // 30
            .Starter("m3", "2026-01-05", "2026-03-10")   // 64
            .Starter("m4", "2025-12-01", "2026-03-01")   // 90
            .Starter("february", "2026-01-01", "2026-02-15");

        var even = portfolio.Report(March).Activation;
        var odd = portfolio.Starter("m5", "2025-12-10", "2026-03-15").Report(March).Activation;   // 95

        Assert.Equal((4, 47.0), (even.ValueReached, even.MedianTimeToValueDays!.Value));   // (30 + 64) / 2
        Assert.Equal((5, 64.0), (odd.ValueReached, odd.MedianTimeToValueDays!.Value));
    }

    [Fact]
    public void WithoutAnOnboardingCohortTheRatesAreAbsent()
    {
        var report = Onboarders().Report(Month("2026-01-31"));

        Assert.Equal(
            new Activation(Cohort: 0, Activated: 0, ValueReached: 1, MedianTimeToValueDays: 19), report.Activation);
        Assert.Null(report.Activation.Rate);
        Assert.Null(report.Onboarding.Rate);
    }
}
