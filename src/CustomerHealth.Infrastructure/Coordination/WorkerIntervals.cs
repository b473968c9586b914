namespace CustomerHealth.Infrastructure.Coordination;

/// <summary>Bounds shared by the configured intervals of the background workers.</summary>
public static class WorkerIntervals
{
    /// <summary>The shortest interval a worker may tick at: shorter ones only burn CPU on lease renewals.</summary>
    public static readonly TimeSpan Minimum = TimeSpan.FromMilliseconds(10);
}
