namespace CustomerHealth.Domain.Renewals;

/// <summary>
/// The version of the renewal feature builder (<see cref="RenewalFeatures"/>): which features it builds, in which
/// order, and what each means. Every stored model records the version it was trained with; this build serves only
/// models of its own version (a model of another one would read features it does not know, or read them with another
/// meaning), and refuses to serve the others. Raise it with every change to <see cref="RenewalFeatures.Names"/>, to a
/// feature's formula or default, or to <see cref="RenewalFeatures.NotModelled"/>.
/// </summary>
public static class RenewalFeatureBuilderVersion
{
    /// <summary>
    /// The version this build computes: 2 added the usage-rate features (<see cref="AddedInVersion2"/>) to those of
    /// version 1.
    /// </summary>
    public const int Current = 2;

    /// <summary>The features version 2 added; version 1 built the others, in the same order.</summary>
    public static readonly IReadOnlyList<string> AddedInVersion2 =
    [
        RenewalFeatures.UsageMetricScore, RenewalFeatures.MetricLogRateMean, RenewalFeatures.MetricChangeMean,
        RenewalFeatures.MetricDaysSinceMean,
    ];

    /// <summary>
    /// Models stored before versions were recorded: they were trained with version 1 when their feature names are
    /// version 1's (the builder had no other version with these names), else with an unknown one.
    /// </summary>
    public static int? OfLegacyModel(IReadOnlyList<string> featureNames, IReadOnlyList<string>? modelFeatureNames) =>
        featureNames.SequenceEqual(RenewalFeatures.Names.Except(AddedInVersion2))
        && (modelFeatureNames ?? featureNames).SequenceEqual(RenewalFeatures.ModelNames.Except(AddedInVersion2))
            ? 1
            : null;
}
