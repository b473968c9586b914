using CustomerHealth.Domain.Health;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Renewals;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using AuditAction = CustomerHealth.V1.AuditAction;
using RenewalHoldoutRow = CustomerHealth.V1.RenewalHoldoutRow;

namespace CustomerHealth.Server.Tests.Renewals;

public sealed class RenewalGateOnSqlite(SqliteTestDatabase database) : RenewalGateTests<SqliteTestDatabase>(database);

public sealed class RenewalGateOnPostgreSql(PostgreSqlTestDatabase database)
    : RenewalGateTests<PostgreSqlTestDatabase>(database);

public sealed class RenewalGateOnSqlServer(SqlServerTestDatabase database)
    : RenewalGateTests<SqlServerTestDatabase>(database);

/// <summary>
/// The quality gate's consequences on the synthetic portfolio (shared by the class's tests, which share its database):
/// rollback, automatic training's lead, the lead check, the holdout export and the evaluator. Each test works with the
/// versions it trains itself. Automatic training counts 3 new outcomes as enough to retrain.
/// </summary>
public abstract class RenewalGateTests<TDatabase>(TDatabase database) : RenewalScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    protected override IReadOnlyDictionary<string, string>? Settings =>
        new Dictionary<string, string>(base.Settings!) { ["Renewals:RetrainAfterNewOutcomes"] = "3" };

    private async Task<RenewalModel> Train(int leadDays = 0) =>
        (await Renewals.TrainRenewalModelAsync(new() { LeadDays = leadDays }, cancellationToken: Ct)).Model;

    private async Task<ServeRenewalModelResponse> Serve(int version) =>
        await Renewals.ServeRenewalModelAsync(new() { Version = version }, cancellationToken: Ct);

    [Fact]
    public async Task ARollbackServesTheChosenVersionOrTheHeuristicAndIsAudited()
    {
        await GivenSyntheticPortfolio();
        var first = await Train();
        var second = await Train(leadDays: 60);

        await Serve(first.Version);
        Assert.Equal(first.Version, (await Renewals.GetRenewalModelAsync(new(), cancellationToken: Ct)).Model.Version);
        await Eventually(() => AllUpcoming(new() { PageSize = 100 }),
            all => all.Count > 0 && all.All(p => p.ModelVersion == first.Version),
            "every prediction to come from the chosen version");
        Assert.Equal(first.Version, (await Serve(second.Version)).PreviousVersion);
        var heuristic = await Serve(0);
        Assert.Equal((second.Version, 0, RenewalModelKind.Heuristic), (heuristic.PreviousVersion,
            heuristic.Model.Version, heuristic.Model.Kind));
        var model = await Renewals.GetRenewalModelAsync(new(), cancellationToken: Ct);
        Assert.Equal(RenewalModelKind.Heuristic, model.Model.Kind);
        Assert.StartsWith("none of the stored models serves", model.HeuristicReason);
        await Eventually(() => AllUpcoming(new() { PageSize = 100 }),
            all => all.All(p => p.ModelKind == RenewalModelKind.Heuristic),
            "every prediction to come from the heuristic");

        var chosen = (await new AuditService.AuditServiceClient(Service.Channel)
            .ListAuditEventsAsync(new() { Action = AuditAction.RenewalModelChosen, PageSize = 1000 },
                cancellationToken: Ct)).Events;
        Assert.Equal(
            [$"{first.Version}", $"{second.Version}", "0"],
            chosen.OrderBy(e => e.Id).TakeLast(3).Select(e => e.TargetId));
        Assert.All(chosen, e => Assert.Equal((TestCredentials.Subject,
            "customerhealth.v1.RenewalService/ServeRenewalModel"), (e.Caller, e.Rpc)));
        await FailsWith(StatusCode.NotFound, () => Serve(9_999));
    }

    [Fact]
    public async Task AModelOfAFeatureBuilderThisBuildDoesNotComputeIsRefused()
    {
        await GivenSyntheticPortfolio();
        var model = await Train();
        await Service.InDatabaseAsync(async db =>
        {
            var row = await db.RenewalModels.SingleAsync(m => m.Version == model.Version, Ct);
            var detail = RenewalModelDetail.Deserialize(row.DetailJson);
            row.DetailJson = (detail with { FeatureBuilderVersion = 99 }).Serialize();
            return await db.SaveChangesAsync(Ct);
        });

        var status = await FailsWith(StatusCode.FailedPrecondition, () => Serve(model.Version));

        Assert.Contains("feature builder version 99", status.Message);
        var listed = (await Renewals.GetRenewalModelAsync(new() { Version = model.Version },
            cancellationToken: Ct)).Model;
        Assert.Equal((99, false), (listed.FeatureBuilderVersion, listed.Servable));
        await FailsWith(StatusCode.FailedPrecondition, () => Renewals.ListRenewalHoldoutAsync(new()
        {
            Version = model.Version, StartDate = Build.Date("2025-01-01"), EndDate = Build.Date("2026-03-15"),
        }, cancellationToken: Ct).ResponseAsync);
    }

    [Fact]
    public async Task AServingModelOfAFeatureBuilderThisBuildNoLongerComputesIsRetrainedAtOnce()
    {
        await GivenSyntheticPortfolio();
        var old = await Train(leadDays: 60);
        await Serve(old.Version);
        await Service.InDatabaseAsync(async db =>
        {
            // As a model trained by an earlier build: the features it knows are not the ones this build computes.
            var row = await db.RenewalModels.SingleAsync(m => m.Version == old.Version, Ct);
            row.DetailJson = (RenewalModelDetail.Deserialize(row.DetailJson) with { FeatureBuilderVersion = 1 })
                .Serialize();
            return await db.SaveChangesAsync(Ct);
        });
        // As when the new build starts: no model is loaded yet.
        Service.Services.GetRequiredService<RenewalModelCache>().Swap(null);

        // The service does not fail: the heuristic serves in its place, and says why.
        await Eventually(() => AllUpcoming(new() { PageSize = 100 }),
            all => all.Count > 0 && all.All(p => p.ModelKind == RenewalModelKind.Heuristic),
            "every prediction to come from the heuristic");
        var model = await Renewals.GetRenewalModelAsync(new(), cancellationToken: Ct);
        Assert.Equal(RenewalModelKind.Heuristic, model.Model.Kind);
        Assert.Contains(
            $"Renewal model {old.Version} was trained with feature builder version 1", model.HeuristicReason);

        // Automatic training retrains at once, though no outcome was recorded since, with the lead it served with.
        await using var scope = Service.Services.CreateAsyncScope();
        var training = scope.ServiceProvider.GetRequiredService<RenewalTraining>();
        var retrained = await training.TrainIfDueAsync(Caller.Service("renewal-worker"), Ct);
        Assert.NotNull(retrained);
        Assert.Equal((RenewalTraining.AutoTrigger, 60, true, (int?)null), (retrained.Trigger, retrained.LeadDays,
            retrained.Detail.ServableByThisBuild, retrained.Detail.ComparedWithVersion));
        Assert.Null(await training.TrainIfDueAsync(Caller.Service("renewal-worker"), Ct));
    }

    [Fact]
    public async Task AutomaticTrainingKeepsTheLeadAndSettingsOfTheServingModel()
    {
        await GivenSyntheticPortfolio();
        var admin = await Train(leadDays: 60);
        await Serve(admin.Version);
        await using var scope = Service.Services.CreateAsyncScope();
        var training = scope.ServiceProvider.GetRequiredService<RenewalTraining>();
        Assert.Null(await training.TrainIfDueAsync(Caller.Service("renewal-worker"), Ct)); // nothing new recorded yet

        // Three more outcomes whose lead day (60 days before the renewal) is not ahead.
        var today = DateOnly.FromDateTime(DefaultNow.UtcDateTime);
        var open = await Service.InDatabaseAsync(db => db.Contracts.Where(c => c.Outcome == null
            && c.EndDate >= today && c.EndDate <= today.AddDays(60))
            .OrderBy(c => c.Id).Select(c => c.Id).Take(3).ToListAsync(Ct));
        Assert.Equal(3, open.Count);
        foreach (var contract in open) await RecordOutcome(contract, renewed: true);
        var automatic = await training.TrainIfDueAsync(Caller.Service("renewal-worker"), Ct);

        Assert.NotNull(automatic);
        Assert.Equal((RenewalTraining.AutoTrigger, 60), (automatic.Trigger, automatic.LeadDays));
        Assert.Equal((admin.HoldoutShare, admin.CalibrationShare), (automatic.Detail.HoldoutShare!.Value,
            automatic.Detail.CalibrationShare!.Value));
        Assert.Equal(admin.Version, automatic.Detail.ComparedWithVersion);
        Assert.Null(await training.TrainIfDueAsync(Caller.Service("renewal-worker"), Ct));
    }

    [Fact]
    public async Task ALeadAtOrAboveTheMedianTermOfTheContractsIsRefused()
    {
        await GivenSyntheticPortfolio();
        var before = (await Renewals.ListRenewalModelsAsync(new(), cancellationToken: Ct)).Models.Count;

        var status = await FailsWith(StatusCode.FailedPrecondition, () => Train(leadDays: 365));

        Assert.Contains("a lead of 365 days is not shorter than the median term", status.Message);
        Assert.Equal(before, (await Renewals.ListRenewalModelsAsync(new(), cancellationToken: Ct)).Models.Count);
    }

    [Fact]
    public async Task TheAucRecomputedFromTheExportedHoldoutIsTheReportedOneAndABacktestOverItsDatesReproducesIt()
    {
        await GivenSyntheticPortfolio();
        var model = await Train();

        var stored = await AllHoldout(new() { Version = model.Version, PageSize = 7 });
        var backtest = await AllHoldout(new()
        {
            Version = model.Version, StartDate = model.HoldoutStartDate, EndDate = model.HoldoutEndDate, PageSize = 50,
        });

        Assert.Equal(model.HoldoutCount, stored.Count);
        Assert.Equal((double?)model.Holdout.Auc, HealthBacktest.Auc(stored.Select(r => (r.RenewalProbability,
            r.Renewed)).ToArray()));
        Assert.Equal((double?)model.PriorHoldout.Auc, HealthBacktest.Auc(stored.Select(r => (r.PriorProbability,
            r.Renewed)).ToArray()));
        Assert.All(stored, r => Assert.InRange(Day(r.RenewalDate), Day(model.HoldoutStartDate),
            Day(model.HoldoutEndDate)));
        Assert.Equal(stored.Select(r => (r.ContractId, r.Renewed)), backtest.Select(r => (r.ContractId, r.Renewed)));
        Assert.All(stored.Zip(backtest), x =>
        {
            Assert.Equal(x.First.RenewalProbability, x.Second.RenewalProbability, 9);
            Assert.Equal(x.First.PriorProbability, x.Second.PriorProbability, 9);
        });
        await RejectsField("end_date",
            () => Renewals.ListRenewalHoldoutAsync(new() { StartDate = Build.Date("2026-01-01") },
            cancellationToken: Ct).ResponseAsync);
        await RejectsField("page_token", () => Renewals.ListRenewalHoldoutAsync(new() { PageToken = "x" },
            cancellationToken: Ct).ResponseAsync);
    }

    [Fact]
    public async Task TheEvaluatorStoresACandidateAndLeavesWhatServes()
    {
        await GivenSyntheticPortfolio();
        var serving = (await Renewals.GetRenewalModelAsync(new(), cancellationToken: Ct)).Model.Version;
        await using var scope = Service.Services.CreateAsyncScope();
        var training = scope.ServiceProvider.GetRequiredService<RenewalTraining>();

        var evaluated = await training.TrainAsync(training.PlanWithLead(90), RenewalTraining.EvaluateTrigger,
            Caller.Service("customerhealth-evaluate"), Ct);

        Assert.False(evaluated.Serving);
        Assert.Equal(serving, (await Renewals.GetRenewalModelAsync(new(), cancellationToken: Ct)).Model.Version);
    }

    private async Task<IReadOnlyList<RenewalHoldoutRow>> AllHoldout(ListRenewalHoldoutRequest request)
    {
        var all = new List<RenewalHoldoutRow>();
        while (true)
        {
            var page = await Renewals.ListRenewalHoldoutAsync(request, cancellationToken: Ct);
            all.AddRange(page.Rows);
            if (page.NextPageToken == "") return all;
            request = request.Clone();
            request.PageToken = page.NextPageToken;
        }
    }

    private static DateOnly Day(Google.Type.Date date) => new(date.Year, date.Month, date.Day);
}
