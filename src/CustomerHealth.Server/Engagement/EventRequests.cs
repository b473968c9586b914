using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Server.Grpc;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Engagement;

/// <summary>Reads the event and rollup requests into domain input, and maps the results back.</summary>
public static class EventRequests
{
    public static IReadOnlyList<UsageEvent> ReadEvents(RepeatedField<V1.UsageEvent> events) =>
        events.Select(e => new UsageEvent(e.EventId, e.AccountId, e.UserId, e.EventName, ReadTime(e.OccurTime),
            e.HasQuantity ? e.Quantity : null, e.Properties)).ToArray();

    // The range google.protobuf.Timestamp defines: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
    private const long MinTimestampSeconds = -62_135_596_800;
    private const long MaxTimestampSeconds = 253_402_300_799;

    /// <summary>A timestamp as UTC; null when absent, <see cref="EventRules.InvalidTime"/> when out of protobuf's range.</summary>
    public static DateTime? ReadTime(Timestamp? time)
    {
        if (time is null) return null;
        if (time.Seconds is < MinTimestampSeconds or > MaxTimestampSeconds || time.Nanos is < 0 or > 999_999_999) return EventRules.InvalidTime;
        return time.ToDateTime();
    }

    public static V1.EventBatchResult ToProto(this EventBatchOutcome outcome)
    {
        var result = new V1.EventBatchResult { Accepted = outcome.Accepted, Duplicates = outcome.Duplicates, Rejected = outcome.Rejected };
        result.Rejections.AddRange(outcome.Rejections.Select(r => new V1.EventRejection
        {
            Index = r.Index,
            EventId = r.EventId,
            Reason = (V1.EventRejectionReason)r.Reason,
            Message = r.Message,
        }));
        return result;
    }

    public static (string AccountId, DateOnly From, DateOnly To) Read(V1.GetDailyUsageRequest request)
    {
        var v = new Violations().Identifier("account_id", request.AccountId);
        var (from, to) = ReadRange(v, request.StartDate, request.EndDate, UsageStore.MaxRangeDays);
        v.ThrowIfAny();
        return (request.AccountId, from, to);
    }

    public static (string? AccountId, DateOnly From, DateOnly To) Read(V1.RebuildRollupsRequest request)
    {
        var v = new Violations().Identifier("account_id", request.AccountId, optional: true);
        var (from, to) = ReadRange(v, request.StartDate, request.EndDate, maxDays: 3660);
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

    public static (IReadOnlyList<CatalogueEntry> Entries, string UpdatedBy, long? ExpectedVersion) Read(V1.UpdateEventCatalogueRequest request)
    {
        var v = new Violations();
        if (request.Catalogue is null) v.Add("catalogue", "is required");
        v.Text("updated_by", request.UpdatedBy, 254, required: true);
        if (request.ExpectedVersion < 0) v.Add("expected_version", "must be zero (no check) or a catalogue version");
        v.ThrowIfAny();
        var entries = request.Catalogue!.Events
            .Select(e => new CatalogueEntry(e.EventName, e.Active, e.KeyFeature, e.FirstValue, string.IsNullOrWhiteSpace(e.Description) ? null : e.Description.Trim()))
            .ToArray();
        return (entries, request.UpdatedBy.Trim(), request.ExpectedVersion == 0 ? null : request.ExpectedVersion);
    }

    public static V1.EventCatalogue ToProto(this EventCatalogue catalogue)
    {
        var message = new V1.EventCatalogue
        {
            Version = catalogue.Version,
            UpdatedBy = catalogue.UpdatedBy ?? "",
            UpdateTime = catalogue.UpdatedAt is { } at ? ProtoConvert.ToTimestamp(at) : null,
        };
        message.Events.AddRange(catalogue.Entries.Select(e => new V1.CatalogueEvent
        {
            EventName = e.EventName,
            Active = e.Active,
            KeyFeature = e.KeyFeature,
            FirstValue = e.FirstValue,
            Description = e.Description ?? "",
        }));
        return message;
    }

    public static V1.DailyUsage ToProto(this DailyUsageRow row)
    {
        var message = new V1.DailyUsage { Day = ProtoConvert.ToDate(row.Day), Events = row.Events, Users = row.Users, ActiveUsers = row.ActiveUsers };
        foreach (var (feature, events) in row.KeyFeatureEvents) message.KeyFeatureEvents[feature] = events;
        return message;
    }

    private static (DateOnly From, DateOnly To) ReadRange(Violations v, Google.Type.Date? start, Google.Type.Date? end, int maxDays)
    {
        var from = ProtoConvert.ReadDate(v, "start_date", start, required: true);
        var to = ProtoConvert.ReadDate(v, "end_date", end, required: true);
        if (from is { } f && to is { } t)
        {
            if (t < f) v.Add("end_date", "must not be before start_date");
            else if (t.DayNumber - f.DayNumber + 1 > maxDays) v.Add("end_date", $"the range may span at most {maxDays} days");
        }
        return (from ?? default, to ?? default);
    }
}
