using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerHealth.Domain.Renewals;

namespace CustomerHealth.Infrastructure.Renewals;

/// <summary>What is kept with a model besides its bytes: how to calibrate and explain it, and how it did.</summary>
public sealed record RenewalModelDetail
{
    public required double PlattA { get; init; }
    public required double PlattB { get; init; }

    /// <summary>
    /// How probabilities are calibrated: "platt" (models stored before this field existed) or "isotonic".
    /// </summary>
    public string CalibrationMethod { get; init; } = RenewalCalibrator.PlattMethod;

    /// <summary>
    /// The isotonic calibration's knots (raw scores, increasing) and their probabilities; null with Platt.
    /// </summary>
    public IReadOnlyList<double>? IsotonicScores { get; init; }
    public IReadOnlyList<double>? IsotonicProbabilities { get; init; }

    /// <summary>
    /// The hyper-parameter setting the calibration fold chose for the kept model (null for models stored before).
    /// </summary>
    public string? Setting { get; init; }

    /// <summary>
    /// The version of the feature builder the model was trained with (<see cref="RenewalFeatureBuilderVersion"/>); null
    /// for models stored before it was recorded (see <see cref="BuilderVersion"/>).
    /// </summary>
    public int? FeatureBuilderVersion { get; init; }

    /// <summary>
    /// The shares of the split it was trained with (null for models stored before they were recorded).
    /// </summary>
    public double? HoldoutShare { get; init; }
    public double? CalibrationShare { get; init; }

    /// <summary>Whether it passed the quality gate (<see cref="RenewalQualityGate"/>); null for models stored before
    /// the
    /// gate existed (they served when trained).</summary>
    public bool? PassedGate { get; init; }

    /// <summary>The gate's reason: the figures it passed on, or why it was held back as a candidate.</summary>
    public string? GateReason { get; init; }

    /// <summary>The version of the model that served when it was trained (null: the heuristic).</summary>
    public int? ComparedWithVersion { get; init; }

    /// <summary>
    /// That serving model's figures on the holdout outcomes it could be asked about; null without one.
    /// </summary>
    public RenewalMetrics? ServingHoldout { get; init; }

    /// <summary>The feature names, in the order the model was trained with.</summary>
    public required IReadOnlyList<string> FeatureNames { get; init; }

    /// <summary>
    /// The features the model itself was fitted on, in input order (null for models stored before: all of them).
    /// </summary>
    public IReadOnlyList<string>? ModelFeatureNames { get; init; }

    /// <summary>
    /// Each feature's mean over the fitted outcomes: the reference a driver's contribution is measured against.
    /// </summary>
    public required IReadOnlyList<double> FeatureMeans { get; init; }

    /// <summary>
    /// The metric events whose ln(1 + rate) the model reads one by one after the <see cref="ModelFeatureNames"/>, in
    /// input order (null or empty: none; models stored before read none).
    /// </summary>
    public IReadOnlyList<string>? MetricEvents { get; init; }

    /// <summary>Each metric event's mean log-rate over the fitted outcomes, in the order of <see
    /// cref="MetricEvents"/>.</summary>
    public IReadOnlyList<double>? MetricMeans { get; init; }
    public required int FitCount { get; init; }
    public required int CalibrationCount { get; init; }
    public required int HoldoutCount { get; init; }
    public required int Renewals { get; init; }
    public required int Churns { get; init; }
    public required DateOnly TrainingStart { get; init; }
    public required DateOnly TrainingEnd { get; init; }
    public DateOnly? HoldoutStart { get; init; }
    public DateOnly? HoldoutEnd { get; init; }
    public required RenewalMetrics Holdout { get; init; }
    public required RenewalMetrics PriorHoldout { get; init; }
    public required IReadOnlyList<string> Candidates { get; init; }
    public required double FitSeconds { get; init; }
    public double FeatureSeconds { get; init; }

    /// <summary>The feature builder version it was trained with, as recorded or inferred; null when unknown.</summary>
    [JsonIgnore]
    public int? BuilderVersion =>
        FeatureBuilderVersion ?? RenewalFeatureBuilderVersion.OfLegacyModel(FeatureNames, ModelFeatureNames);

    /// <summary>True when this build computes the features the model was trained with, so it can serve.</summary>
    [JsonIgnore]
    public bool ServableByThisBuild => BuilderVersion == RenewalFeatureBuilderVersion.Current;

    [JsonIgnore]
    public PlattScaling Platt => new(PlattA, PlattB);

    [JsonIgnore]
    public RenewalCalibrator Calibrator => new(Platt,
        CalibrationMethod == RenewalCalibrator.IsotonicMethod && IsotonicScores is { Count: > 0 } xs
            && IsotonicProbabilities is { } ys && ys.Count == xs.Count
            ? new IsotonicCalibration(xs, ys)
            : null);

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    public static RenewalModelDetail Deserialize(string json) =>
        JsonSerializer.Deserialize<RenewalModelDetail>(json, Json)
            ?? throw new InvalidOperationException("Empty renewal model detail.");
}
