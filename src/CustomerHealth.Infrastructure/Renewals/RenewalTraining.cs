using System.Diagnostics;
using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
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

/// <summary>
/// Trains a renewal model from the recorded outcomes and swaps it in: each contract with an outcome (renewed or
/// churned)
/// whose lead day (<c>renewal date − lead days</c>) is not ahead is paired with its features as of the end of that day
/// (<see cref="HealthRecomputer.EndOf"/>), read by <see cref="RenewalFeatureReader"/>, the same reader live predictions
/// use.
/// Fitting runs on the thread pool; the only write is one short transaction, so reads never wait for a training.
/// Trainings
/// of one process are serialised.
/// </summary>
public sealed class RenewalTraining(
    CustomerHealthDbContext db, RenewalFeatureReader features, RenewalModelStore models, RenewalModelCache cache,
    RenewalOptions options, TimeProvider clock, ILogger<RenewalTraining>? logger = null)
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public const string AdminTrigger = "admin";
    public const string AutoTrigger = "auto";

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
            ? $"{counts.Renewals} renewals and {counts.Churns} churns are recorded; a model needs at least {options.MinimumOutcomesPerClass} of each (Renewals:MinimumOutcomesPerClass)"
            : null;

    /// <summary>
    /// Whether the worker should train now: enough outcomes of each class, and no model yet or at least
    /// <see cref="RenewalOptions.RetrainAfterNewOutcomes"/> more outcomes than the serving model was trained with.
    /// </summary>
    public async Task<bool> IsTrainingDueAsync(CancellationToken ct)
    {
        var counts = await CountOutcomesAsync(options.LeadDays, ct);
        if (WhyTooFew(counts) is not null) return false;
        var serving = await db.RenewalModels.AsNoTracking().Where(m => m.Serving).Select(m => (int?)m.OutcomeCount).SingleOrDefaultAsync(ct);
        return serving is not { } trained || counts.Total - trained >= options.RetrainAfterNewOutcomes;
    }

    /// <summary>
    /// Trains, stores the model as the next version, makes it serve, and swaps it into this process's cache. Throws
    /// <see cref="RuleViolationException"/> (NOT_ENOUGH_OUTCOMES) below the minimum per class.
    /// </summary>
    public async Task<RenewalModelInfo> TrainAsync(int leadDays, string trigger, Caller caller, CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        using var activity = Telemetry.ServiceActivities.Source.StartActivity("renewals.train");
        activity?.SetTag("customerhealth.trigger", trigger);
        try
        {
            var featureClock = Stopwatch.StartNew();
            var available = await CountOutcomesAsync(leadDays, ct);
            if (WhyTooFew(available) is { } why)
            {
                throw new RuleViolationException("NOT_ENOUGH_OUTCOMES", $"Cannot train a renewal model: {why}. The heuristic prior serves meanwhile.",
                    new Dictionary<string, string>
                    {
                        ["renewals"] = available.Renewals.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["churns"] = available.Churns.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["minimum_per_class"] = options.MinimumOutcomesPerClass.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    });
            }
            using var progress = new WorkProgress(
                "Training the renewal model", 0, "outcomes", logger ?? (ILogger)NullLogger.Instance, clock);
            progress.EnterStage("building training rows");
            var (counts, outcomes) = await BuildTrainingSetAsync(leadDays, ct);
            var featureSeconds = featureClock.Elapsed.TotalSeconds;
            progress.Advance(outcomes.Count);
            progress.EnterStage("fitting");

            var settings = new RenewalTrainingSettings(options.HoldoutShare, options.CalibrationShare);
            var trained = await Task.Run(() => RenewalTrainer.Train(outcomes, settings), ct);
            progress.EnterStage("storing");
            trained = trained with { Detail = trained.Detail with { FeatureSeconds = featureSeconds } };
            _ = ServingRenewalModel.Load(0, trained.Kind, trained.ModelBytes, trained.Detail); // the saved bytes must load before they are stored
            var info = await models.SaveAndServeAsync(trained, new ModelServing(trigger, leadDays, counts.Total, clock.GetUtcNow().UtcDateTime), caller, ct);
            cache.Swap(ServingRenewalModel.Load(info.Version, trained.Kind, trained.ModelBytes, trained.Detail));
            activity?.SetTag("customerhealth.model.version", info.Version);
            activity?.SetTag("customerhealth.outcomes", counts.Total);
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
    /// The training rows: every recorded renewal or churn whose lead day is today or earlier, with its features as of
    /// the end
    /// of its lead day (<c>renewal date − <paramref name="leadDays"/></c>); outcomes of accounts since deleted are left
    /// out.
    /// </summary>
    public async Task<(OutcomeCounts Counts, IReadOnlyList<TrainingOutcome> Outcomes)> BuildTrainingSetAsync(int leadDays, CancellationToken ct)
    {
        var lastEnd = Today.AddDays(leadDays);
        var decided = await db.Contracts.AsNoTracking()
            .Where(c => c.Outcome != null && c.EndDate <= lastEnd)
            .Select(c => new { c.Id, c.AccountId, c.ArrAmount, c.Currency, c.EndDate, c.Outcome!.Kind })
            .ToListAsync(ct);
        var counts = new OutcomeCounts(decided.Count(c => c.Kind == RenewalOutcomeKind.Renewed), decided.Count(c => c.Kind == RenewalOutcomeKind.Churned));
        var renewed = decided.ToDictionary(c => c.Id, c => c.Kind == RenewalOutcomeKind.Renewed, StringComparer.Ordinal);
        var requests = decided
            .Select(c => new RenewalFeatureRequest(c.AccountId, c.Id, c.ArrAmount, c.Currency, c.EndDate, LeadInstant(c.EndDate, leadDays)))
            .ToArray();
        var rows = await features.ReadAsync(requests, ct);
        return (counts, rows.Select(r => new TrainingOutcome(r.Request.ContractId, r.Request.RenewalDate, r.Features, renewed[r.Request.ContractId])).ToArray());
    }

    /// <summary>The instant a training row's features are taken as of: the end of the day <paramref name="leadDays"/>
    /// before the renewal date.</summary>
    public static DateTimeOffset LeadInstant(DateOnly renewalDate, int leadDays) => HealthRecomputer.EndOf(renewalDate.AddDays(-leadDays));

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}
