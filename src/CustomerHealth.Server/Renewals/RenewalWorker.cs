using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Coordination;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Infrastructure.Renewals;
using CustomerHealth.Infrastructure.Telemetry;
using CustomerHealth.Server.Hosting;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Server.Renewals;

/// <summary>
/// Keeps renewal predictions fresh. Every <see cref="RenewalOptions.RefreshInterval"/>: picks up a model another
/// replica swapped in; recomputes every prediction after a model swap and on the first pass of each UTC day; otherwise
/// recomputes the accounts that entered the health change feed since its cursor (their score changed band or moved).
/// Every <see cref="RenewalOptions.ReconcileInterval"/> it also fixes accounts whose open contracts and stored
/// predictions disagree (a new contract, an outcome recorded, a renewal date passed). Every replica keeps its model
/// cache in step; with several replicas on one database, only the holder of the lease <see
/// cref="ReplicaLeases.Names.RenewalPredictions"/> recomputes predictions.
/// </summary>
public sealed class RenewalWorker(
    IServiceScopeFactory scopes, RenewalOptions options, RenewalModelCache cache, TimeProvider clock,
    ReplicaLeases leases, ServiceMetrics metrics, ILogger<RenewalWorker> logger)
    : BackgroundService
{
    private TimeSpan LeaseLength => ReplicaLeases.LengthFor(options.RefreshInterval);

    private long? _healthCursor;
    private DateOnly? _lastDailyPass;
    private int? _predictedWithVersion;
    // Scheduling runs on the clock's timestamps (like the timer), not its wall-clock time, which a test may hold still.
    private long _reconciledAt = clock.GetTimestamp();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.RefreshInterval, clock);
        var backoff = new FailureBackoff(clock, logger, "Renewal prediction pass");
        try
        {
            do
            {
                try
                {
                    await PassAsync(stoppingToken);
                    backoff.Succeeded();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    await backoff.FailedAsync(ex, stoppingToken);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        finally
        {
            await leases.ReleaseAsync(ReplicaLeases.Names.RenewalPredictions);
        }
    }

    /// <summary>One pass of the worker.</summary>
    private async Task PassAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<CustomerHealthDbContext>();
        var predictor = services.GetRequiredService<RenewalPredictor>();
        if (await cache.SyncAsync(services.GetRequiredService<RenewalModelStore>(), ct)
            && cache.Unservable is { } unservable)
        {
            logger.LogWarning(
                "Renewal model {Version} serves in the database, but it was trained with a feature builder version " +
                "this build does not compute ({Current}); the heuristic serves until a model trained by this build " +
                "passes the quality gate (automatic training retrains now).",
                unservable, Domain.Renewals.RenewalFeatureBuilderVersion.Current);
        }
        metrics.ServingModel(cache.CurrentVersion, cache.Current?.Detail.Holdout.Auc);
        if (!await leases.TryHoldAsync(ReplicaLeases.Names.RenewalPredictions, LeaseLength, ct))
        {
            // Another replica keeps the predictions; should this one take over later, it starts with a full refresh.
            _predictedWithVersion = null;
            return;
        }
        await RefreshAsync(db, predictor, ct);
        metrics.PredictionsChecked(await db.RenewalPredictions.MinAsync(p => (DateTime?)p.ComputedAt, ct));
    }

    /// <summary>Recomputes what is due: all after a model swap or at the day's first pass, else what changed.</summary>
    private async Task RefreshAsync(CustomerHealthDbContext db, RenewalPredictor predictor, CancellationToken ct)
    {

        // The cursor starts at the feed's end: the first pass recomputes everything anyway.
        var feedEnd = await db.HealthChanges.MaxAsync(c => (long?)c.Sequence, ct) ?? 0;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var version = cache.CurrentVersion;
        if (_predictedWithVersion != version || (options.DailyPass && _lastDailyPass != today))
        {
            using var activity = ServiceActivities.StartWork("renewals.predict_all");
            cache.ForgetArrHistory();
            await predictor.RefreshAllAsync(ct);
            (_predictedWithVersion, _lastDailyPass, _healthCursor) = (version, today, feedEnd);
            _reconciledAt = clock.GetTimestamp();
            return;
        }

        var cursor = _healthCursor ?? feedEnd;
        while (true)
        {
            var changed = await db.HealthChanges.AsNoTracking().Where(c => c.Sequence > cursor).OrderBy(c => c.Sequence)
                .Take(options.BatchSize)
                .Select(c => new { c.Sequence, c.AccountId }).ToListAsync(ct);
            if (changed.Count == 0) break;
            using var activity = ServiceActivities.StartWork("renewals.predict_changed");
            activity?.SetTag("customerhealth.accounts", changed.Count);
            await predictor.RefreshAccountsAsync(
                changed.Select(c => c.AccountId).Distinct(StringComparer.Ordinal).ToArray(), ct);
            cursor = changed[^1].Sequence;
            _healthCursor = cursor;
            db.ChangeTracker.Clear();
        }
        _healthCursor = cursor;

        if (clock.GetElapsedTime(_reconciledAt) >= options.ReconcileInterval)
        {
            foreach (var chunk in (await predictor.FindOutOfStepAsync(ct)).Chunk(options.BatchSize))
                await predictor.RefreshAccountsAsync(chunk, ct);
            _reconciledAt = clock.GetTimestamp();
        }
    }
}

/// <summary>
/// Trains by itself: every <see cref="RenewalOptions.AutoTrainCheckInterval"/> it counts the recorded outcomes and
/// trains when <see cref="RenewalTraining.IsTrainingDueAsync"/> says so, with the lead and settings of the serving
/// model (<see cref="RenewalTraining.AutomaticPlanAsync"/>); the model serves only when it passes the quality gate. Off
/// the request path; reads go on while it trains. With several replicas, the holder of the lease <see
/// cref="ReplicaLeases.Names.RenewalTraining"/> trains.
/// </summary>
public sealed class RenewalTrainingWorker(
    IServiceScopeFactory scopes, RenewalOptions options, TimeProvider clock, ReplicaLeases leases,
    ILogger<RenewalTrainingWorker> logger)
    : BackgroundService
{
    /// <summary>Long enough to cover a training run, so that no other replica starts one meanwhile.</summary>
    private TimeSpan LeaseLength =>
        ReplicaLeases.LengthFor(options.AutoTrainCheckInterval, atLeast: TimeSpan.FromMinutes(15));

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        LeasedLoop.RunAsync(leases, clock, ReplicaLeases.Names.RenewalTraining, options.AutoTrainCheckInterval,
            LeaseLength, CheckAsync, logger, "Automatic renewal model training", stoppingToken);

    private async Task CheckAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var training = scope.ServiceProvider.GetRequiredService<RenewalTraining>();
        if (await training.TrainIfDueAsync(Caller.Service("renewal-worker"), stoppingToken) is not { } model) return;
        logger.LogInformation(
            "Trained renewal model {Version} ({Kind}, lead {LeadDays} days) on {Count} outcomes; holdout AUC {Auc}; " +
            "serving: {Serving}. {GateReason}",
            model.Version, model.Kind, model.LeadDays, model.OutcomeCount, model.Detail.Holdout.Auc, model.Serving,
            model.Detail.GateReason);
    }
}
