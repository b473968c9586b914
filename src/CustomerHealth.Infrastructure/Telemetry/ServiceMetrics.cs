using System.Diagnostics.Metrics;
using CustomerHealth.Domain.Engagement;

namespace CustomerHealth.Infrastructure.Telemetry;

/// <summary>
/// The service's own meter (<c>CustomerHealth</c>): what an operator watches besides the ASP.NET Core, Kestrel and
/// runtime meters. Instrument names and units are listed in docs/operations.md#metrics. Counters and histograms are
/// recorded where the work happens; the gauges show the latest measurement of the work that takes it (queue depth,
/// recompute backlog, prediction age, serving model), and show nothing before the first one.
/// </summary>
public sealed class ServiceMetrics
{
    public const string MeterName = "CustomerHealth";

    private static readonly double[] SecondsBuckets =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly TimeProvider _clock;
    private readonly Counter<long> _events;
    private readonly Histogram<double> _commitSeconds;
    private readonly Histogram<double> _recomputeSeconds;
    private readonly Counter<long> _recomputed;
    private readonly Counter<long> _cacheLookups;
    private readonly Counter<long> _audit;
    private Func<int>? _queuedBatches;
    private Backlog? _backlog;
    private DateTimeOffset? _oldestPrediction;
    private ServedModel? _model;

    public ServiceMetrics(IMeterFactory? meters, TimeProvider clock)
    {
        _clock = clock;
        var meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _events = meter.CreateCounter<long>("customerhealth.ingestion.events", "{event}",
            "Usage events answered, by outcome (accepted, duplicate, rejected) and rejection reason");
        _commitSeconds = meter.CreateHistogram("customerhealth.ingestion.commit.duration", "s",
            "Time to store one group commit of usage-event batches", advice: Seconds());
        meter.CreateObservableGauge("customerhealth.ingestion.queue.depth", QueueDepth, "{batch}",
            "Usage-event batches waiting for a writer");
        meter.CreateObservableGauge("customerhealth.health.recompute.pending", PendingAccounts, "{account}",
            "Accounts marked for rescoring and due, at the last recompute pass");
        meter.CreateObservableGauge("customerhealth.health.recompute.oldest_age", OldestPendingAge, "s",
            "Age of the oldest due rescoring mark at the last recompute pass, counted to now");
        _recomputeSeconds = meter.CreateHistogram("customerhealth.health.recompute.duration", "s",
            "Time to rescore one batch of marked accounts", advice: Seconds());
        _recomputed = meter.CreateCounter<long>("customerhealth.health.recomputed", "{account}", "Accounts rescored");
        meter.CreateObservableGauge("customerhealth.renewals.prediction.oldest_age", OldestPredictionAge, "s",
            "Age of the oldest stored renewal prediction, counted to now");
        meter.CreateObservableGauge("customerhealth.renewals.model.version", ModelVersion, "{version}",
            "Version of the serving renewal model (0: the score-only prior)");
        meter.CreateObservableGauge("customerhealth.renewals.model.holdout_auc", ModelAuc, "1",
            "Holdout ROC AUC of the serving renewal model");
        _cacheLookups = meter.CreateCounter<long>("customerhealth.health.read_cache.lookups", "{lookup}",
            "GetHealthScore read-cache lookups, by result (hit, miss): the hit ratio is hits over all");
        _audit = meter.CreateCounter<long>("customerhealth.audit.events", "{event}", "Audit records written, by RPC");
    }

    /// <summary>One batch's answer: its accepted, duplicate and rejected (by reason) events.</summary>
    public void EventsAnswered(EventBatchOutcome outcome)
    {
        if (outcome.Accepted > 0) _events.Add(outcome.Accepted, Tag("outcome", "accepted"));
        if (outcome.Duplicates > 0) _events.Add(outcome.Duplicates, Tag("outcome", "duplicate"));
        foreach (var byReason in outcome.Rejections.GroupBy(r => r.Reason))
            _events.Add(byReason.Count(), new("outcome", "rejected"), new("reason", ReasonName(byReason.Key)));
    }

    public void GroupCommitted(TimeSpan elapsed) => _commitSeconds.Record(elapsed.TotalSeconds);

    /// <summary>Where the ingestion queue's depth is read from (the queue registers itself).</summary>
    public void ObserveIngestionQueue(Func<int> queuedBatches) => _queuedBatches = queuedBatches;

    /// <summary>The recompute backlog as a pass found it: due accounts and the oldest due mark (null: none).</summary>
    public void RecomputeBacklog(int accounts, DateTime? oldestDueUtc) =>
        _backlog = new Backlog(accounts, oldestDueUtc is { } due ? new DateTimeOffset(due, TimeSpan.Zero) : null);

    public void BatchRecomputed(int accounts, TimeSpan elapsed)
    {
        _recomputeSeconds.Record(elapsed.TotalSeconds);
        _recomputed.Add(accounts);
    }

    /// <summary>The oldest stored prediction's computation time (UTC), or null when none is stored.</summary>
    public void PredictionsChecked(DateTime? oldestComputedUtc) =>
        _oldestPrediction = oldestComputedUtc is { } at
            ? new DateTimeOffset(at, TimeSpan.Zero)
            : DateTimeOffset.MaxValue;

    /// <summary>The model this replica serves: its version (0 for the prior) and holdout AUC.</summary>
    public void ServingModel(int version, double? holdoutAuc) => _model = new ServedModel(version, holdoutAuc);

    public void ReadCacheLookup(bool hit) => _cacheLookups.Add(1, Tag("result", hit ? "hit" : "miss"));

    /// <summary>An audit record was written for <paramref name="rpc"/> (its full method name).</summary>
    public void AuditRecorded(string rpc) => _audit.Add(1, Tag("rpc", rpc));

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);

    private static InstrumentAdvice<double> Seconds() => new() { HistogramBucketBoundaries = SecondsBuckets };

    private static string ReasonName(EventRejectionReason reason) =>
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(reason.ToString());

    private IEnumerable<Measurement<int>> QueueDepth() =>
        _queuedBatches is { } depth ? [new(depth())] : [];

    private IEnumerable<Measurement<int>> PendingAccounts() => _backlog is { } b ? [new(b.Accounts)] : [];

    private IEnumerable<Measurement<double>> OldestPendingAge() =>
        _backlog is { } b ? [new(b.OldestDue is { } due ? SecondsSince(due) : 0)] : [];

    private IEnumerable<Measurement<double>> OldestPredictionAge() => _oldestPrediction switch
    {
        null => [],
        { } at when at == DateTimeOffset.MaxValue => [new(0)],
        { } at => [new(SecondsSince(at))],
    };

    private IEnumerable<Measurement<int>> ModelVersion() => _model is { } m ? [new(m.Version)] : [];

    private IEnumerable<Measurement<double>> ModelAuc() =>
        _model is { HoldoutAuc: { } auc } ? [new(auc)] : [];

    private double SecondsSince(DateTimeOffset instant) => Math.Max(0, (_clock.GetUtcNow() - instant).TotalSeconds);

    private sealed record Backlog(int Accounts, DateTimeOffset? OldestDue);

    private sealed record ServedModel(int Version, double? HoldoutAuc);
}
