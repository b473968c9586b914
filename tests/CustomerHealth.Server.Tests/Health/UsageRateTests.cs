using System.Globalization;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Core;
using static CustomerHealth.Server.Tests.Engagement.Events;

namespace CustomerHealth.Server.Tests.Health;

public sealed class UsageRatesOnSqlite(SqliteTestDatabase database) : UsageRateTests<SqliteTestDatabase>(database);

public sealed class UsageRatesOnPostgreSql(PostgreSqlTestDatabase database)
    : UsageRateTests<PostgreSqlTestDatabase>(database);

public sealed class UsageRatesOnSqlServer(SqlServerTestDatabase database)
    : UsageRateTests<SqlServerTestDatabase>(database);

/// <summary>
/// Usage-rate metrics as scorecard components, and the scorecard fitted to renewal outcomes (ProposeScorecard), through
/// real gRPC calls on each database engine. The test clock starts 2026-03-15 10:30 UTC.
/// </summary>
public abstract class UsageRateTests<TDatabase>(TDatabase database) : HealthScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private async Task GivenCatalogue(params CatalogueEvent[] events)
    {
        var catalogue = new EventCatalogue();
        catalogue.Events.AddRange(events);
        await Engagement.UpdateEventCatalogueAsync(
            new() { Catalogue = catalogue, UpdatedBy = "ops" }, cancellationToken: Ct);
    }

    private async Task<Scorecard> ReplaceScorecard(Action<Scorecard> change)
    {
        // The tests of a class share a database: start from the current scorecard without usage metrics.
        var scorecard = (await Health.GetScorecardAsync(new(), cancellationToken: Ct)).Scorecard;
        scorecard.UsageMetrics.Clear();
        change(scorecard);
        return (await Health.ReplaceScorecardAsync(
            new() { Scorecard = scorecard, UpdatedBy = "ops" }, cancellationToken: Ct)).Scorecard;
    }

    private static UsageMetricComponent Metric(string key, double low, double high, bool lowerIsBetter = false) =>
        new()
        {
            Metric = key, TechTouchWeight = 10, LowTouchWeight = 10, HighTouchWeight = 10,
            Breakpoints = { low, high }, LowerIsBetter = lowerIsBetter,
        };

    [Fact]
    public async Task RatesOfAKnownEventHistoryAreScoredAndExplainedAsComponents()
    {
        await GivenCatalogue(
            new CatalogueEvent { EventName = "login", Active = true },
            new CatalogueEvent { EventName = "report", Active = true, Metric = true },
            new CatalogueEvent { EventName = "share", Active = true, Metric = true, RatioTo = { "report" } });
        await GivenCustomer("rates", CsTier.LowTouch, start: "2025-06-01", seats: 4);
        var events = new List<UsageEvent>();
        // Last 28 days (2026-02-16 to 03-15): ann makes 10 reports (03-01 to 03-10), bob 5 shares (03-01 to 03-05).
        // The 28 days before (01-19 to 02-15): ann makes 20 reports, two a day from 02-01 to 02-10.
        for (var d = 0; d < 10; d++)
        {
            var day = Day(new DateOnly(2026, 3, 1).AddDays(d));
            events.Add(Event($"r-{day}", "rates", "ann", "report", at: $"{day}T10:00:00Z"));
            if (d < 5) events.Add(Event($"s-{day}", "rates", "bob", "share", at: $"{day}T11:00:00Z"));
            var before = Day(new DateOnly(2026, 2, 1).AddDays(d));
            events.Add(Event($"p1-{before}", "rates", "ann", "report", at: $"{before}T10:00:00Z"));
            events.Add(Event($"p2-{before}", "rates", "ann", "report", at: $"{before}T12:00:00Z"));
        }
        await Engagement.IngestEventsAsync(Batch([.. events]), cancellationToken: Ct);
        var replaced = await ReplaceScorecard(s => s.UsageMetrics.Add(new[]
        {
            Metric("rate:report", 0, 10), Metric("change:report", -1, 1),
            Metric("days_since:report", 0, 28, lowerIsBetter: true),
            Metric("ratio:share/report", 0, 1), Metric("change:share", -1, 1),
        }));

        var score = await Eventually("rates", s =>
            s.ScorecardVersion == replaced.Version && s.Components.Any(c => c.Kind == HealthComponentKind.UsageMetric));

        var metrics = score.Components.Where(c => c.Kind == HealthComponentKind.UsageMetric)
            .ToDictionary(c => c.Metric);
        Assert.Equal(["rate:report", "change:report", "days_since:report", "ratio:share/report"], metrics.Keys);
        // Two monthly active users: 10 reports / 2 = 5 per active user per 28 days, half of the way to 10.
        Assert.Equal((5.0, 50.0), (metrics["rate:report"].MetricValue, metrics["rate:report"].Score));
        Assert.StartsWith(
            "rate:report: 5 report per active user per 28 days (10 in the last 28 days; 2 monthly active users)",
            metrics["rate:report"].Explanation, StringComparison.Ordinal);
        // 10 reports against 20: -50%, a quarter of the way from -100% to +100%.
        Assert.Equal((-0.5, 25.0), (metrics["change:report"].MetricValue, metrics["change:report"].Score));
        // Last report on 03-10, five days before 03-15: 100 - 100 x 5/28.
        Assert.Equal((5.0, 82.1), (metrics["days_since:report"].MetricValue, metrics["days_since:report"].Score));
        Assert.Equal((0.5, 50.0), (metrics["ratio:share/report"].MetricValue, metrics["ratio:share/report"].Score));
        Assert.Contains("mapped by thresholds 0 to 1, higher is better", metrics["ratio:share/report"].Explanation,
            StringComparison.Ordinal);
        // No share in the 28 days before: its change has no data, and says so.
        var missing = Assert.Single(score.Completeness.Missing, m => m.Kind == HealthComponentKind.UsageMetric);
        Assert.Equal("change:share", missing.Metric);
        Assert.Contains("no share in the 28 days before", missing.Reason, StringComparison.Ordinal);
        Assert.Equal(1, score.Components.Sum(c => c.Weight), 6);

        var stored = (await Health.GetScorecardAsync(new(), cancellationToken: Ct)).Scorecard;
        Assert.Equal(5, stored.UsageMetrics.Count);
        Assert.True(stored.UsageMetrics[2].LowerIsBetter);
        var catalogue = (await Engagement.GetEventCatalogueAsync(new(), cancellationToken: Ct)).Catalogue;
        Assert.Equal(["report"], catalogue.Events.Single(e => e.EventName == "share").RatioTo);
    }

    [Fact]
    public async Task BadUsageMetricsRatiosAndProposalOptionsAreRejected()
    {
        var bad = (await Health.GetScorecardAsync(new(), cancellationToken: Ct)).Scorecard;
        bad.UsageMetrics.Clear();
        bad.UsageMetrics.Add(Metric("speed:report", 0, 1));
        bad.UsageMetrics.Add(Metric("rate:report", 1, 0));
        var rejected = await RejectsField("scorecard.usage_metrics[0].metric",
            () => Health.ReplaceScorecardAsync(
                new() { Scorecard = bad, UpdatedBy = "ops" }, cancellationToken: Ct).ResponseAsync);
        Assert.Contains(rejected.FieldViolations, v => v.Field == "scorecard.usage_metrics[1].breakpoints");

        await RejectsField("catalogue.events[0].ratio_to[0]", () => Engagement.UpdateEventCatalogueAsync(new()
        {
            Catalogue = new EventCatalogue
            {
                Events = { new CatalogueEvent { EventName = "share", Metric = true, RatioTo = { "nowhere" } } },
            },
        }, cancellationToken: Ct).ResponseAsync);
        Func<Task> Propose(ProposeScorecardRequest request) =>
            () => Health.ProposeScorecardAsync(request, cancellationToken: Ct).ResponseAsync;
        await RejectsField("lead_days", Propose(new() { LeadDays = 731 }));
        await RejectsField("holdout_fraction", Propose(new() { HoldoutFraction = 0.9 }));
        await RejectsField("max_usage_metrics", Propose(new() { MaxUsageMetrics = 21 }));
        await RejectsField("l2_penalty", Propose(new() { L2Penalty = -1 }));
        var february30 = new Google.Type.Date { Year = 2026, Month = 2, Day = 30 };
        await RejectsField("renewal_start_date", Propose(new() { RenewalStartDate = february30 }));
        await FailsWith(StatusCode.FailedPrecondition, Propose(new()));
    }

    /// <summary>
    /// One tech-touch account per outcome, a seat each, a contract of a year ending on <paramref name="end"/>; in the
    /// 28 days up to its lead day (10 days before the end) its user logs in daily, and makes two reports a day when
    /// <paramref name="heavy"/>, else one report in all.
    /// </summary>
    private async Task GivenOutcome(string id, DateOnly end, bool renewed, bool heavy)
    {
        await Accounts.UpsertAccountAsync(
            new() { Account = Build.Account(id, tier: CsTier.TechTouch) }, cancellationToken: Ct);
        var contract = Build.Contract($"{id}-c1", id, seats: 1, start: Day(end.AddYears(-1)), end: Day(end));
        await Accounts.UpsertContractAsync(new() { Contract = contract }, cancellationToken: Ct);
        var lead = end.AddDays(-10);
        var events = new List<UsageEvent>();
        for (var d = 0; d < 28; d++)
        {
            var day = Day(lead.AddDays(-d));
            events.Add(Event($"{id}-l-{day}", id, "u", "login", at: $"{day}T08:00:00Z"));
            if (heavy || d == 20)
                events.Add(Event($"{id}-r1-{day}", id, "u", "report", at: $"{day}T09:00:00Z"));
            if (heavy)
                events.Add(Event($"{id}-r2-{day}", id, "u", "report", at: $"{day}T10:00:00Z"));
        }
        await Engagement.IngestEventsAsync(Batch([.. events]), cancellationToken: Ct);
        await Accounts.RecordRenewalOutcomeAsync(new()
        {
            ContractId = $"{id}-c1",
            Kind = renewed ? RenewalOutcomeKind.Renewed : RenewalOutcomeKind.Churned,
            NewArr = renewed ? Build.Money(24_000m) : null,
        }, cancellationToken: Ct);
    }

    [Fact]
    public async Task TheProposalIsFittedOnOlderOutcomesOnlyAndAdoptingItChangesScores()
    {
        await GivenCatalogue(
            new CatalogueEvent { EventName = "login", Active = true },
            new CatalogueEvent { EventName = "report", Active = true, Metric = true });
        // Twelve older renewals (2026-02-01 to 02-12): the heavy report users renew. Four newer ones (03-01 to 03-04):
        // the other way round. Fitted on the older ones, the proposal ranks the newer ones backwards (holdout AUC 0);
        // fitted on the newer ones it would rank them perfectly, so a holdout AUC of 0 shows the fit never saw them.
        var current = await ReplaceScorecard(_ => { });
        for (var i = 0; i < 12; i++)
        {
            var end = new DateOnly(2026, 2, 1).AddDays(i);
            await GivenOutcome($"old{i:00}", end, renewed: i % 2 == 0, heavy: i % 2 == 0);
        }
        for (var i = 0; i < 4; i++)
            await GivenOutcome($"new{i}", new DateOnly(2026, 3, 1).AddDays(i), renewed: i % 2 == 0, heavy: i % 2 == 1);

        var proposal = await Health.ProposeScorecardAsync(new() { LeadDays = 10 }, cancellationToken: Ct);

        Assert.Equal((10, 12, 4, 0),
            (proposal.LeadDays, proposal.FitCount, proposal.HoldoutCount, proposal.SkippedCount));
        Assert.Equal(Build.Date("2026-03-01"), proposal.HoldoutStartDate);
        Assert.Equal(1.0, proposal.ProposedFitAuc);
        Assert.Equal(0.0, proposal.ProposedHoldoutAuc);
        // The built-in components cannot tell these accounts apart: the current scorecard ranks at chance.
        Assert.Equal(0.5, proposal.CurrentFitAuc);
        Assert.Equal(0.5, proposal.CurrentHoldoutAuc);
        Assert.Equal(current.Version, proposal.CurrentScorecardVersion);
        Assert.Equal(0, proposal.Scorecard.Version);
        var rate = Assert.Single(proposal.Scorecard.UsageMetrics, m => m.Metric == "rate:report");
        Assert.False(rate.LowerIsBetter);
        Assert.Equal(100, proposal.Components.Sum(c => c.Weight), 0);
        Assert.All(proposal.Components, c => Assert.Equal(HealthComponentKind.UsageMetric, c.Kind));
        // Renewals from 02-07 only: six older ones and the four newer ones.
        var later = await Health.ProposeScorecardAsync(
            new() { LeadDays = 10, RenewalStartDate = Build.Date("2026-02-07") }, cancellationToken: Ct);
        Assert.Equal(10, later.FitCount + later.HoldoutCount);
        // It proposes only: the scorecard in force is the same.
        Assert.Equal(current.Version, (await Health.GetScorecardAsync(new(), cancellationToken: Ct)).Scorecard.Version);

        var before = await Eventually("new1", s => s.HasScore);
        var adopted = (await Health.ReplaceScorecardAsync(
            new() { Scorecard = proposal.Scorecard, UpdatedBy = "ops" }, cancellationToken: Ct)).Scorecard;
        Assert.Equal(current.Version + 1, adopted.Version);
        var after = await Eventually("new1", s => s.ScorecardVersion == adopted.Version);

        Assert.Equal(adopted.Version, after.ScorecardVersion);
        Assert.Contains(after.Components, c => c.Kind == HealthComponentKind.UsageMetric && c.Metric == "rate:report");
        Assert.DoesNotContain(after.Components, c => c.Kind == HealthComponentKind.Engagement);
        Assert.NotEqual(before.Score, after.Score);
    }
}
