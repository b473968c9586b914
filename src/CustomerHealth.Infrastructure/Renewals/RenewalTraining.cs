using System.Diagnostics;
using System.Globalization;
using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Renewals;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Infrastructure.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerHealth.Infrastructure.Renewals;

/// <summary>Recorded outcomes usable for training: their lead day is not ahead.</summary>
public sealed record OutcomeCounts(int Renewals, int Churns)
{
    public int Total => Renewals + Churns;
}

/// <summary>What a training uses: the lead, and the shares of the time-ordered split. Stored with the model.</summary>
public sealed record TrainingPlan(int LeadDays, double HoldoutShare, double CalibrationShare);

/// <summary>
/// The training rows with what was read to build them: each outcome's feature request (by contract id) and the terms
/// (start to renewal date, in days) of the contracts.
/// </summary>
public sealed record TrainingSet(
    OutcomeCounts Counts, IReadOnlyList<TrainingOutcome> Outcomes,
    IReadOnlyDictionary<string, RenewalFeatureRequest> Requests, IReadOnlyList<int> TermDays)
{
    /// <summary>The counts and the rows, as callers that read only those take them.</summary>
    public void Deconstruct(out OutcomeCounts counts, out IReadOnlyList<TrainingOutcome> outcomes) =>
        (counts, outcomes) = (Counts, Outcomes);
}

/// <summary>
/// Trains a renewal model from the recorded outcomes: each contract with an outcome (renewed or churned) whose lead day
/// (<c>renewal date − lead days</c>) is not ahead is paired with its features as of the end of that day
/// (<see cref="HealthRecomputer.EndOf"/>), read by <see cref="RenewalFeatureReader"/>, the same reader live predictions
/// use. The trained model serves only when it passes the quality gate (<see cref="RenewalQualityGate"/>) against the
/// score-only prior and the serving model on the same holdout; otherwise it is stored as a candidate with the reason.
/// Fitting runs on the thread pool; the only write is one short transaction, so reads never wait for a training.
/// Trainings of one process are serialised.
/// </summary>
public sealed class RenewalTraining(
    CustomerHealthDbContext db, RenewalFeatureReader features, RenewalModelStore models, RenewalModelCache cache,
    RenewalOptions options, TimeProvider clock, ILogger<RenewalTraining>? logger = null)
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public const string AdminTrigger = "admin";
    public const string AutoTrigger = "auto";

    /// <summary>The evaluator's trigger: such a model is stored as a candidate and never serves.</summary>
    public const string EvaluateTrigger = "evaluate";

    /// <summary>The plan of an admin training: the lead given, the configured shares.</summary>
    public TrainingPlan PlanWithLead(int leadDays) => new(leadDays, options.HoldoutShare, options.CalibrationShare);

    /// <summary>
    /// The plan of automatic training: the lead and shares of the serving model, else of the newest stored model an
    /// admin or the worker trained (<see cref="RenewalModelStore.TemplateForRetrainingAsync"/>), else the configured
    /// ones.
    /// Shares of models stored before they were recorded are the configured ones.
    /// </summary>
    public async Task<TrainingPlan> AutomaticPlanAsync(CancellationToken ct)
    {
        var template = await models.TemplateForRetrainingAsync(ct);
        return template is null
            ? PlanWithLead(options.LeadDays)
            : new TrainingPlan(template.LeadDays, template.Detail.HoldoutShare ?? options.HoldoutShare,
                template.Detail.CalibrationShare ?? options.CalibrationShare);
    }

    /// <summary>Renewals and churns whose lead day is today or earlier.</summary>
    public async Task<OutcomeCounts> CountOutcomesAsync(int leadDays, CancellationToken ct)
    {
        var lastEnd = Today.AddDays(leadDays);
        var counts = await db.Contracts.AsNoTracking()
            .Where(c => c.Outcome != null && c.EndDate <= lastEnd)
            .GroupBy(c => c.Outcome!.Kind)
            .Select(g => new { Kind = g.Key, Count = g.Count() })
            .ToListAsync(ct);
        return new OutcomeCounts(
            counts.Where(c => c.Kind == RenewalOutcomeKind.Renewed).Sum(c => c.Count),
            counts.Where(c => c.Kind == RenewalOutcomeKind.Churned).Sum(c => c.Count));
    }

    /// <summary>Why the heuristic must serve with these counts, or null when a model can be trained.</summary>
    public string? WhyTooFew(OutcomeCounts counts) =>
        counts.Renewals < options.MinimumOutcomesPerClass || counts.Churns < options.MinimumOutcomesPerClass
            ? $"{counts.Renewals} renewals and {counts.Churns} churns are recorded; a model needs at least " +
                $"{options.MinimumOutcomesPerClass} of each (Renewals:MinimumOutcomesPerClass)"
            : null;

    /// <summary>
    /// Whether the worker should train now with <paramref name="plan"/>: enough outcomes of each class, and no model
    /// stored yet (the evaluator's aside), or the newest one was trained with a feature builder version this build
    /// does not compute (a model this build cannot serve is replaced at once; the heuristic serves meanwhile), or at
    /// least <see cref="RenewalOptions.RetrainAfterNewOutcomes"/> more outcomes than the newest one was trained with,
    /// whether it serves or not: a candidate the gate held back, or an admin's choice of another version or of the
    /// heuristic, stands until that many new outcomes are recorded.
    /// </summary>
    public async Task<bool> IsTrainingDueAsync(TrainingPlan plan, CancellationToken ct)
    {
        var counts = await CountOutcomesAsync(plan.LeadDays, ct);
        if (WhyTooFew(counts) is not null) return false;
        var newest = await db.RenewalModels.AsNoTracking().Where(m => m.Trigger != EvaluateTrigger)
            .OrderByDescending(m => m.Version).Select(m => new { m.OutcomeCount, m.DetailJson })
            .FirstOrDefaultAsync(ct);
        return newest is null || !RenewalModelDetail.Deserialize(newest.DetailJson).ServableByThisBuild
            || counts.Total - newest.OutcomeCount >= options.RetrainAfterNewOutcomes;
    }

    /// <summary>
    /// What the automatic trainer does on each check: trains with <see cref="AutomaticPlanAsync"/> when due; null when
    /// it is not.
    /// </summary>
    public async Task<RenewalModelInfo?> TrainIfDueAsync(Caller caller, CancellationToken ct)
    {
        var plan = await AutomaticPlanAsync(ct);
        return await IsTrainingDueAsync(plan, ct) ? await TrainAsync(plan, AutoTrigger, caller, ct) : null;
    }

    /// <summary>
    /// Trains and stores the model as the next version: serving (swapped into this process's cache) when it passes the
    /// quality gate and was not trained by the evaluator, else as a candidate. Throws
    /// <see cref="RuleViolationException"/> (NOT_ENOUGH_OUTCOMES) below the minimum per class, and
    /// (LEAD_NOT_SHORTER_THAN_TERM) for a lead at or above the median term of the contracts it would train on.
    /// </summary>
    public async Task<RenewalModelInfo> TrainAsync(
        TrainingPlan plan, string trigger, Caller caller, CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        using var activity = Telemetry.ServiceActivities.Source.StartActivity("renewals.train");
        activity?.SetTag("customerhealth.trigger", trigger);
        try
        {
            var featureClock = Stopwatch.StartNew();
            ThrowIfTooFew(await CountOutcomesAsync(plan.LeadDays, ct));
            using var progress = new WorkProgress(
                "Training the renewal model", 0, "outcomes", logger ?? (ILogger)NullLogger.Instance, clock);
            progress.EnterStage("building training rows");
            var set = await BuildTrainingSetAsync(plan.LeadDays, ct);
            ThrowIfLeadTooLong(plan.LeadDays, set.TermDays);
            var featureSeconds = featureClock.Elapsed.TotalSeconds;
            progress.Advance(set.Outcomes.Count);
            progress.EnterStage("fitting");
            var settings = new RenewalTrainingSettings(plan.HoldoutShare, plan.CalibrationShare)
            {
                FitParallelism = options.FitParallelism,
            };
            var trained = await Task.Run(() => RenewalTrainer.Train(set.Outcomes, settings, logger), ct);
            progress.EnterStage("judging");
            var (servingVersion, decision) = await JudgeAsync(trained, set, plan.LeadDays, ct);
            var serve = decision.Passed && trigger != EvaluateTrigger;
            trained = trained with
            {
                Detail = trained.Detail with
                {
                    FeatureSeconds = featureSeconds,
                    PassedGate = decision.Passed,
                    GateReason = decision.Reason,
                    ComparedWithVersion = servingVersion,
                    ServingHoldout = decision.Serving,
                },
            };
            progress.EnterStage("storing");
            // The saved bytes must load before they are stored.
            _ = ServingRenewalModel.Load(0, trained.Kind, trained.ModelBytes, trained.Detail);
            var meta = new ModelServing(trigger, plan.LeadDays, set.Counts.Total, clock.GetUtcNow().UtcDateTime);
            var info = await models.SaveAsync(trained, meta, serve, caller, ct);
            if (serve)
                cache.Swap(ServingRenewalModel.Load(info.Version, trained.Kind, trained.ModelBytes, trained.Detail));
            activity?.SetTag("customerhealth.model.version", info.Version);
            activity?.SetTag("customerhealth.model.serving", serve);
            activity?.SetTag("customerhealth.outcomes", set.Counts.Total);
            return info;
        }
        catch (Exception ex)
        {
            activity.Fail(ex);
            throw;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// Makes stored version <paramref name="version"/> serve, or the heuristic for 0 (rollback), audited, and swaps it
    /// into this process's cache (other replicas follow on their worker's next pass). Any stored version this build can
    /// compute the features of may serve, a candidate the gate held back included: the admin's explicit, audited
    /// choice. NOT_FOUND for an unknown version, FAILED_PRECONDITION (UNKNOWN_FEATURE_BUILDER) for a model trained with
    /// a feature builder version this build does not compute. Serialised with trainings. Returns the version served
    /// before.
    /// </summary>
    public async Task<int> ServeAsync(int version, Caller caller, CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        try
        {
            ServingRenewalModel? loaded = null;
            if (version > 0)
            {
                var stored = await models.LoadAsync(version, ct)
                    ?? throw new NotFoundException("RenewalModel", version.ToString(CultureInfo.InvariantCulture));
                if (!stored.Detail.ServableByThisBuild)
                    throw new RuleViolationException(
                        "UNKNOWN_FEATURE_BUILDER", ServingRenewalModel.UnknownFeatures(version, stored.Detail),
                        new Dictionary<string, string>
                        {
                            ["version"] = version.ToString(CultureInfo.InvariantCulture),
                            ["feature_builder_version"] =
                                RenewalFeatureBuilderVersion.Current.ToString(CultureInfo.InvariantCulture),
                        });
                loaded = ServingRenewalModel.Load(version, stored.Kind, stored.Bytes, stored.Detail);
            }
            var previous = await models.ServeAsync(version, caller, clock.GetUtcNow().UtcDateTime, ct);
            cache.Swap(loaded);
            return previous;
        }
        finally
        {
            Gate.Release();
        }
    }

    private void ThrowIfTooFew(OutcomeCounts available)
    {
        if (WhyTooFew(available) is not { } why) return;
        throw new RuleViolationException(
            "NOT_ENOUGH_OUTCOMES", $"Cannot train a renewal model: {why}. The heuristic prior serves meanwhile.",
            new Dictionary<string, string>
            {
                ["renewals"] = available.Renewals.ToString(CultureInfo.InvariantCulture),
                ["churns"] = available.Churns.ToString(CultureInfo.InvariantCulture),
                ["minimum_per_class"] = options.MinimumOutcomesPerClass.ToString(CultureInfo.InvariantCulture),
            });
    }

    private static void ThrowIfLeadTooLong(int leadDays, IReadOnlyList<int> termDays)
    {
        if (RenewalLead.WhyTooLong(leadDays, termDays) is not { } why) return;
        throw new RuleViolationException("LEAD_NOT_SHORTER_THAN_TERM", $"Cannot train a renewal model: {why}.",
            new Dictionary<string, string>
            {
                ["lead_days"] = leadDays.ToString(CultureInfo.InvariantCulture),
                ["median_term_days"] =
                    RenewalLead.MedianTermDays(termDays)!.Value.ToString(CultureInfo.InvariantCulture),
            });
    }

    /// <summary>
    /// The gate's decision on <paramref name="trained"/>, with the serving model's version when one serves that this
    /// build can ask (a serving model of another feature builder version cannot be compared: the prior alone judges).
    /// </summary>
    private async Task<(int? ServingVersion, GateDecision Decision)> JudgeAsync(
        TrainedRenewalModel trained, TrainingSet set, int leadDays, CancellationToken ct)
    {
        var servingVersion = await models.ServingVersionAsync(ct);
        var stored = servingVersion > 0 ? await models.LoadAsync(servingVersion, ct) : null;
        IReadOnlyDictionary<string, double>? servingProbabilities = null;
        if (stored is { } s && s.Detail.ServableByThisBuild)
        {
            var serving = ServingRenewalModel.Load(servingVersion, s.Kind, s.Bytes, s.Detail);
            servingProbabilities = await ServingHoldoutProbabilitiesAsync(
                serving, s.LeadDays, trained.Holdout, set, leadDays, ct);
        }
        double? ServingOf(string contractId) =>
            servingProbabilities?.TryGetValue(contractId, out var p) == true ? p : null;
        var cases = trained.Holdout
            .Select(h => new GateCase(h.Probability, h.Prior, ServingOf(h.Outcome.ContractId), h.Outcome.Renewed))
            .ToArray();
        int? compared = servingProbabilities is null ? null : servingVersion;
        return (compared, RenewalQualityGate.Decide(cases, compared));
    }

    /// <summary>
    /// The serving model's probabilities for the holdout outcomes: on the same features when it has the same lead, else
    /// on features as of its own lead (outcomes whose lead day by that lead is still ahead are left out).
    /// </summary>
    private async Task<IReadOnlyDictionary<string, double>> ServingHoldoutProbabilitiesAsync(
        ServingRenewalModel serving, int servingLead, IReadOnlyList<HoldoutPrediction> holdout, TrainingSet set,
        int leadDays, CancellationToken ct)
    {
        if (servingLead == leadDays)
        {
            var same = serving.Probabilities(holdout.Select(h => h.Outcome.Features).ToArray());
            return holdout.Select((h, i) => (h.Outcome.ContractId, P: same[i]))
                .ToDictionary(x => x.ContractId, x => x.P, StringComparer.Ordinal);
        }
        var today = Today;
        var requests = holdout.Select(h => set.Requests[h.Outcome.ContractId])
            .Where(r => r.RenewalDate.AddDays(-servingLead) <= today)
            .Select(r => r with { AsOf = LeadInstant(r.RenewalDate, servingLead) })
            .ToArray();
        var rows = await features.ReadAsync(requests, ct);
        var probabilities = serving.Probabilities(rows.Select(r => r.Features).ToArray());
        return rows.Select((r, i) => (r.Request.ContractId, P: probabilities[i]))
            .ToDictionary(x => x.ContractId, x => x.P, StringComparer.Ordinal);
    }

    /// <summary>
    /// The training rows: every recorded renewal or churn whose lead day is today or earlier, with its features as of
    /// the end of its lead day (<c>renewal date − <paramref name="leadDays"/></c>); outcomes of accounts since deleted
    /// are left out.
    /// </summary>
    public async Task<TrainingSet> BuildTrainingSetAsync(int leadDays, CancellationToken ct)
    {
        var lastEnd = Today.AddDays(leadDays);
        var decided = await db.Contracts.AsNoTracking()
            .Where(c => c.Outcome != null && c.EndDate <= lastEnd)
            .Select(c => new { c.Id, c.AccountId, c.ArrAmount, c.Currency, c.StartDate, c.EndDate, c.Outcome!.Kind })
            .ToListAsync(ct);
        var counts = new OutcomeCounts(
            decided.Count(c => c.Kind == RenewalOutcomeKind.Renewed),
            decided.Count(c => c.Kind == RenewalOutcomeKind.Churned));
        var renewed = decided.ToDictionary(
            c => c.Id, c => c.Kind == RenewalOutcomeKind.Renewed, StringComparer.Ordinal);
        var requests = decided
            .Select(
                c => new RenewalFeatureRequest(
                    c.AccountId, c.Id, c.ArrAmount, c.Currency, c.EndDate, LeadInstant(c.EndDate, leadDays)))
            .ToArray();
        var rows = await features.ReadAsync(requests, ct);
        var outcomes = rows.Select(
            r => new TrainingOutcome(
                r.Request.ContractId, r.Request.RenewalDate, r.Features, renewed[r.Request.ContractId])).ToArray();
        return new TrainingSet(counts, outcomes, requests.ToDictionary(r => r.ContractId, StringComparer.Ordinal),
            decided.Select(c => c.EndDate.DayNumber - c.StartDate.DayNumber).ToArray());
    }

    /// <summary>The instant a training row's features are taken as of: the end of the day <paramref name="leadDays"/>
    /// before the renewal date.</summary>
    public static DateTimeOffset LeadInstant(DateOnly renewalDate, int leadDays) =>
        HealthRecomputer.EndOf(renewalDate.AddDays(-leadDays));

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}
