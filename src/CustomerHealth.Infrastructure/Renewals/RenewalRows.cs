using CustomerHealth.Domain.Renewals;

namespace CustomerHealth.Infrastructure.Renewals;

/// <summary>
/// A trained renewal model (<c>renewal_models</c>): the ML.NET model's bytes, its calibration and figures, and whether
/// it serves.
/// </summary>
public sealed class RenewalModelRow
{
    /// <summary>1, 2, ... in training order.</summary>
    public int Version { get; set; }
    public RenewalModelKind Kind { get; set; }

    /// <summary>
    /// True for exactly one row once a model is trained; flipped in one transaction when a newer one is swapped in.
    /// </summary>
    public bool Serving { get; set; }
    public DateTime TrainedAt { get; set; }
    public string Trigger { get; set; } = "";
    public int LeadDays { get; set; }

    /// <summary>
    /// Every outcome used (fit, calibration and holdout): the count new outcomes are measured against for retraining.
    /// </summary>
    public int OutcomeCount { get; set; }

    /// <summary>The ML.NET model (transformer chain) as saved by <c>MLContext.Model.Save</c>.</summary>
    public byte[] ModelBytes { get; set; } = [];

    /// <summary>JSON of <see cref="RenewalModelDetail"/>: calibration, feature means, figures, windows.</summary>
    public string DetailJson { get; set; } = "";
}

/// <summary>
/// One open contract's current prediction (<c>renewal_predictions</c>), kept by the prediction worker.
/// </summary>
public sealed class RenewalPredictionRow
{
    public string ContractId { get; set; } = "";
    public string AccountId { get; set; } = "";
    public DateOnly RenewalDate { get; set; }
    public long ArrMicros { get; set; }
    public string Currency { get; set; } = "";
    public double Probability { get; set; }
    public RenewalRisk Risk { get; set; }
    public long ExpectedArrMicros { get; set; }
    public double ArrChangeRatio { get; set; }

    /// <summary>JSON array of the top drivers (feature, value, contribution).</summary>
    public string DriversJson { get; set; } = "[]";
    public RenewalModelKind ModelKind { get; set; }
    public int ModelVersion { get; set; }
    public double? HealthScore { get; set; }
    public DateTime AsOf { get; set; }
    public DateTime ComputedAt { get; set; }
}

/// <summary>Why a prediction entered the change feed.</summary>
public enum PredictionChangeReason
{
    Unspecified = 0,
    FirstPrediction = 1,
    RiskChanged = 2,
    Moved = 3,
    ModelChanged = 4,
    Removed = 5,
}

/// <summary>
/// One entry of the prediction change feed (<c>renewal_prediction_changes</c>); the sequence only grows.
/// </summary>
public sealed class RenewalPredictionChangeRow
{
    public long Sequence { get; set; }
    public string ContractId { get; set; } = "";
    public string AccountId { get; set; } = "";
    public PredictionChangeReason Reason { get; set; }
    public double? PreviousProbability { get; set; }
    public RenewalRisk PreviousRisk { get; set; }
    public double? Probability { get; set; }
    public RenewalRisk Risk { get; set; }
    public int ModelVersion { get; set; }
    public DateOnly RenewalDate { get; set; }
    public DateTime ComputedAt { get; set; }
}

/// <summary>
/// One holdout outcome of a trained model (<c>renewal_model_holdout</c>), as it stood at training: the rows its holdout
/// figures were computed from, so a caller can recompute them (ListRenewalHoldout).
/// </summary>
public sealed class RenewalHoldoutRow
{
    public int ModelVersion { get; set; }
    public DateOnly RenewalDate { get; set; }
    public string ContractId { get; set; } = "";
    public bool Renewed { get; set; }

    /// <summary>The model's probability of renewal.</summary>
    public double Probability { get; set; }

    /// <summary>The score-only prior's probability.</summary>
    public double PriorProbability { get; set; }
}
