using System.Globalization;
using CustomerHealth.Domain.Renewals;
using CustomerHealth.Infrastructure.Coordination;
using Microsoft.Extensions.Options;

namespace CustomerHealth.Infrastructure.Renewals;

/// <summary>
/// The <c>Renewals</c> configuration section, checked at start-up by <see cref="RenewalOptionsValidator"/>.
/// </summary>
public sealed class RenewalOptions
{
    public const string Section = "Renewals";
    public const int MaxHorizonDays = 3650;
    public const int MaxLeadDays = 365;
    public const int MaxBatchSize = 2000;
    public const double MaxShare = 0.5;
    public const int MaxFitParallelism = 64;

    /// <summary>
    /// Open contracts renewing within this many days from today get a stored prediction (and are listed).
    /// </summary>
    public int HorizonDays { get; set; } = 180;

    /// <summary>
    /// Training pairs each recorded outcome with features as of this many days before its renewal date.
    /// </summary>
    public int LeadDays { get; set; } = 90;

    /// <summary>
    /// A model is trained only with at least this many renewals and this many churns; below, the prior serves. At least
    /// <see cref="RenewalQualityGate.MinimumHoldoutPerClass"/>; the default 50 leaves about 10 of each in a 20 %
    /// holdout,
    /// the least the gate judges a model on.
    /// </summary>
    public int MinimumOutcomesPerClass { get; set; } = 50;

    /// <summary>
    /// Train by itself when at least this many outcomes were recorded since the serving model's training (or none
    /// serves yet).
    /// </summary>
    public int RetrainAfterNewOutcomes { get; set; } = 200;

    /// <summary>Whether the background worker trains by itself (see <see cref="RetrainAfterNewOutcomes"/>).</summary>
    public bool AutoTrain { get; set; } = true;

    /// <summary>
    /// How often the worker follows the health change feed and picks up a model swapped in elsewhere.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often it looks for open contracts without a prediction and predictions whose contract closed.
    /// </summary>
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

    /// <summary>
    /// How many model fits of a training run at once (each fit uses one thread; the model is the same whatever the
    /// count). Default: the machine's core count. Lower it to leave cores to the service while it trains.
    /// </summary>
    public int FitParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// How many chunks of a training's feature reads run at once, each on its own database connection (the rows are
    /// the same whatever the count). Default: the machine's core count. Lower it to leave cores and connections to the
    /// service while it trains.
    /// </summary>
    public int ReadParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// A prediction enters the change feed when its risk level changes or its probability moves at least this much.
    /// </summary>
    public double ChangeThreshold { get; set; } = 0.05;

    /// <summary>
    /// The renewal forecast counts a contract as committed from this probability of renewal on (0 to 1; by default the
    /// low-risk boundary, 0.8). See docs/models/renewal-forecast.md.
    /// </summary>
    public double ForecastCommitProbability { get; set; } = RenewalForecast.DefaultCommitProbability;
}

/// <summary>The rules of <see cref="RenewalOptions"/>; every broken one is reported, each naming its key.</summary>
public sealed class RenewalOptionsValidator : IValidateOptions<RenewalOptions>
{
    public ValidateOptionsResult Validate(string? name, RenewalOptions options)
    {
        var result = new ValidateOptionsResultBuilder();
        if (options.HorizonDays is < 1 or > RenewalOptions.MaxHorizonDays)
            result.AddError(
                Text($"{Key(nameof(options.HorizonDays))} must be from 1 to {RenewalOptions.MaxHorizonDays:N0}"));
        if (options.LeadDays is < 1 or > RenewalOptions.MaxLeadDays)
            result.AddError($"{Key(nameof(options.LeadDays))} must be from 1 to {RenewalOptions.MaxLeadDays}");
        if (options.MinimumOutcomesPerClass < RenewalQualityGate.MinimumHoldoutPerClass)
            result.AddError(
                Key(nameof(options.MinimumOutcomesPerClass))
                + Text($" must be at least {RenewalQualityGate.MinimumHoldoutPerClass}")
                + " (the quality gate judges a model on at least that many renewals and churns of its holdout)");
        if (options.RetrainAfterNewOutcomes < 1)
            result.AddError($"{Key(nameof(options.RetrainAfterNewOutcomes))} must be at least 1");
        CheckInterval(result, nameof(options.RefreshInterval), options.RefreshInterval);
        CheckInterval(result, nameof(options.ReconcileInterval), options.ReconcileInterval);
        CheckInterval(result, nameof(options.AutoTrainCheckInterval), options.AutoTrainCheckInterval);
        if (options.BatchSize is < 1 or > RenewalOptions.MaxBatchSize)
            result.AddError(
                Text($"{Key(nameof(options.BatchSize))} must be from 1 to {RenewalOptions.MaxBatchSize:N0}"));
        CheckShare(result, nameof(options.HoldoutShare), options.HoldoutShare);
        CheckShare(result, nameof(options.CalibrationShare), options.CalibrationShare);
        if (options.FitParallelism is < 1 or > RenewalOptions.MaxFitParallelism)
            result.AddError(
                $"{Key(nameof(options.FitParallelism))} must be from 1 to {RenewalOptions.MaxFitParallelism}");
        if (options.ReadParallelism is < 1 or > RenewalOptions.MaxFitParallelism)
            result.AddError(
                $"{Key(nameof(options.ReadParallelism))} must be from 1 to {RenewalOptions.MaxFitParallelism}");
        if (options.ChangeThreshold is <= 0 or > 1)
            result.AddError($"{Key(nameof(options.ChangeThreshold))} must be above 0 and at most 1");
        if (options.ForecastCommitProbability is < 0 or > 1 || double.IsNaN(options.ForecastCommitProbability))
            result.AddError($"{Key(nameof(options.ForecastCommitProbability))} must be from 0 to 1");
        return result.Build();
    }

    private static void CheckInterval(ValidateOptionsResultBuilder result, string property, TimeSpan interval)
    {
        if (interval < WorkerIntervals.Minimum) result.AddError($"{Key(property)} must be at least 10 ms");
    }

    private static void CheckShare(ValidateOptionsResultBuilder result, string property, double share)
    {
        if (share is <= 0 or >= RenewalOptions.MaxShare)
            result.AddError(Text($"{Key(property)} must be above 0 and below {RenewalOptions.MaxShare}"));
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Key(string property) => $"{RenewalOptions.Section}:{property}";
}
