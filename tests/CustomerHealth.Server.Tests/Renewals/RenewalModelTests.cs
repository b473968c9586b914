using System.Collections.Concurrent;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RenewalOptions = CustomerHealth.Infrastructure.Renewals.RenewalOptions;
using RenewalTrainer = CustomerHealth.Infrastructure.Renewals.RenewalTrainer;
using RenewalTraining = CustomerHealth.Infrastructure.Renewals.RenewalTraining;
using RenewalTrainingSettings = CustomerHealth.Infrastructure.Renewals.RenewalTrainingSettings;

namespace CustomerHealth.Server.Tests.Renewals;

public sealed class RenewalModelOnSqlite(SqliteTestDatabase database) : RenewalModelTests<SqliteTestDatabase>(database);

public sealed class RenewalModelOnPostgreSql(PostgreSqlTestDatabase database)
    : RenewalModelTests<PostgreSqlTestDatabase>(database);

public sealed class RenewalModelOnSqlServer(SqlServerTestDatabase database)
    : RenewalModelTests<SqlServerTestDatabase>(database);

/// <summary>
/// A synthetic portfolio (written by the direct path: the API's readers and domain code, rollups without raw events)
/// with enough outcomes for a model: the switch from the prior to a trained model, explained predictions, the lists a
/// renewal bot reads, and an atomic model swap while clients keep reading.
/// </summary>
public abstract class RenewalModelTests<TDatabase>(TDatabase database) : RenewalScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    [Fact]
    public async Task AboveTheThresholdATrainedModelReplacesThePriorExplainsEachPredictionAndIsSwappedAtomically()
    {
        await GivenSyntheticPortfolio();
        // Every account scored and none waiting to be rescored: the worker predicts an account once it has a score, so
        // until then predictions keep appearing after the swap below and the lists read one after another differ.
        await Eventually(() => Service.InDatabaseAsync(async db => (
                Scored: await db.HealthScores.CountAsync(s => s.AccountId.StartsWith("syn-"), Ct),
                Accounts: await db.Accounts.CountAsync(a => a.Id.StartsWith("syn-"), Ct),
                Queued: await db.HealthRecomputeQueue.CountAsync(Ct))),
            x => x.Scored == x.Accounts && x.Queued == 0, "every account to be scored");
        var before = await Renewals.GetRenewalModelAsync(new(), cancellationToken: Ct);
        Assert.Equal(RenewalModelKind.Heuristic, before.Model.Kind);
        Assert.Contains("no model is trained yet", before.HeuristicReason);

        var trained = (await Renewals.TrainRenewalModelAsync(new(), cancellationToken: Ct)).Model;

        await AssertHeldBackByTheGate(trained);
        await AssertServedByAnAdminsChoice(trained);
        // The worker recomputes every stored prediction with the new model.
        var upcoming = await Eventually(() => AllUpcoming(new() { PageSize = 7 }),
            all => all.Count > 0 && all.All(p => p.ModelVersion == 1), "every prediction to come from model 1");
        Assert.All(upcoming, p =>
        {
            Assert.Equal(trained.Kind, p.ModelKind);
            Assert.InRange(p.RenewalProbability, 0, 1);
            Assert.InRange(p.DaysToRenewal, 0, 180);
            AssertDriversExplain(p);
        });
        Assert.Equal(
            upcoming.OrderBy(p => Day(p.RenewalDate)).ThenBy(p => p.ContractId, StringComparer.Ordinal)
            .Select(p => p.ContractId), upcoming.Select(p => p.ContractId));

        await AssertListsOrderAndFilter(upcoming);
        var one = (await Renewals.GetRenewalPredictionAsync(
            new() { ContractId = upcoming[0].ContractId }, cancellationToken: Ct)).Prediction;
        Assert.Equal(1, one.ModelVersion);
        AssertDriversExplain(one);

        await ANewModelIsSwappedInAtomicallyWhileClientsKeepReading(watched: upcoming[0].ContractId);
    }

    /// <summary>162 outcomes leave a holdout of about 30 with a handful of churns, and the model ranks them worse than
    /// the score-only prior: the quality gate holds it back as a candidate, and the heuristic keeps serving.</summary>
    private async Task AssertHeldBackByTheGate(RenewalModel trained)
    {
        Assert.Equal(1, trained.Version);
        Assert.False(trained.Serving);
        Assert.False(trained.PassedGate);
        Assert.True(trained.Holdout.Auc < trained.PriorHoldout.Auc);
        Assert.StartsWith("Held back as a candidate: ", trained.GateReason);
        Assert.Contains("does not beat the score-only prior's", trained.GateReason);
        Assert.True(trained.Holdout.HasAucLower);
        Assert.InRange(trained.Holdout.Auc, trained.Holdout.AucLower, trained.Holdout.AucUpper);
        Assert.Equal(0, trained.ComparedWithVersion);
        var heldBack = Assert.Single(await AuditEvents(AuditAction.RenewalModelHeldBack));
        Assert.Equal(
            (TestCredentials.Subject, "customerhealth.v1.RenewalService/TrainRenewalModel", "1"),
            (heldBack.Caller, heldBack.Rpc, heldBack.TargetId));
        Assert.Empty(await AuditEvents(AuditAction.RenewalModelServed));
        var stillHeuristic = await Renewals.GetRenewalModelAsync(new(), cancellationToken: Ct);
        Assert.Equal(RenewalModelKind.Heuristic, stillHeuristic.Model.Kind);
        Assert.Contains("the newest, version 1: Held back as a candidate", stillHeuristic.HeuristicReason);
        var listedModels = await Renewals.ListRenewalModelsAsync(new(), cancellationToken: Ct);
        Assert.Equal(trained.GateReason, listedModels.Models.Single().GateReason);

    }

    /// <summary>An admin may serve it all the same: an explicit, audited choice; the model describes itself.</summary>
    private async Task AssertServedByAnAdminsChoice(RenewalModel trained)
    {
        var served = await Renewals.ServeRenewalModelAsync(new() { Version = 1 }, cancellationToken: Ct);
        Assert.Equal((0, 1, true), (served.PreviousVersion, served.Model.Version, served.Model.Serving));
        var audited = Assert.Single(await AuditEvents(AuditAction.RenewalModelChosen));
        Assert.Equal(
            (TestCredentials.Subject, "customerhealth.v1.RenewalService/ServeRenewalModel", "1"),
            (audited.Caller, audited.Rpc, audited.TargetId));
        Assert.Contains(
            trained.Kind, new[] { RenewalModelKind.LogisticRegression, RenewalModelKind.GradientBoostedTrees });
        Assert.Equal("admin", trained.Trigger);
        Assert.Equal(90, trained.LeadDays);
        Assert.True(trained.RenewalCount >= 10 && trained.ChurnCount >= 10);
        Assert.Equal(trained.RenewalCount + trained.ChurnCount, trained.TrainingCount + trained.HoldoutCount);
        Assert.True(trained.HoldoutCount > 0);
        // Newest outcomes held out: the holdout starts no earlier than the training window ends.
        Assert.True(Day(trained.HoldoutStartDate) >= Day(trained.TrainingEndDate));
        Assert.True(trained.Holdout.HasAuc && trained.PriorHoldout.HasAuc);
        Assert.InRange(trained.Holdout.Brier, 0, 1);
        Assert.Equal(trained.HoldoutCount, trained.Holdout.Calibration.Sum(b => b.Count));
        Assert.Equal(2, trained.Candidates.Count);
        // A calibration fold this small (under 200 outcomes) is always Platt-scaled; a setting was chosen on it.
        Assert.True(trained.CalibrationCount < 200);
        Assert.Equal("platt", trained.CalibrationMethod);
        Assert.NotEqual("", trained.Setting);
        var serving = await Renewals.GetRenewalModelAsync(new(), cancellationToken: Ct);
        Assert.Equal(1, serving.Model.Version);
        Assert.Equal("", serving.HeuristicReason);
        Assert.Equal(trained.Holdout.Auc, serving.Model.Holdout.Auc);
        await AssertReadsEachMetricEvent();
    }

    /// <summary>
    /// The model reads the log-rate of each metric event of the catalogue one by one (the synthetic product's five key
    /// features, in ordinal order: each has data, a rate, as of every lead day), with their means over the fitted
    /// outcomes as the drivers' reference.
    /// </summary>
    private async Task AssertReadsEachMetricEvent()
    {
        var json = await Service.InDatabaseAsync(
            db => db.RenewalModels.Where(m => m.Version == 1).Select(m => m.DetailJson).SingleAsync(Ct));
        var detail = global::CustomerHealth.Infrastructure.Renewals.RenewalModelDetail.Deserialize(json);
        var keyFeatures = global::CustomerHealth.Synthetic.SyntheticCatalogue.Entries.Where(e => e.KeyFeature)
            .Select(e => e.EventName).Order(StringComparer.Ordinal);
        Assert.Equal(keyFeatures, detail.MetricEvents);
        Assert.Equal(detail.MetricEvents!.Count, detail.MetricMeans!.Count);
        // ln(1 + rate) is never negative; this small portfolio's lead days see no key-feature use, so every rate is 0.
        Assert.All(detail.MetricMeans, m => Assert.InRange(m, 0, 10));
    }

    /// <summary>The upcoming renewals by date, by risk and filtered, all from the same predictions.</summary>
    private async Task AssertListsOrderAndFilter(IReadOnlyList<RenewalPrediction> upcoming)
    {
        var byRisk = await AllUpcoming(new() { OrderBy = UpcomingRenewalOrder.Risk, PageSize = 5 });
        Assert.Equal(upcoming.Count, byRisk.Count);
        Assert.Equal(byRisk.Select(p => p.RenewalProbability).Order(), byRisk.Select(p => p.RenewalProbability));
        var risky = await AllUpcoming(new() { MinimumRisk = RenewalRisk.High, WithinDays = 90 });
        Assert.All(risky, p => { Assert.True(p.Risk >= RenewalRisk.High); Assert.InRange(p.DaysToRenewal, 0, 90); });
        Assert.Equal(upcoming.Count(p => p.Risk >= RenewalRisk.High && p.DaysToRenewal <= 90), risky.Count);
        var techTouch = await AllUpcoming(new() { CsTier = CsTier.TechTouch });
        Assert.All(techTouch, p => Assert.Equal(CsTier.TechTouch, p.CsTier));

    }

    /// <summary>
    /// Part of the test above (one portfolio load serves both): readers poll the serving model and one prediction while
    /// a
    /// second model is trained and swapped in.
    /// </summary>
    private async Task ANewModelIsSwappedInAtomicallyWhileClientsKeepReading(string watched)
    {
        using var stop = new CancellationTokenSource();
        var seen = new ConcurrentBag<(int Reader, int Order, int ModelVersion, int PredictionVersion)>();
        var readers = Enumerable.Range(0, 3).Select(reader => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var model = await Renewals.GetRenewalModelAsync(new(), cancellationToken: Ct);
                var prediction = await Renewals.GetRenewalPredictionAsync(
                    new() { ContractId = watched }, cancellationToken: Ct);
                seen.Add((reader, i, model.Model.Version, prediction.Prediction.ModelVersion));
            }
        })).ToArray();

        // Trained on the same outcomes, the second model ranks the holdout exactly as the serving one does, so the gate
        // holds it back; serving it is the swap.
        var second = (await Renewals.TrainRenewalModelAsync(new(), cancellationToken: Ct)).Model;
        Assert.False(second.Serving);
        Assert.Equal(1, second.ComparedWithVersion);
        Assert.Contains("does not beat serving model 1's", second.GateReason);
        var swapped = await Renewals.ServeRenewalModelAsync(new() { Version = 2 }, cancellationToken: Ct);
        Assert.Equal(1, swapped.PreviousVersion);
        await Eventually(
            () => Renewals.GetRenewalPredictionAsync(new() { ContractId = watched }, cancellationToken: Ct)
            .ResponseAsync,
            r => r.Prediction.ModelVersion == 2, "the watched prediction to come from model 2");
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Equal(2, second.Version);
        Assert.NotEmpty(seen);
        // Every read saw a whole model, and once a reader saw the new one it never saw the old one again.
        foreach (var reader in seen.GroupBy(s => s.Reader))
        {
            var ordered = reader.OrderBy(s => s.Order).ToArray();
            Assert.All(ordered, s =>
            {
                Assert.Contains(s.ModelVersion, new[] { 1, 2 });
                Assert.Contains(s.PredictionVersion, new[] { 1, 2 });
            });
            Assert.Equal(ordered.Select(s => s.ModelVersion).Order(), ordered.Select(s => s.ModelVersion));
            Assert.Equal(ordered.Select(s => s.PredictionVersion).Order(), ordered.Select(s => s.PredictionVersion));
        }
        var servingRows = await Service.InDatabaseAsync(
            db => db.RenewalModels.Where(m => m.Serving).Select(m => m.Version).ToListAsync(Ct));
        Assert.Equal([2], servingRows);
        var listed = await Renewals.ListRenewalModelsAsync(new() { PageSize = 1 }, cancellationToken: Ct);
        Assert.Equal(2, Assert.Single(listed.Models).Version);
        var next = await Renewals.ListRenewalModelsAsync(
            new() { PageSize = 1, PageToken = listed.NextPageToken }, cancellationToken: Ct);
        Assert.Equal(1, Assert.Single(next.Models).Version);
        Assert.False(next.Models[0].Serving);
    }

    /// <summary>
    /// The fits of a training run side by side (Renewals:FitParallelism), each seeded and with its own context: one at
    /// a time or three at once, the same kind and setting are kept with the same calibration and probabilities.
    /// </summary>
    [Fact]
    public async Task TheTrainedModelIsTheSameWhateverTheFitParallelism()
    {
        await GivenSyntheticPortfolio();
        await using var scope = Service.Services.CreateAsyncScope();
        var training = scope.ServiceProvider.GetRequiredService<RenewalTraining>();
        var lead = scope.ServiceProvider.GetRequiredService<RenewalOptions>().LeadDays;
        var outcomes = (await training.BuildTrainingSetAsync(lead, Ct)).Outcomes;

        var one = RenewalTrainer.Train(outcomes, new RenewalTrainingSettings { FitParallelism = 1 });
        var three = RenewalTrainer.Train(outcomes, new RenewalTrainingSettings { FitParallelism = 3 });

        Assert.Equal((one.Kind, one.Detail.Setting), (three.Kind, three.Detail.Setting));
        Assert.Equal(one.Detail.Candidates, three.Detail.Candidates);
        Assert.Equal((one.Detail.PlattA, one.Detail.PlattB), (three.Detail.PlattA, three.Detail.PlattB));
        Assert.Equal(one.Holdout.Select(h => h.Probability), three.Holdout.Select(h => h.Probability));
    }

    /// <summary>Instants on different days: the reader counts distinct users and features per pair.</summary>
    [Fact]
    public Task SignalsReadForManyInstantsAtOnceAreThoseReadOneInstantAtATime() =>
        AssertReadAtOnceIsReadOneInstantAtATime(
            [DefaultNow, DefaultNow.AddDays(-9).AddHours(-3), DefaultNow.AddDays(-40)]);

    /// <summary>
    /// Instants of one day: the database counts distinct users and features for the whole set, as for one instant,
    /// while NPS answers, tickets and the last touchpoint are still taken per pair.
    /// </summary>
    [Fact]
    public Task SignalsReadForManyInstantsOfOneDayAreThoseReadOneInstantAtATime() =>
        AssertReadAtOnceIsReadOneInstantAtATime(
            [DefaultNow, DefaultNow.AddHours(-9), DefaultNow.AddHours(-10).AddMinutes(-29)]);

    private async Task AssertReadAtOnceIsReadOneInstantAtATime(DateTimeOffset[] instants)
    {
        await GivenSyntheticPortfolio();
        await using var scope = Service.Services.CreateAsyncScope();
        var reader = scope.ServiceProvider.GetRequiredService<CustomerHealth.Infrastructure.Health.SignalReader>();
        var ids = await Service.InDatabaseAsync(
            db => db.Accounts.Where(a => a.Id.StartsWith("syn-")).OrderBy(a => a.Id).Select(a => a.Id).Take(60)
            .ToListAsync(Ct));
        var requests = ids.SelectMany(
            id => instants.Select(at => new CustomerHealth.Infrastructure.Health.SignalRequest(id, at)))
            .Append(new("syn-unknown", DefaultNow)).ToArray();

        var many = await reader.ReadManyAsync(requests, 60, Ct);

        Assert.Null(many[^1]);
        foreach (var at in instants)
        {
            var one = (await reader.ReadAsync(ids, at, 60, Ct)).ToDictionary(r => r.AccountId);
            foreach (var (request, read) in requests.Zip(many)
                .Where(x => x.First.AsOf == at && x.First.AccountId != "syn-unknown"))
            {
                var expected = one[request.AccountId].Signals;
                var actual = read!.Signals;
                Assert.Equal(Describe(expected), Describe(actual));
                Assert.Equal(one[request.AccountId].CurrentContract?.Id, read.CurrentContract?.Id);
            }
        }
    }

    /// <summary>Every figure of a set of signals as text (the records hold lists, which records compare by
    /// reference).</summary>
    private static string Describe(Domain.Health.AccountSignals s) => string.Join("|",
        s.AsOf, s.Tier, s.AccountCreatedOn, s.Contracts, s.Usage.ActiveUsersLast30Days,
            s.Usage.ActiveUsersPrevious30Days, s.Usage.KeyFeaturesUsedLast30Days,
        s.Usage.KeyFeaturesInCatalogue, string.Join(",", s.Usage.Days.OrderBy(d => d.Day)), s.Onboarding?.StartDate,
        string.Join(",", s.Onboarding?.Milestones.Select(m => m.ToString()) ?? []),
            string.Join(",", s.NpsAnswers.OrderBy(n => n.AnsweredAt)),
        string.Join(",", s.Tickets.OrderBy(t => t.OpenedAt).ThenBy(t => t.Severity)), s.LastTouchpointAt);

    private async Task<IReadOnlyList<AuditEvent>> AuditEvents(AuditAction action) =>
        (await new AuditService.AuditServiceClient(Service.Channel)
            .ListAuditEventsAsync(new() { Action = action }, cancellationToken: Ct)).Events;

    private static DateOnly Day(Google.Type.Date date) => new(date.Year, date.Month, date.Day);
}
