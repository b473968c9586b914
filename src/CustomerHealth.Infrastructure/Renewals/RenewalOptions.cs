namespace CustomerHealth.Infrastructure.Renewals;

/// <summary>The <c>Renewals</c> configuration section.</summary>
public sealed class RenewalOptions
{
    public const string Section = "Renewals";

    /// <summary>Open contracts renewing within this many days from today get a stored prediction (and are listed).</summary>
    public int HorizonDays { get; set; } = 180;

    /// <summary>Training pairs each recorded outcome with features as of this many days before its renewal date.</summary>
    public int LeadDays { get; set; } = 90;

    /// <summary>A model is trained only with at least this many renewals and this many churns; below, the prior serves.</summary>
    public int MinimumOutcomesPerClass { get; set; } = 50;

    /// <summary>Train by itself when at least this many outcomes were recorded since the serving model's training (or none serves yet).</summary>
    public int RetrainAfterNewOutcomes { get; set; } = 200;

    /// <summary>Whether the background worker trains by itself (see <see cref="RetrainAfterNewOutcomes"/>).</summary>
    public bool AutoTrain { get; set; } = true;

    /// <summary>How often the worker follows the health change feed and picks up a model swapped in elsewhere.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often it looks for open contracts without a prediction and predictions whose contract closed.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often it counts outcomes to decide whether to train.</summary>
    public TimeSpan AutoTrainCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Recompute every prediction on the first pass of each UTC day.</summary>
    public bool DailyPass { get; set; } = true;

    /// <summary>Accounts per prediction batch (one feature read, one transaction).</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>The newest share of outcomes held out for the figures.</summary>
    public double HoldoutShare { get; set; } = 0.2;

    /// <summary>The newest share of the rest used to choose hyper-parameters and calibrate probabilities.</summary>
    public double CalibrationShare { get; set; } = 0.3;

    /// <summary>A prediction enters the change feed when its risk level changes or its probability moves at least this much.</summary>
    public double ChangeThreshold { get; set; } = 0.05;

    public string? Explain() =>
        HorizonDays is < 1 or > 3650 ? "Renewals:HorizonDays must be from 1 to 3,650"
        : LeadDays is < 1 or > 365 ? "Renewals:LeadDays must be from 1 to 365"
        : MinimumOutcomesPerClass < 2 ? "Renewals:MinimumOutcomesPerClass must be at least 2"
        : RetrainAfterNewOutcomes < 1 ? "Renewals:RetrainAfterNewOutcomes must be at least 1"
        : RefreshInterval < TimeSpan.FromMilliseconds(10) || ReconcileInterval < TimeSpan.FromMilliseconds(10) || AutoTrainCheckInterval < TimeSpan.FromMilliseconds(10)
            ? "Renewals:RefreshInterval, ReconcileInterval and AutoTrainCheckInterval must be at least 10 ms"
        : BatchSize is < 1 or > 2000 ? "Renewals:BatchSize must be from 1 to 2,000"
        : HoldoutShare is <= 0 or >= 0.5 || CalibrationShare is <= 0 or >= 0.5 ? "Renewals:HoldoutShare and CalibrationShare must be above 0 and below 0.5"
        : ChangeThreshold is <= 0 or > 1 ? "Renewals:ChangeThreshold must be above 0 and at most 1"
        : null;
}
