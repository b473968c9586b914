namespace CustomerHealth.Server.Tests.Infrastructure;

/// <summary>
/// A clock the tests move by hand, so date-dependent answers (contract status, tiers) are checked at chosen instants.
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Set(DateTimeOffset now) => _now = now;

    public void Advance(TimeSpan by) => _now += by;
}
