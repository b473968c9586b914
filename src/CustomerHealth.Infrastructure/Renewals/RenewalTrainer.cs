using System.Diagnostics;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Renewals;
using CustomerHealth.Infrastructure.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;

namespace CustomerHealth.Infrastructure.Renewals;

/// <summary>One recorded outcome with its features as of the lead time before its renewal date.</summary>
public sealed record TrainingOutcome(
    string ContractId, DateOnly RenewalDate, RenewalFeatureVector Features, bool Renewed) : ITimedOutcome;

/// <summary>One holdout outcome with the kept model's probability of renewal and the score-only prior's.</summary>
public sealed record HoldoutPrediction(TrainingOutcome Outcome, double Probability, double Prior);

/// <summary>
/// A trained model ready to store: its kind, ML.NET bytes, everything kept beside them, and its holdout predictions.
/// </summary>
public sealed record TrainedRenewalModel(
    RenewalModelKind Kind, byte[] ModelBytes, RenewalModelDetail Detail, IReadOnlyList<HoldoutPrediction> Holdout);

/// <summary>How the trainer splits and fits.</summary>
public sealed record RenewalTrainingSettings(double HoldoutShare = 0.2, double CalibrationShare = 0.3, int Seed = 1)
{
    /// <summary>
    /// How many fits run at once (<see cref="RenewalOptions.FitParallelism"/>): each fit is single-threaded and
    /// independent of the others (its own context and data view, seeded trainers), so the models are the same whatever
    /// the count. Default: the core count.
    /// </summary>
    public int FitParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Whether the trees' cross-fits are skipped when their refit cannot be kept (see <see
    /// cref="RenewalTrainer"/>): the kept model is the same either way, only the trees' reported figures change (their
    /// holdout AUC's bound instead of their calibrated figures). Off only to check that.
    /// </summary>
    public bool SkipCrossFitsThatCannotWin { get; init; } = true;
}

/// <summary>
/// Trains the renewal classifier with ML.NET. Outcomes are split by time (<see cref="TimeOrderedSplitter"/>): the
/// oldest are fitted, the newest of the rest form the calibration fold, the newest of all are held out. Two kinds of
/// candidate: an L2-regularised logistic regression (L-BFGS) on standardised features, and gradient-boosted
/// trees (FastTree). For each kind every hyper-parameter setting of <see cref="Settings"/> is fitted and the one whose
/// raw score ranks the calibration fold best (AUC) is kept; its score is then calibrated on that fold (<see
/// cref="RenewalCalibrator"/>: Platt, or isotonic when cross-validation within the fold prefers it). Of the two kinds,
/// the one with the better holdout AUC is kept (log-loss breaks ties): the one documented step that looks at the
/// holdout. Its figures and the score-only prior's on the same holdout are returned with it. The fits (every setting
/// of both kinds, then each kind's cross-fits and refit) are independent and run side by side from one queue (<see
/// cref="RenewalTrainingSettings.FitParallelism"/> at once, by default one per core). The trees' cross-fits are
/// skipped when their refit cannot be kept (<see cref="CrossFitGate"/>). The model sees <see
/// cref="RenewalFeatures.ModelNames"/>.
/// </summary>
public static class RenewalTrainer
{
    internal const string FeaturesColumn = "Features";
    internal const string LabelColumn = "Label";
    internal const string ScoreColumn = "Score";

    public static TrainedRenewalModel Train(
        IReadOnlyList<TrainingOutcome> outcomes, RenewalTrainingSettings settings, ILogger? logger = null)
    {
        var times = new StageTimes();
        var clock = Stopwatch.StartNew();
        var split = TimeOrderedSplitter.Split(outcomes, settings.HoldoutShare, settings.CalibrationShare);
        if (split.Fit.Select(o => o.Renewed).Distinct().Count() < 2)
            throw new InvalidOperationException(
                "The oldest outcomes (the fitting fold) hold only one class; record more outcomes.");
        var ml = new MLContext(seed: settings.Seed);
        var folds = times.Time("folds", () =>
            Folds.Of(ml, split, RenewalFeatures.MetricEventsOf(outcomes.Select(o => o.Features))));
        var (candidates, skipped) = FitCandidates(folds, settings, times, logger);
        var chosen = candidates.OrderByDescending(c => c.Holdout.Auc ?? 0).ThenBy(c => c.Holdout.LogLoss).First();
        var priors = split.Holdout.Select(o => RenewalPrior.ProbabilityOf(o.Features)).ToArray();
        var prior = RenewalEvaluation.Evaluate(priors.Zip(split.Holdout, (p, o) => (p, o.Renewed)).ToArray());

        using var stream = new MemoryStream();
        ml.Model.Save(chosen.Model, folds.FitData.Schema, stream);
        var detail = Detail(outcomes, split, folds, candidates, skipped, chosen, prior, settings) with
        {
            FitSeconds = clock.Elapsed.TotalSeconds,
        };
        var holdout = split.Holdout.Select(
            (o, i) => new HoldoutPrediction(o, chosen.HoldoutProbabilities[i], priors[i])).ToArray();
        times.LogDebug(logger, $"Fitting the renewal model on {outcomes.Count} outcomes");
        return new TrainedRenewalModel(chosen.Kind, stream.ToArray(), detail, holdout);
    }

    /// <summary>
    /// The data of the folds: the fitting fold loaded, the outcomes calibration uses (the calibration fold when it
    /// holds both classes, else, on tiny sets, the fitting fold), whether the kept setting is fitted again on both
    /// folds, and the feature means of the outcomes the served model is fitted on.
    /// </summary>
    private sealed record Folds(
        TimeOrderedSplit<TrainingOutcome> Split, IDataView FitData, IReadOnlyList<TrainingOutcome> Calibration,
            bool Refit,
        IReadOnlyList<TrainingOutcome> Fitted, double[] FeatureMeans, IReadOnlyList<string> MetricEvents)
    {
        public static Folds Of(MLContext ml, TimeOrderedSplit<TrainingOutcome> split, IReadOnlyList<string> events)
        {
            var calibration = split.Calibration.Select(o => o.Renewed).Distinct().Count() == 2 ? split.Calibration
                : split.Fit;
            // With a calibration fold of its own that holds both classes, the served model is fitted on both folds: the
            // newest outcomes before the holdout are the most like the renewals to come, and they only choose and
            // calibrate otherwise.
            var refit = calibration == split.Calibration && split.Calibration.Count >= CrossFitFolds * 2;
            var fitted = refit ? split.Fit.Concat(split.Calibration).ToArray() : split.Fit.ToArray();
            return new Folds(split, Load(ml, split.Fit, events), calibration, refit, fitted,
                RenewalTrainer.Means(fitted), events);
        }
    }

    /// <summary>
    /// Each kind's candidate: each setting is fitted on the fitting fold and the one ranking the calibration fold best
    /// (AUC of the raw score; the first of equals) is kept; the holdout is not looked at. (On a tiny set whose
    /// calibration fold holds one class, the fitting fold stands in for it, as for calibration, and the choice is only
    /// a fit to it.) The kept setting is then refitted and calibrated (see <see cref="Folds"/>) and evaluated on the
    /// holdout. All the fits go through one queue (<see cref="RenewalFitQueue"/>, <see
    /// cref="RenewalTrainingSettings.FitParallelism"/> at once): a kind's refit and cross-fits are queued as soon as
    /// its own settings are fitted, and the trees' fits, several times dearer than the regression's, are taken first,
    /// so that the regression's short fits fill the cores at the end instead of one tree fit running alone. The
    /// trees' cross-fits wait for <see cref="CrossFitGate"/>, which may skip them; their candidate is then only
    /// reported (<see cref="SkippedCandidate"/>), never kept.
    /// </summary>
    private static (List<Candidate> Candidates, SkippedCandidate? Skipped) FitCandidates(
        Folds folds, RenewalTrainingSettings settings, StageTimes times, ILogger? logger)
    {
        var queue = new RenewalFitQueue(settings.FitParallelism);
        var gate = settings.SkipCrossFitsThatCannotWin && folds.Refit ? new CrossFitGate(queue, 0, logger) : null;
        var regression = new KindFits(RenewalModelKind.LogisticRegression, folds, settings.Seed, times, gate);
        var trees = new KindFits(RenewalModelKind.GradientBoostedTrees, folds, settings.Seed, times, gate);
        gate?.Watch(trees);
        trees.Queue(queue, 0);
        regression.Queue(queue, 1);
        times.Time("fits, wall", () =>
        {
            queue.Run();
            return 0;
        });
        KindFits[] kinds = [regression, trees];
        if (logger?.IsEnabled(LogLevel.Debug) == true)
            logger.LogDebug("Calibration-fold AUC of each setting: {Settings}", string.Join("; ",
                kinds.SelectMany(k => k.Tried.Select(t => $"{Name(k.Kind)} {t.Setting.Name}: {Format(t.Auc)}"))));
        var regressionCandidate = regression.Candidate();
        return gate?.Skipped is { } skipped ? ([regressionCandidate], skipped)
            : ([regressionCandidate, trees.Candidate()], null);
    }

    /// <summary>
    /// Whether the trees' cross-fits run. The kind is kept on holdout AUC after calibration, and the calibration
    /// (Platt or isotonic, fitted on the cross-fits' scores) keeps the order of the refit's raw holdout scores but for
    /// ties at either end, or reverses it: whatever it turns out to be, the trees' calibrated holdout AUC cannot exceed
    /// <see cref="CalibratedAucBound"/> of their refit's raw holdout scores. So once the regression's candidate is
    /// evaluated and the trees' refit is fitted, a bound below the regression's holdout AUC means the trees cannot be
    /// kept (nor tie, which log-loss would break): their cross-fits (five fits, about a third of the trees' work) and
    /// calibration are skipped, and the trees are reported with that bound. Otherwise the cross-fits are queued and
    /// both kinds are evaluated as always. Either way the kept model is the same. Without a refit (tiny sets) there
    /// are no cross-fits and no gate.
    /// </summary>
    private sealed class CrossFitGate(RenewalFitQueue queue, int priority, ILogger? logger)
    {
        private KindFits? _trees;
        private double? _regressionAuc;
        private double? _treesBound;
        private int _arrived;

        /// <summary>The trees' candidate as reported, when their cross-fits were skipped; null otherwise.</summary>
        public SkippedCandidate? Skipped { get; private set; }

        public void Watch(KindFits trees) => _trees = trees;

        /// <summary>The regression's candidate is evaluated (on the thread that fitted its last part).</summary>
        public void RegressionEvaluated(double? holdoutAuc)
        {
            _regressionAuc = holdoutAuc;
            Arrive();
        }

        /// <summary>The trees' refit is fitted; <paramref name="bound"/> is its holdout AUC's bound.</summary>
        public void TreesRefitted(double? bound)
        {
            _treesBound = bound;
            Arrive();
        }

        private void Arrive()
        {
            if (Interlocked.Increment(ref _arrived) < 2) return;
            var trees = _trees!;
            var skip = _treesBound is { } bound && _regressionAuc is { } auc && bound < auc;
            logger?.LogDebug(
                "The trees' refit: calibrated holdout AUC at most {Bound}, the regression's {Auc}: cross-fits {Done}",
                Format(_treesBound), Format(_regressionAuc), skip ? "skipped" : "run");
            if (skip)
                Skipped = trees.Skipped(_treesBound!.Value, _regressionAuc!.Value);
            else
                trees.QueueCrossFits(queue, priority);
        }
    }

    /// <summary>
    /// The trees' candidate when its cross-fits were skipped: the kept setting, its calibration-fold AUC, the bound
    /// of its refit's holdout AUC and the regression's holdout AUC it is below.
    /// </summary>
    private sealed record SkippedCandidate(
        RenewalModelKind Kind, string Setting, double CalibrationAuc, double AucBound, double BeatenBy)
    {
        public override string ToString() =>
            $"{Name(Kind)}: AUC at most {Format(AucBound)} ({Setting}, calibration-fold AUC {Format(CalibrationAuc)}; "
            + $"cross-fits and calibration skipped: no calibration of the refit's holdout scores can reach the "
            + $"{Name(RenewalModelKind.LogisticRegression)}'s AUC {Format(BeatenBy)})";
    }

    /// <summary>A setting fitted on the fitting fold, with its raw scores of the calibration fold and their
    /// AUC.</summary>
    private sealed record Tried(Setting Setting, ITransformer Model, double[] Scores, double Auc);

    /// <summary>
    /// The fits of one kind: each setting on the fitting fold; once the last is done, the best one's refit on both
    /// folds and its cross-fits (when <see cref="Folds.Refit"/>) are queued at the same priority.
    /// </summary>
    private sealed class KindFits(RenewalModelKind kind, Folds folds, int seed, StageTimes times, CrossFitGate? gate)
    {
        private readonly Setting[] _settings = Settings(kind).ToArray();
        private Tried[] _tried = [];
        private (ITransformer Model, double[] Scores)[] _parts = [];
        private int _settingsLeft;
        private int _partsLeft;
        private Candidate? _candidate;

        public RenewalModelKind Kind => kind;
        public IReadOnlyList<Tried> Tried => _tried;

        public void Queue(RenewalFitQueue queue, int priority)
        {
            _tried = new Tried[_settings.Length];
            _settingsLeft = _settings.Length;
            for (var i = 0; i < _settings.Length; i++)
            {
                var index = i;
                queue.Add(priority, () =>
                {
                    _tried[index] = times.Time($"{Name(kind)} setting fits", () => FitSetting(_settings[index]));
                    if (Interlocked.Decrement(ref _settingsLeft) == 0) QueueRefits(queue, priority);
                });
            }
        }

        private Tried FitSetting(Setting setting)
        {
            var ml = new MLContext(seed);
            var model = setting.Estimator(ml).Fit(Load(ml, folds.Split.Fit, folds.MetricEvents));
            var scores = Scores(ml, model, folds.Calibration, folds.MetricEvents);
            var auc = HealthBacktest.Auc(scores.Zip(folds.Calibration, (sc, o) => (sc, o.Renewed)).ToArray()) ?? 0;
            return new Tried(setting, model, scores, auc);
        }

        private Tried Best => _tried.Aggregate((kept, next) => next.Auc > kept.Auc ? next : kept);

        /// <summary>
        /// The kept setting fitted again on the fitting and calibration folds together (part −1), and scores of the
        /// calibration fold that each come from a model fitted without that outcome (cross-fitting, parts 0 to <see
        /// cref="CrossFitFolds"/> − 1): a model of the setting fitted on the fitting fold and the other parts of the
        /// calibration fold (every <see cref="CrossFitFolds"/>th outcome by renewal date forms a part, so each spans
        /// the fold's whole period), the scores a model fitted on both folds gives outcomes it has not seen. With a
        /// <see cref="CrossFitGate"/>, the regression's candidate is evaluated as soon as its last part is fitted,
        /// and the trees' cross-fits wait for the gate (<see cref="QueueCrossFits"/>).
        /// </summary>
        private void QueueRefits(RenewalFitQueue queue, int priority)
        {
            if (!folds.Refit) return;
            _parts = new (ITransformer, double[])[CrossFitFolds + 1];
            if (gate is not null && kind == RenewalModelKind.GradientBoostedTrees)
            {
                QueuePart(queue, priority, -1, () => gate.TreesRefitted(times.Time(
                    $"{Name(kind)} refit's bound", RefitBound)));
                return;
            }
            _partsLeft = CrossFitFolds + 1;
            for (var part = -1; part < CrossFitFolds; part++)
            {
                QueuePart(queue, priority, part, () =>
                {
                    if (Interlocked.Decrement(ref _partsLeft) > 0 || gate is null) return;
                    _candidate = Candidate();
                    gate.RegressionEvaluated(_candidate.Holdout.Auc);
                });
            }
        }

        /// <summary>Queues the cross-fits (parts 0 to <see cref="CrossFitFolds"/> − 1) once the gate lets
        /// them.</summary>
        public void QueueCrossFits(RenewalFitQueue queue, int priority)
        {
            for (var part = 0; part < CrossFitFolds; part++) QueuePart(queue, priority, part);
        }

        private void QueuePart(RenewalFitQueue queue, int priority, int part, Action? then = null)
        {
            var setting = Best.Setting;
            queue.Add(priority, () =>
            {
                _parts[part + 1] = times.Time(
                    $"{Name(kind)} {(part < 0 ? "refit" : "cross-fits")}", () => FitPart(setting, part));
                then?.Invoke();
            });
        }

        /// <summary>The bound (<see cref="CalibratedAucBound"/>) of the refit's calibrated holdout AUC.</summary>
        private double? RefitBound()
        {
            var holdout = folds.Split.Holdout;
            var scores = Scores(new MLContext(seed), _parts[0].Model, holdout, folds.MetricEvents);
            return CalibratedAucBound.Of(scores.Zip(holdout, (sc, o) => (sc, o.Renewed)).ToArray());
        }

        /// <summary>The candidate reported when the gate skipped the cross-fits.</summary>
        public SkippedCandidate Skipped(double bound, double beatenBy) =>
            new(kind, Best.Setting.Name, Best.Auc, bound, beatenBy);

        private (ITransformer Model, double[] Scores) FitPart(Setting setting, int part)
        {
            var (fit, calibration, events) = (folds.Split.Fit, folds.Split.Calibration, folds.MetricEvents);
            var ml = new MLContext(seed);
            var training = part < 0 ? folds.Fitted
                : fit.Concat(calibration.Where((_, i) => i % CrossFitFolds != part)).ToArray();
            var model = setting.Estimator(ml).Fit(Load(ml, training, events));
            var held = part < 0 ? [] : calibration.Where((_, i) => i % CrossFitFolds == part).ToArray();
            return (model, held.Length == 0 ? [] : Scores(ml, model, held, events));
        }

        /// <summary>The kind's candidate once its fits are done: the kept setting calibrated and evaluated.</summary>
        public Candidate Candidate()
        {
            if (_candidate is not null) return _candidate;
            var best = Best;
            if (!folds.Refit)
            {
                return Evaluate(kind, best.Setting.Name, best.Model, best.Auc,
                    best.Scores.Zip(folds.Calibration, (sc, o) => (sc, o.Renewed)).ToArray(), folds, times);
            }
            var calibration = folds.Split.Calibration;
            var scores = new double[calibration.Count];
            for (var part = 0; part < CrossFitFolds; part++)
            {
                var partScores = _parts[part + 1].Scores;
                for (var j = 0; j < partScores.Length; j++) scores[part + j * CrossFitFolds] = partScores[j];
            }
            return Evaluate(kind, best.Setting.Name, _parts[0].Model, best.Auc,
                scores.Zip(calibration, (sc, o) => (sc, o.Renewed)).ToArray(), folds, times);
        }
    }

    /// <summary>The candidate of a kept setting: calibrated on <paramref name="cases"/>, evaluated on the
    /// holdout.</summary>
    private static Candidate Evaluate(
        RenewalModelKind kind, string setting, ITransformer model, double calibrationAuc,
        (double Score, bool Renewed)[] cases, Folds folds, StageTimes times)
    {
        var calibrator = times.Time($"{Name(kind)} calibration", () => RenewalCalibrator.Fit(cases));
        var holdoutOutcomes = folds.Split.Holdout;
        var probabilities = holdoutOutcomes.Count == 0
            ? []
            : Scores(new MLContext(), model, holdoutOutcomes, folds.MetricEvents).Select(calibrator.Probability)
                .ToArray();
        var holdout = RenewalEvaluation.Evaluate(
            probabilities.Zip(holdoutOutcomes, (p, o) => (p, o.Renewed)).ToArray());
        return new Candidate(kind, setting, model, calibrator, calibrationAuc, holdout, probabilities);
    }

    /// <summary>How many parts the calibration fold is cut into for cross-fitted calibration scores.</summary>
    internal const int CrossFitFolds = 5;

    /// <summary>What is stored beside the kept model's bytes (fit time excluded: the caller adds it).</summary>
    private static RenewalModelDetail Detail(
        IReadOnlyList<TrainingOutcome> outcomes, TimeOrderedSplit<TrainingOutcome> split, Folds folds,
        IReadOnlyList<Candidate> candidates, SkippedCandidate? skipped, Candidate chosen, RenewalMetrics prior,
        RenewalTrainingSettings settings)
    {
        var trained = split.Fit.Concat(split.Calibration).ToArray();
        var refitNote = folds.Refit ? " on cross-fitted scores; fitted again on the fitting and calibration folds" : "";
        return new RenewalModelDetail
        {
            PlattA = chosen.Calibrator.Platt.A,
            PlattB = chosen.Calibrator.Platt.B,
            CalibrationMethod = chosen.Calibrator.Method,
            IsotonicScores = chosen.Calibrator.Isotonic?.Scores,
            IsotonicProbabilities = chosen.Calibrator.Isotonic?.Probabilities,
            Setting = chosen.Setting,
            FeatureBuilderVersion = RenewalFeatureBuilderVersion.Current,
            FeatureNames = RenewalFeatures.Names,
            ModelFeatureNames = RenewalFeatures.ModelNames,
            FeatureMeans = folds.FeatureMeans,
            MetricEvents = folds.MetricEvents,
            MetricMeans = folds.MetricEvents.Select(e => folds.Fitted
                .Average(o => o.Features.MetricLogRates.GetValueOrDefault(e))).ToArray(),
            FitCount = split.Fit.Count,
            CalibrationCount = split.Calibration.Count,
            HoldoutCount = split.Holdout.Count,
            HoldoutShare = settings.HoldoutShare,
            CalibrationShare = settings.CalibrationShare,
            Renewals = outcomes.Count(o => o.Renewed),
            Churns = outcomes.Count(o => !o.Renewed),
            TrainingStart = trained.Min(o => o.RenewalDate),
            TrainingEnd = trained.Max(o => o.RenewalDate),
            HoldoutStart = split.Holdout.Count == 0 ? null : split.Holdout[0].RenewalDate,
            HoldoutEnd = split.Holdout.Count == 0 ? null : split.Holdout[^1].RenewalDate,
            Holdout = chosen.Holdout,
            PriorHoldout = prior,
            Candidates = candidates.Select(c =>
                $"{Name(c.Kind)}: AUC {Format(c.Holdout.Auc)}, log-loss {c.Holdout.LogLoss:0.0000} ({c.Setting}, " +
                $"calibration-fold AUC {c.CalibrationAuc:0.0000}; {c.Calibrator.Method} calibration{refitNote})")
                    .Concat(skipped is null ? [] : [skipped.ToString()]).ToArray(),
            FitSeconds = 0,
        };
    }

    private sealed record Candidate(
        RenewalModelKind Kind, string Setting, ITransformer Model, RenewalCalibrator Calibrator, double CalibrationAuc,
        RenewalMetrics Holdout, double[] HoldoutProbabilities);

    /// <summary>
    /// One hyper-parameter setting of a candidate: its name (as reported) and how to build its estimator.
    /// </summary>
    internal sealed record Setting(string Name, Func<MLContext, IEstimator<ITransformer>> Estimator);

    /// <summary>
    /// The logistic regression's L2 strengths, on standardised inputs (centred, then scaled to unit variance: ML.NET's
    /// default keeps zero at zero and divides by the root mean square, so an input far from 0, such as tenure or a
    /// 0–10 NPS, was penalised many times harder than one centred near 0). 100 and 1000 serve small training sets with
    /// many inputs (about 2,000 annual B2B outcomes for some 50 inputs); see ADR 0089.
    /// </summary>
    internal static readonly float[] LogisticRegressionL2 = [0.1f, 1f, 10f, 100f, 1000f];

    /// <summary>
    /// The hyper-parameter settings tried for each kind: the logistic regression's L2 strength, and the trees' size,
    /// number,
    /// learning rate and minimum leaf. The calibration fold chooses among them.
    /// </summary>
    internal static IEnumerable<Setting> Settings(RenewalModelKind kind)
    {
        if (kind == RenewalModelKind.LogisticRegression)
        {
            foreach (var l2 in LogisticRegressionL2)
            {
                yield return new Setting(
                    FormattableString.Invariant($"L2 {l2}"), ml => ml.Transforms
                    .NormalizeMeanVariance(FeaturesColumn, fixZero: false)
                    .Append(
                        ml.BinaryClassification.Trainers.LbfgsLogisticRegression(
                            new LbfgsLogisticRegressionBinaryTrainer.Options
                            {
                                LabelColumnName = LabelColumn,
                                FeatureColumnName = FeaturesColumn,
                                L2Regularization = l2,
                                L1Regularization = 0f,
                            })));
            }
            yield break;
        }
        foreach (var (leaves, trees, rate, minLeaf) in new[] { (16, 200, 0.05, 20), (8, 300, 0.03, 30),
            (4, 400, 0.05, 40), (16, 150, 0.03, 60) })
        {
            yield return new Setting(
                FormattableString.Invariant($"{trees} trees of {leaves} leaves, rate {rate}, min leaf {minLeaf}"), ml =>
                ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
                {
                    LabelColumnName = LabelColumn,
                    FeatureColumnName = FeaturesColumn,
                    NumberOfLeaves = leaves,
                    NumberOfTrees = trees,
                    MinimumExampleCountPerLeaf = minLeaf,
                    LearningRate = rate,
                    FeatureFraction = 0.8,
                    Shrinkage = 1,
                    NumberOfThreads = 1,
                }));
        }
    }

    public static string Name(RenewalModelKind kind) => kind switch
    {
        RenewalModelKind.LogisticRegression => "logistic_regression",
        RenewalModelKind.GradientBoostedTrees => "gradient_boosted_trees",
        _ => "heuristic",
    };

    private static string Format(double? value) =>
        value is { } v ? v.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture) : "n/a";

    private static double[] Means(IReadOnlyList<TrainingOutcome> outcomes)
    {
        var means = new double[RenewalFeatures.Count];
        foreach (var o in outcomes)
        {
            for (var i = 0; i < means.Length; i++) means[i] += o.Features.Values[i];
        }
        for (var i = 0; i < means.Length; i++) means[i] /= Math.Max(1, outcomes.Count);
        return means;
    }

    /// <summary>The raw scores (before calibration) of a model for some outcomes, in order.</summary>
    private static double[] Scores(
        MLContext ml, ITransformer model, IReadOnlyList<TrainingOutcome> outcomes, IReadOnlyList<string> events) =>
        ScoresOf(ml, model, outcomes.Select(o => RenewalFeatures.ModelInput(o.Features, events)), events.Count);

    /// <summary>The raw scores of model inputs (<see cref="RenewalFeatures.ModelInput(RenewalFeatureVector,
    /// IReadOnlyList{string})"/>) of a model reading <paramref name="metricEvents"/> metric events.</summary>
    internal static double[] ScoresOf(MLContext ml, ITransformer model, IEnumerable<float[]> inputs, int metricEvents)
    {
        var data = ml.Data.LoadFromEnumerable(
            inputs.Select(v => new ModelInput { Features = v }), Schema(metricEvents));
        return model.Transform(data).GetColumn<float>(ScoreColumn).Select(s => (double)s).ToArray();
    }

    private static IDataView Load(
        MLContext ml, IReadOnlyList<TrainingOutcome> outcomes, IReadOnlyList<string> events) =>
        ml.Data.LoadFromEnumerable(
            outcomes.Select(
                o => new ModelInput { Features = RenewalFeatures.ModelInput(o.Features, events), Label = o.Renewed })
                .ToArray(), Schema(events.Count));

    /// <summary>
    /// The input schema: a fixed-size vector of the <see cref="RenewalFeatures.ModelNames"/> and the model's metric
    /// events' log-rates as singles, and a boolean label.
    /// </summary>
    internal static SchemaDefinition Schema(int metricEvents)
    {
        var schema = SchemaDefinition.Create(typeof(ModelInput));
        schema[FeaturesColumn].ColumnType = new VectorDataViewType(
            NumberDataViewType.Single, RenewalFeatures.ModelNames.Count + metricEvents);
        return schema;
    }

    internal sealed class ModelInput
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }
}
