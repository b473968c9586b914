using System.Text.Json;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// One row of <c>usage_events</c> as the service stores it (same columns, same CLR types bound as parameters), for the
/// baseline's plain inserts.
/// </summary>
internal readonly record struct EventRow(
    string Source,
    string EventId,
    string AccountId,
    string UserId,
    string EventName,
    DateTime OccurredAt,
    DateOnly Day,
    double? Quantity,
    string? PropertiesJson,
    DateTime ReceivedAt)
{
    /// <summary>
    /// The rows of every event of <paramref name="workload"/> in time order (the order the streams deliver them in),
    /// built before the baseline's clock starts.
    /// </summary>
    public static EventRow[] From(Workload workload, DateTime receivedAt) =>
        workload.Streams.SelectMany(s => s).SelectMany(batch => batch.Events.Select(e =>
        {
            var occurredAt = e.OccurTime.ToDateTime();
            return new EventRow(
                Workload.Source, e.EventId, e.AccountId, e.UserId, e.EventName, occurredAt,
                    DateOnly.FromDateTime(occurredAt),
                e.HasQuantity ? e.Quantity : null,
                e.Properties.Count == 0 ? null : JsonSerializer.Serialize(new Dictionary<string, string>(e.Properties)),
                receivedAt);
        })).OrderBy(r => r.OccurredAt).ToArray();
}
