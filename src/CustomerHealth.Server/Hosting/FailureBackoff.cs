namespace CustomerHealth.Server.Hosting;

/// <summary>
/// How a background loop waits after a failed pass: 1 s after the first failure, doubling with each further one up to
/// <see cref="MaxDelay"/>, each pause drawn between half and all of that (jitter, so the replicas of a fleet do not
/// retry in step against a database that just came back), timed by the app's <see cref="TimeProvider"/>. The first
/// failure of a run is logged with its exception, the later ones on one line each, and the recovery once.
/// </summary>
internal sealed class FailureBackoff(TimeProvider clock, ILogger logger, string work)
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    private int _failures;

    /// <summary>Failed passes in a row.</summary>
    public int Failures => _failures;

    /// <summary>
    /// The pause after <paramref name="failures"/> failures in a row, jittered by <paramref name="draw"/> (0 to 1).
    /// </summary>
    public static TimeSpan DelayAfter(int failures, double draw)
    {
        var doublings = Math.Clamp(failures - 1, 0, 16);
        var ceiling = Math.Min(FirstDelay.TotalMilliseconds * (1 << doublings), MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + Math.Clamp(draw, 0, 1) / 2));
    }

    /// <summary>A pass succeeded: the next failure starts again from the first pause.</summary>
    public void Succeeded()
    {
        if (_failures == 0) return;
        logger.LogInformation("{Work} works again after {Failures} failed passes.", work, _failures);
        _failures = 0;
    }

    /// <summary>A pass failed: logs it and waits the pause (ends early and quietly on <paramref name="ct"/>).</summary>
    public async Task FailedAsync(Exception exception, CancellationToken ct)
    {
        var delay = DelayAfter(++_failures, Random.Shared.NextDouble());
        if (_failures == 1) logger.LogWarning(exception, "{Work} failed; trying again in {Delay}.", work, delay);
        else logger.LogWarning("{Work} failed again ({Failures} in a row: {Failure}); trying again in {Delay}.",
            work, _failures, exception.GetBaseException().Message, delay);
        try
        {
            await Task.Delay(delay, clock, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
