using CustomerHealth.Server.Hosting;

namespace CustomerHealth.Server.Tests.Hosting;

/// <summary>A background loop's pauses after failures: doubling from 1 s up to 30 s, jittered down to half.</summary>
public sealed class FailureBackoffTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 16)]
    [InlineData(6, 30)]
    [InlineData(1_000, 30)]
    public void PausesDoubleUpToTheCapAndJitterDownToHalf(int failures, int ceilingSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(ceilingSeconds), FailureBackoff.DelayAfter(failures, draw: 1));
        Assert.Equal(TimeSpan.FromSeconds(ceilingSeconds / 2.0), FailureBackoff.DelayAfter(failures, draw: 0));
    }
}
