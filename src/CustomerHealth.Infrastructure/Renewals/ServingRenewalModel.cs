using CustomerHealth.Domain.Renewals;
using Microsoft.ML;

namespace CustomerHealth.Infrastructure.Renewals;

/// <summary>A probability of renewal with its top drivers, and what made it.</summary>
public sealed record RenewalEstimate(
    double Probability, IReadOnlyList<RenewalDriver> Drivers, RenewalModelKind Kind, int Version);

/// <summary>
/// A trained model loaded for predicting: the ML.NET transformer, its calibration (Platt or isotonic) and the training
/// means. Immutable once built, so it can be swapped in by a single reference assignment. Drivers: for each feature,
/// the change in calibrated log-odds when that feature alone is set to its training mean (A · (s(x) − s(x with feature
/// i at its mean)), A the Platt slope, fitted whichever calibration the probabilities use). For the logistic regression
/// this is exactly weight × (standardised value − standardised mean); for the trees it is the same one-at-a-time
/// attribution. All variants of a batch are scored in one ML.NET pass.
/// </summary>
public sealed class ServingRenewalModel
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly Lock _gate = new();

    private ServingRenewalModel(
        int version, RenewalModelKind kind, RenewalModelDetail detail, MLContext ml, ITransformer model)
    {
        Version = version;
        Kind = kind;
        Detail = detail;
        _ml = ml;
        _model = model;
    }

    public int Version { get; }
    public RenewalModelKind Kind { get; }
    public RenewalModelDetail Detail { get; }

    public static ServingRenewalModel Load(int version, RenewalModelKind kind, byte[] bytes, RenewalModelDetail detail)
    {
        if (!detail.ServableByThisBuild || !detail.FeatureNames.SequenceEqual(RenewalFeatures.Names)
            || !(detail.ModelFeatureNames ?? detail.FeatureNames).SequenceEqual(RenewalFeatures.ModelNames))
            throw new InvalidOperationException(UnknownFeatures(version, detail));
        var ml = new MLContext(seed: 1);
        using var stream = new MemoryStream(bytes, writable: false);
        var model = ml.Model.Load(stream, out _);
        return new ServingRenewalModel(version, kind, detail, ml, model);
    }

    /// <summary>Why model <paramref name="version"/> cannot serve in this build.</summary>
    public static string UnknownFeatures(int version, RenewalModelDetail detail) =>
        $"Renewal model {version} was trained with feature builder version " +
        $"{detail.BuilderVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}; " +
        $"this build computes version {RenewalFeatureBuilderVersion.Current} only, so it cannot compute the features " +
        $"that model knows. Serve another version or train a new one.";

    /// <summary>Probabilities of renewal only (no drivers): one ML.NET pass over the vectors.</summary>
    public IReadOnlyList<double> Probabilities(IReadOnlyList<RenewalFeatureVector> features)
    {
        if (features.Count == 0) return [];
        var events = MetricEvents;
        double[] scores;
        lock (_gate)
            scores = RenewalTrainer.ScoresOf(
                _ml, _model, features.Select(f => RenewalFeatures.ModelInput(f, events)), events.Count);
        var calibrator = Detail.Calibrator;
        return scores.Select(calibrator.Probability).ToArray();
    }

    /// <summary>The metric events the model reads one by one (none for models trained before they were).</summary>
    private IReadOnlyList<string> MetricEvents => Detail.MetricEvents ?? [];

    public IReadOnlyList<RenewalEstimate> Predict(
        IReadOnlyList<RenewalFeatureVector> features, int topDrivers = RenewalDrivers.DefaultTop)
    {
        if (features.Count == 0) return [];
        var events = MetricEvents;
        var (n, m) = (RenewalFeatures.Count, events.Count);
        var inputs = new List<float[]>(features.Count * (n + m + 1));
        foreach (var f in features) inputs.AddRange(Variants(f, events));
        double[] scores;
        lock (_gate) scores = RenewalTrainer.ScoresOf(_ml, _model, inputs, m);
        var platt = Detail.Platt;
        var calibrator = Detail.Calibrator;
        var estimates = new RenewalEstimate[features.Count];
        for (var k = 0; k < features.Count; k++)
        {
            var at = k * (n + m + 1);
            var raw = scores[at];
            var drivers = new RenewalDriver[n + m];
            for (var i = 0; i < n; i++)
                drivers[i] = new RenewalDriver(
                    RenewalFeatures.Names[i], features[k].Values[i], platt.A * (raw - scores[at + 1 + i]));
            for (var j = 0; j < m; j++)
                drivers[n + j] = new RenewalDriver(
                    RenewalFeatures.MetricLogRatePrefix + events[j],
                    features[k].MetricLogRates.GetValueOrDefault(events[j]), platt.A * (raw - scores[at + 1 + n + j]));
            estimates[k] = new RenewalEstimate(
                calibrator.Probability(raw), RenewalDrivers.Top(drivers, topDrivers), Kind, Version);
        }
        return estimates;
    }

    /// <summary>
    /// The model input of <paramref name="f"/>, then one variant per feature with that feature alone at its training
    /// mean: each of <see cref="RenewalFeatures.Names"/> (a feature the model does not see changes nothing: its variant
    /// is the input itself, contribution 0), then each metric event's log-rate.
    /// </summary>
    private IEnumerable<float[]> Variants(RenewalFeatureVector f, IReadOnlyList<string> events)
    {
        var input = RenewalFeatures.ModelInput(f, events);
        yield return input;
        var means = Detail.FeatureMeans;
        for (var i = 0; i < RenewalFeatures.Count; i++)
        {
            if (RenewalFeatures.NotModelled.Contains(RenewalFeatures.Names[i]))
            {
                yield return input;
                continue;
            }
            var values = f.Values.ToArray();
            values[i] = means[i];
            yield return RenewalFeatures.ModelInput(f with { Values = values }, events);
        }
        var metricMeans = Detail.MetricMeans ?? [];
        var first = input.Length - events.Count;
        for (var j = 0; j < events.Count; j++)
        {
            var variant = (float[])input.Clone();
            variant[first + j] = (float)(j < metricMeans.Count ? metricMeans[j] : 0);
            yield return variant;
        }
    }

    /// <summary>The prior's estimate (version 0, kind heuristic) of a feature vector.</summary>
    public static RenewalEstimate Heuristic(RenewalFeatureVector features) =>
        new(RenewalPrior.ProbabilityOf(features), RenewalDrivers.OfPrior(features), RenewalModelKind.Heuristic, 0);
}
