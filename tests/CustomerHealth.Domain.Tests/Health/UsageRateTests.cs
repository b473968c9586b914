using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Domain.Health;
using static CustomerHealth.Domain.Tests.Health.Signals;

namespace CustomerHealth.Domain.Tests.Health;

public sealed class UsageRateTests
{
    /// <summary>
    /// Steady (20 monthly active users) with metric events "report" and "share" (share/report a ratio): 3 reports a day
    /// on each of the last 28 days, 2 a day on the 28 before; a share on each of the last 10 days but the last two.
    /// </summary>
    private static AccountSignals WithMetrics()
    {
        var days = new List<MetricDay>();
        for (var i = 0; i < 56; i++) days.Add(new MetricDay(Today.AddDays(-i), "report", i < 28 ? 3 : 2));
        for (var i = 2; i < 10; i++) days.Add(new MetricDay(Today.AddDays(-i), "share", 1));
        days.Add(new MetricDay(Today.AddDays(-60), "share", 99)); // before the lookback: ignored
        days.Add(new MetricDay(Today.AddDays(1), "share", 99)); // after the as-of day: ignored
        return Steady() with
        {
            Metrics = new(["report", "share", "unused"], [new MetricRatio("share", "report")], days),
        };
    }

    private static Dictionary<string, UsageMetricValue> All(AccountSignals s) =>
        UsageRates.All(s).ToDictionary(v => v.Metric);

    [Fact]
    public void RatesChangesDaysSinceAndRatiosComeFromTheDailyCounts()
    {
        var v = All(WithMetrics());

        Assert.Equal(84 / 20.0, v["rate:report"].Value); // 3 × 28 reports per 20 monthly active users
        Assert.Equal(84 / 56.0 - 1, v["change:report"].Value!.Value, 9);
        Assert.Equal(0, v["days_since:report"].Value);
        Assert.Equal(8 / 20.0, v["rate:share"].Value);
        Assert.Equal(2, v["days_since:share"].Value);
        Assert.Equal(8 / 84.0, v["ratio:share/report"].Value!.Value, 9);
        Assert.Null(v["change:share"].Value); // no share in the earlier window
        Assert.Equal(0, v["rate:unused"].Value);
        Assert.Equal(56, v["days_since:unused"].Value);
        Assert.Equal("unused not used in the last 56 days (counted as 56)", v["days_since:unused"].Text);
        Assert.Equal(10, v.Count); // rate, change and days since of three events, and one ratio
    }

    [Fact]
    public void ANewAccountsRateIsScaledToTwentyEightDaysAndItsChangeWaitsForTwoWindows()
    {
        var young = NewCustomer(13) with
        {
            Usage = Use(activeUsers: 2, mau: 2, days: 14),
            Metrics = new(["report"], [],
                [.. Enumerable.Range(0, 14).Select(i => new MetricDay(Today.AddDays(-i), "report", 1))]),
        };
        var v = All(young);

        Assert.Equal(14 * (28 / 14.0) / 2, v["rate:report"].Value); // 14 days observed, scaled to 28, over 2 users
        Assert.StartsWith("needs 56 days since the start", v["change:report"].Text, StringComparison.Ordinal);
        Assert.Null(All(NewCustomer(3) with { Metrics = young.Metrics })["rate:report"].Value); // day 3: too early
    }

    [Fact]
    public void AMetricOutsideTheCatalogueHasNoData()
    {
        var value = UsageRates.Value(WithMetrics(), UsageRates.Parse("rate:other").Key!.Value);

        Assert.Null(value.Value);
        Assert.Equal("'other' is not a key feature or metric event of the catalogue", value.Text);
    }

    [Theory]
    [InlineData("rate:report", UsageMetricKind.Rate, "report", null)]
    [InlineData("change:a b", UsageMetricKind.Change, "a b", null)]
    [InlineData("days_since:x", UsageMetricKind.DaysSince, "x", null)]
    [InlineData("ratio:a/b", UsageMetricKind.Ratio, "a", "b")]
    public void MetricKeysParseAndPrintBack(string key, UsageMetricKind kind, string e, string? other)
    {
        var parsed = UsageRates.Parse(key).Key!.Value;

        Assert.Equal(new UsageMetricKey(kind, e, other), parsed);
        Assert.Equal(key, parsed.ToString());
    }

    [Theory]
    [InlineData("", "is required")]
    [InlineData("speed:x", "must start with rate:, change:, days_since: or ratio:")]
    [InlineData("rate:", "names no valid event: is empty")]
    [InlineData("ratio:a", "must name two events as ratio:a/b")]
    [InlineData("ratio:a/a", "must divide two different events")]
    [InlineData("ratio:a/b/c", "names no valid denominator event: must not contain '/'")]
    public void BadMetricKeysSayWhy(string key, string problem) => Assert.Equal(problem, UsageRates.Parse(key).Problem);

    /// <summary>
    /// Breakpoints 0, 10, 10, 30, 30 over four steps: 10 sits at positions 1 and 2 (their mean, 1.5), 30 at 3 and 4
    /// (3.5); between breakpoints the position is linear from the lower one's index.
    /// </summary>
    [Theory]
    [InlineData(-5, 0)]
    [InlineData(0, 0)]
    [InlineData(5, 12.5)]
    [InlineData(10, 37.5)]
    [InlineData(15, 56.25)]
    [InlineData(20, 62.5)]
    [InlineData(30, 87.5)]
    [InlineData(99, 100)]
    public void BreakpointsMapPiecewiseLinearlyAndTiesTakeTheirMeanPosition(double value, double score) =>
        Assert.Equal(score, new UsageMetricComponent("rate:x", 1, 1, 1, [0, 10, 10, 30, 30]).ScoreOf(value), 9);

    [Fact]
    public void LowerIsBetterTurnsTheMappingAround()
    {
        var component = new UsageMetricComponent("days_since:x", 1, 1, 1, [0, 28], LowerIsBetter: true);

        Assert.Equal(100, component.ScoreOf(0));
        Assert.Equal(75, component.ScoreOf(7));
        Assert.Equal(0, component.ScoreOf(56));
    }

    [Fact]
    public void TheScoreWeighsUsageMetricComponentsAndListsThemAfterTheBuiltInOnes()
    {
        var scorecard = Scorecard.Default with
        {
            UsageMetrics =
            [
                new UsageMetricComponent("rate:report", TechTouchWeight: 0, LowTouchWeight: 20, HighTouchWeight: 0,
                    [0, 8.4]),
                new UsageMetricComponent("change:share", 0, 20, 0, [-1, 1]),
            ],
        };

        var score = Score(WithMetrics(), scorecard);

        var rate = score.Components[^1];
        Assert.Equal((HealthComponentKind.UsageMetric, "rate:report", 4.2, 50.0),
            (rate.Kind, rate.Metric, rate.MetricValue, rate.Score));
        Assert.StartsWith(
            "rate:report: 4.2 report per active user per 28 days (84 in the last 28 days; 20 monthly active users)",
            rate.Explanation, StringComparison.Ordinal);
        Assert.Equal(20.0 / 100, rate.Weight, 9); // 80 of the built-in weight with data, and 20 for the rate
        var missing = score.Completeness.Missing.Single(m => m.Kind == HealthComponentKind.UsageMetric);
        Assert.Equal("change:share", missing.Metric);
        Assert.Equal(100.0 / 140, score.Completeness.Share, 9); // 80 + 20 with data of 100 + 20 + 20
        // Tech-touch gives the metrics no weight: they are not computed.
        var techTouch = Score(WithMetrics() with { Tier = CsTier.TechTouch }, scorecard);
        Assert.DoesNotContain(techTouch.Components, c => c.Kind == HealthComponentKind.UsageMetric);
    }

    [Fact]
    public void AScorecardChecksItsUsageMetrics()
    {
        var bad = Scorecard.Default with
        {
            UsageMetrics =
            [
                new UsageMetricComponent("rate:x", 1, 1, 1, [0, 1]),
                new UsageMetricComponent("rate:x", -1, 1, 1, [1, 1]),
                new UsageMetricComponent("nope", 1, 1, 1, [2, 1]),
            ],
        };

        var fields = bad.Validate().Select(v => v.Field).ToArray();

        Assert.Equal(
            [
                "scorecard.usage_metrics[1].metric", "scorecard.usage_metrics[1].tech_touch_weight",
                "scorecard.usage_metrics[1].breakpoints", "scorecard.usage_metrics[2].metric",
                "scorecard.usage_metrics[2].breakpoints",
            ],
            fields);
        var metricsOnly = Scorecard.Default with
        {
            TechTouch = new(new(0, 0, 0, 0, 0, 0, 0), null),
            UsageMetrics = [new UsageMetricComponent("rate:x", 1, 0, 0, [0, 1])],
        };
        Assert.Empty(metricsOnly.Validate()); // a usage metric with weight is enough for a tier
    }

    [Fact]
    public void TheCatalogueTracksKeyFeaturesAndMetricsAndChecksRatios()
    {
        var catalogue = new EventCatalogue([
            new CatalogueEntry("login", true, false, false, null),
            new CatalogueEntry("report", true, true, false, null),
            new CatalogueEntry("share", true, false, false, null, Metric: true, RatioTo: ["report"]),
        ]);

        Assert.Equal(["report", "share"], catalogue.MetricEvents);
        Assert.True(catalogue.IsTracked("share"));
        Assert.False(catalogue.IsTracked("login"));
        Assert.Equal([new MetricRatio("share", "report")], catalogue.Ratios);

        var error = Assert.Throws<ValidationException>(() => EventCatalogue.Validate([
            new CatalogueEntry("login", true, false, false, null, RatioTo: ["report"]),
            new CatalogueEntry("report", true, true, false, null, RatioTo: ["login", "report", "a/b"]),
        ]));
        Assert.Equal(
            ["catalogue.events[0].ratio_to", "catalogue.events[1].ratio_to[0]", "catalogue.events[1].ratio_to[1]",
             "catalogue.events[1].ratio_to[2]"],
            error.Violations.Select(v => v.Field));
    }
}
