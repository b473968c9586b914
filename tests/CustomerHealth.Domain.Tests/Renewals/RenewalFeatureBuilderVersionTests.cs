using CustomerHealth.Domain.Renewals;

namespace CustomerHealth.Domain.Tests.Renewals;

public sealed class RenewalFeatureBuilderVersionTests
{
    private static readonly string[] VersionOneNames = RenewalFeatures.Names
        .Except(RenewalFeatureBuilderVersion.AddedInVersion2).ToArray();

    [Fact]
    public void AModelStoredWithoutAVersionAndVersionOnesFeaturesWasTrainedWithVersionOne()
    {
        var modelled = RenewalFeatures.ModelNames.Except(RenewalFeatureBuilderVersion.AddedInVersion2).ToArray();

        Assert.Equal(1, RenewalFeatureBuilderVersion.OfLegacyModel(VersionOneNames, modelled));
    }

    [Fact]
    public void TodaysFeaturesAreNotVersionOnesAndThisBuildComputesAnotherVersion()
    {
        Assert.Null(RenewalFeatureBuilderVersion.OfLegacyModel(RenewalFeatures.Names, RenewalFeatures.ModelNames));
        Assert.Null(RenewalFeatureBuilderVersion.OfLegacyModel(["health_score"], null));
        Assert.NotEqual(1, RenewalFeatureBuilderVersion.Current);
        Assert.All(RenewalFeatureBuilderVersion.AddedInVersion2, name => Assert.Contains(name, RenewalFeatures.Names));
    }
}
