using CustomerHealth.Infrastructure.Health;
using Microsoft.Extensions.Time.Testing;

namespace CustomerHealth.Server.Tests.Health;

/// <summary>
/// The read cache's rules, without a server: what it serves, and what makes it stop serving an answer.
/// </summary>
public sealed class HealthReadCacheTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 15, 10, 30, 0, TimeSpan.Zero);
    private readonly HealthReadCache _cache = new(TimeSpan.FromMinutes(1), TimeProvider.System);

    private void Store(string id, object value, DateTimeOffset? endsAt = null) =>
        _cache.Set(id, _cache.Take(id), value, endsAt);

    [Fact]
    public void AStoredAnswerIsServedUntilItsAccountIsInvalidated()
    {
        Store("acme", "answer");
        Store("beta", "other");
        Assert.True(_cache.TryGet("acme", Now, out string hit));
        Assert.Equal("answer", hit);

        _cache.Invalidate("acme");

        Assert.False(_cache.TryGet("acme", Now, out string _));
        Assert.True(_cache.TryGet("beta", Now, out string _));
    }

    [Fact]
    public void AnAnswerReadBeforeAnInvalidationIsNeverServed()
    {
        // A reader takes its ticket, a writer commits and invalidates, then the reader stores what it read before the
        // commit.
        var ticket = _cache.Take("acme");
        _cache.Invalidate("acme");
        _cache.Set("acme", ticket, "stale", null);

        Assert.False(_cache.TryGet("acme", Now, out string _));

        Store("acme", "fresh");
        Assert.True(_cache.TryGet("acme", Now, out string hit));
        Assert.Equal("fresh", hit);
    }

    [Fact]
    public void AnAnswerShowingAnOverrideEndsWithTheOverride()
    {
        Store("acme", "with override", endsAt: Now.AddHours(1));

        Assert.True(_cache.TryGet("acme", Now.AddMinutes(59), out string _));
        Assert.False(_cache.TryGet("acme", Now.AddHours(1), out string _));
    }

    [Fact]
    public void AnAnswerAgesOutAfterItsTimeToLive()
    {
        var clock = new FakeTimeProvider(Now);
        var cache = new HealthReadCache(TimeSpan.FromSeconds(1), clock);
        cache.Set("acme", cache.Take("acme"), "answer", null);

        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.True(cache.TryGet("acme", Now, out string _));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(cache.TryGet("acme", Now, out string _));
    }

    [Fact]
    public void ATimeToLiveOfZeroTurnsTheCacheOff()
    {
        var cache = new HealthReadCache(TimeSpan.Zero, TimeProvider.System);
        cache.Set("acme", cache.Take("acme"), "answer", null);

        Assert.False(cache.Enabled);
        Assert.False(cache.TryGet("acme", Now, out string _));
    }

    [Fact]
    public void AnAnswerOfAnotherTypeIsAMiss()
    {
        Store("acme", "text");
        Assert.False(_cache.TryGet("acme", Now, out Uri _));
    }

    [Fact]
    public void TheNumberOfEntriesStaysBounded()
    {
        var cache = new HealthReadCache(TimeSpan.FromMinutes(1), TimeProvider.System, maxEntries: 100);
        for (var i = 0; i < 1_000; i++) cache.Set($"acct-{i}", cache.Take($"acct-{i}"), "answer", null);

        var served = Enumerable.Range(0, 1_000).Count(i => cache.TryGet($"acct-{i}", Now, out string _));
        Assert.InRange(served, 1, 100);
        Assert.True(cache.TryGet("acct-999", Now, out string _)); // the newest survives the sweep
    }
}
