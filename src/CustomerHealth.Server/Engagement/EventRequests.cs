using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Server.Audit;
using CustomerHealth.Server.Grpc;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Engagement;

/// <summary>
/// Reads the event, rollup, catalogue and person-data requests into domain input, checking every field rule first
/// and reporting all violations at once (INVALID_ARGUMENT with field paths as the caller names them). A batch's own
/// rules are the domain's (<see cref="EventRules.CheckBatch"/>); its events are checked one by one when stored, each
/// rejected alone.
/// </summary>
public static class EventRequests
{
    /// <summary>The bounds of the caller-controlled fields of the event and rollup RPCs.</summary>
    public static class Limits
    {
        public const int Source = EventRules.MaxSourceLength;
        public const int EventsPerBatch = EventRules.MaxEventsPerBatch;
        public const int UsageRangeDays = UsageStore.MaxRangeDays;
        public const int RebuildRangeDays = 3660;
        public const int UpdatedBy = PersonNames.MaxLength;
        public const int Id = Identifiers.MaxLength;
        public const int EventName = EventRules.MaxEventNameLength;
        public const int Properties = EventRules.MaxProperties;
        public const int PropertyKey = EventRules.MaxPropertyKeyLength;
        public const int PropertyValue = EventRules.MaxPropertyValueLength;
        public const int CatalogueEvents = EventCatalogue.MaxEntries;
        public const int CatalogueDescription = CatalogueEntry.MaxDescriptionLength;
        public const int CatalogueRatios = CatalogueEntry.MaxRatios;

        /// <summary>The bounds as a table, by request message and field path (see <see
        /// cref="RequestLimits"/>).</summary>
        public static readonly IReadOnlyList<FieldLimit> Fields =
        [
            .. Batch<V1.IngestEventsRequest>(),
            .. Batch<V1.StreamEventsRequest>(),
            FieldLimit.Length<V1.GetDailyUsageRequest>("account_id", Id),
            FieldLimit.Count<V1.UpdateEventCatalogueRequest>("catalogue.events", CatalogueEvents),
            FieldLimit.Length<V1.UpdateEventCatalogueRequest>("catalogue.events[].event_name", EventName),
            FieldLimit.Length<V1.UpdateEventCatalogueRequest>("catalogue.events[].description", CatalogueDescription),
            FieldLimit.Count<V1.UpdateEventCatalogueRequest>("catalogue.events[].ratio_to", CatalogueRatios),
            FieldLimit.Length<V1.UpdateEventCatalogueRequest>("catalogue.events[].ratio_to[]", EventName),
            FieldLimit.Ignored<V1.UpdateEventCatalogueRequest>("catalogue.updated_by"),
            FieldLimit.Length<V1.UpdateEventCatalogueRequest>("updated_by", UpdatedBy),
            FieldLimit.Length<V1.RebuildRollupsRequest>("account_id", Id),
            FieldLimit.Length<V1.DeletePersonDataRequest>("user_id", Id),
            FieldLimit.Length<V1.DeletePersonDataRequest>("account_id", Id),
        ];

        /// <summary>A batch's bounds: its source and size fail the call, each event's fields reject that event
        /// only.</summary>
        private static FieldLimit[] Batch<TRequest>() where TRequest : Google.Protobuf.IMessage, new() =>
        [
            FieldLimit.Length<TRequest>("source", Source),
            FieldLimit.Count<TRequest>("events", EventsPerBatch),
            FieldLimit.Length<TRequest>("events[].event_id", Id, perItem: true),
            FieldLimit.Length<TRequest>("events[].account_id", Id, perItem: true),
            FieldLimit.Length<TRequest>("events[].user_id", Id, perItem: true),
            FieldLimit.Length<TRequest>("events[].event_name", EventName, perItem: true),
            FieldLimit.Count<TRequest>("events[].properties", Properties, perItem: true),
            FieldLimit.Length<TRequest>("events[].properties{key}", PropertyKey, perItem: true),
            FieldLimit.Length<TRequest>("events[].properties{value}", PropertyValue, perItem: true),
        ];
    }

    public static EventBatch Read(V1.IngestEventsRequest request) => ReadBatch(request.Source, request.Events);

    public static EventBatch Read(V1.StreamEventsRequest batch) => ReadBatch(batch.Source, batch.Events);

    /// <summary>True when <see cref="Read(V1.StreamEventsRequest)"/> would accept the batch.</summary>
    public static bool IsValid(V1.StreamEventsRequest batch) =>
        !EventRules.CheckBatch(batch.Source, batch.Events.Count).Any;

    private static EventBatch ReadBatch(string source, RepeatedField<V1.UsageEvent> events)
    {
        EventRules.ValidateBatch(source, events.Count);
        return new EventBatch(source, ReadEvents(events));
    }

    public static IReadOnlyList<UsageEvent> ReadEvents(RepeatedField<V1.UsageEvent> events) =>
        events.Select(e => new UsageEvent(e.EventId, e.AccountId, e.UserId, e.EventName, ReadTime(e.OccurTime),
            e.HasQuantity ? e.Quantity : null, e.Properties)).ToArray();

    // The range google.protobuf.Timestamp defines: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
    private const long MinTimestampSeconds = -62_135_596_800;
    private const long MaxTimestampSeconds = 253_402_300_799;

    /// <summary>A timestamp as UTC; null when absent, <see cref="EventRules.InvalidTime"/> when out of protobuf's
    /// range.</summary>
    public static DateTime? ReadTime(Timestamp? time)
    {
        if (time is null) return null;
        if (time.Seconds is < MinTimestampSeconds or > MaxTimestampSeconds
            || time.Nanos is < 0 or > 999_999_999) return EventRules.InvalidTime;
        return time.ToDateTime();
    }

    public static (string AccountId, DateOnly From, DateOnly To) Read(V1.GetDailyUsageRequest request)
    {
        var v = new Violations().Identifier("account_id", request.AccountId);
        var (from, to) = ReadRange(v, request.StartDate, request.EndDate, Limits.UsageRangeDays);
        v.ThrowIfAny();
        return (request.AccountId, from, to);
    }

    public static (string? AccountId, DateOnly From, DateOnly To) Read(V1.RebuildRollupsRequest request)
    {
        var v = new Violations().Identifier("account_id", request.AccountId, optional: true);
        var (from, to) = ReadRange(v, request.StartDate, request.EndDate, Limits.RebuildRangeDays);
        v.ThrowIfAny();
        return (string.IsNullOrEmpty(request.AccountId) ? null : request.AccountId, from, to);
    }

    public static (string UserId, string? AccountId) Read(V1.DeletePersonDataRequest request)
    {
        var v = new Violations().Identifier("account_id", request.AccountId, optional: true);
        if (string.IsNullOrEmpty(request.UserId)) v.Add("user_id", "is required");
        else if (Identifiers.ExplainToken(request.UserId) is { } problem) v.Add("user_id", problem);
        v.ThrowIfAny();
        return (request.UserId, string.IsNullOrEmpty(request.AccountId) ? null : request.AccountId);
    }

    public static (IReadOnlyList<CatalogueEntry> Entries, string? OnBehalfOf, long? ExpectedVersion) Read(
        V1.UpdateEventCatalogueRequest request)
    {
        var v = new Violations();
        if (request.Catalogue is null) v.Add("catalogue", "is required");
        v.Text("updated_by", request.UpdatedBy, Limits.UpdatedBy);
        if (request.ExpectedVersion < 0) v.Add("expected_version", "must be zero (no check) or a catalogue version");
        v.ThrowIfAny();
        var entries = request.Catalogue!.Events
            .Select(e => new CatalogueEntry(
                e.EventName, e.Active, e.KeyFeature, e.FirstValue,
                string.IsNullOrWhiteSpace(e.Description) ? null : e.Description.Trim(),
                e.Metric, e.RatioTo.Count == 0 ? null : e.RatioTo.ToArray()))
            .ToArray();
        return (entries, OnBehalfOf.Of(request.UpdatedBy), request.ExpectedVersion == 0 ? null
            : request.ExpectedVersion);
    }

    private static (DateOnly From, DateOnly To) ReadRange(
        Violations v, Google.Type.Date? start, Google.Type.Date? end, int maxDays)
    {
        var from = ProtoConvert.ReadDate(v, "start_date", start, required: true);
        var to = ProtoConvert.ReadDate(v, "end_date", end, required: true);
        if (from is { } f && to is { } t)
        {
            if (t < f) v.Add("end_date", "must not be before start_date");
            else if (t.DayNumber - f.DayNumber + 1 > maxDays) v.Add(
                "end_date", $"the range may span at most {maxDays} days");
        }
        return (from ?? default, to ?? default);
    }
}
