namespace CustomerHealth.Domain.Webhooks;

/// <summary>
/// When a failed webhook delivery is tried again: <c>first</c> after the first failure, doubling with each further
/// one up to <c>max</c>, each pause drawn between half and all of that (jitter, so that deliveries that failed together
/// against a receiver that was down do not all come back at the same instant).
/// </summary>
public static class WebhookRetries
{
    /// <summary>The pause after the <paramref name="attempts"/>-th failed attempt, jittered by <paramref name="draw"/>
    /// (0 to 1).</summary>
    public static TimeSpan DelayAfter(int attempts, TimeSpan first, TimeSpan max, double draw)
    {
        var doublings = Math.Clamp(attempts - 1, 0, 30);
        var ceiling = Math.Min(first.TotalMilliseconds * Math.Pow(2, doublings), max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + Math.Clamp(draw, 0, 1) / 2));
    }
}
