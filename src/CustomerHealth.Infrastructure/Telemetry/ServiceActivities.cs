using System.Diagnostics;

namespace CustomerHealth.Infrastructure.Telemetry;

/// <summary>
/// The service's own trace spans (ActivitySource <c>CustomerHealth</c>): background work that no call starts (a
/// recompute batch, an ingestion commit, a prediction refresh, a training run, the demo load) and, on SQLite, the
/// database commands (<see cref="SqliteCommandTracing"/>). Nothing is recorded unless a listener (OpenTelemetry) asks.
/// </summary>
public static class ServiceActivities
{
    public const string SourceName = "CustomerHealth";

    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>Starts a span of background work, linked to the calls it serves (a commit's batches).</summary>
    public static Activity? StartWork(string name, IEnumerable<ActivityContext>? servedCalls = null) =>
        Source.StartActivity(name, ActivityKind.Internal, parentContext: default,
            links: servedCalls?.Where(c => c != default).Select(c => new ActivityLink(c)));

    /// <summary>Marks <paramref name="activity"/> as failed with <paramref name="error"/>.</summary>
    public static void Fail(this Activity? activity, Exception error)
    {
        activity?.SetStatus(ActivityStatusCode.Error, error.Message);
        activity?.AddException(error);
    }
}
