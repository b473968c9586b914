using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Metrics;

namespace CustomerHealth.Domain.Tests.Metrics;

public sealed class ReportingPeriodTests
{
    private static DateOnly Day(string iso) => DateOnly.Parse(iso);

    [Theory]
    [InlineData(PeriodKind.Month, "2026-02-14", "2026-02-01")]
    [InlineData(PeriodKind.Month, "2026-02-28", "2026-02-01")]
    [InlineData(PeriodKind.Quarter, "2026-05-31", "2026-04-01")]
    [InlineData(PeriodKind.Quarter, "2026-12-31", "2026-10-01")]
    [InlineData(PeriodKind.Year, "2026-07-04", "2026-01-01")]
    public void AMonthQuarterOrYearRunsFromItsFirstDayToTheAsOfDay(PeriodKind kind, string asOf, string start)
    {
        var period = ReportingPeriod.ToDate(kind, Day(asOf));

        Assert.Equal(Day(start), period.Start);
        Assert.Equal(Day(asOf), period.End);
        Assert.Equal(kind, period.Kind);
    }

    [Fact]
    public void ARangeCountsBothEndsAndOpensOnTheDayBefore()
    {
        var period = ReportingPeriod.Between(Day("2026-01-01"), Day("2026-01-31"));

        Assert.Equal(31, period.Days);
        Assert.Equal(Day("2025-12-31"), period.Opening);
        Assert.True(period.Contains(Day("2026-01-31")));
        Assert.False(period.Contains(Day("2026-02-01")));
        Assert.Equal(1, ReportingPeriod.Between(Day("2026-01-01"), Day("2026-01-01")).Days);
    }

    [Fact]
    public void ARangeMustNotEndBeforeItStarts()
    {
        var ex = Assert.Throws<ValidationException>(
            () => ReportingPeriod.Between(Day("2026-02-01"), Day("2026-01-31")));

        Assert.Equal("period.end_date", ex.Violations.Single().Field);
    }

    [Theory]
    [InlineData(PeriodKind.Unspecified)]
    [InlineData(PeriodKind.Range)]
    public void AKindWithoutDatesOfItsOwnIsRejected(PeriodKind kind) =>
        Assert.Equal(
            "period.kind", Assert.Throws<ValidationException>(() => ReportingPeriod.ToDate(kind, Day("2026-01-31")))
            .Violations.Single().Field);
}
