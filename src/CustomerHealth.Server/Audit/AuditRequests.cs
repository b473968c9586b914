using System.Globalization;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Server.Engagement;
using CustomerHealth.Server.Grpc;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Audit;

/// <summary>A <c>ListAuditEvents</c> request read: its filters, page size, the previous page's last id and the filters'
/// fingerprint.</summary>
public sealed record AuditListing(AuditFilter Filter, int PageSize, long? BeforeId, string Fingerprint);

/// <summary>Reads the audit service's requests, reporting every violation at once (INVALID_ARGUMENT).</summary>
public static class AuditRequests
{
    /// <summary>The bounds of the caller-controlled fields of the audit service.</summary>
    public static class Limits
    {
        public const int Caller = Infrastructure.Audit.Caller.MaxLength;
        public const int TargetId = Caller;
        public const int TargetType = 40;

        public static readonly IReadOnlyList<FieldLimit> Fields =
        [
            FieldLimit.Length<V1.ListAuditEventsRequest>("caller", Caller),
            FieldLimit.Length<V1.ListAuditEventsRequest>("target_type", TargetType),
            FieldLimit.Length<V1.ListAuditEventsRequest>("target_id", TargetId),
            FieldLimit.Length<V1.ListAuditEventsRequest>("page_token", PageToken.MaxTokenLength),
        ];
    }

    public static AuditListing Read(V1.ListAuditEventsRequest request)
    {
        var v = new Violations()
            .Text("caller", request.Caller, Limits.Caller)
            .Text("target_id", request.TargetId, Limits.TargetId);
        if (request.TargetType.Length > Limits.TargetType) v.Text("target_type", request.TargetType, Limits.TargetType);
        else if (request.TargetType.Length > 0 && !AuditTargets.All.Contains(request.TargetType))
            v.Add(
                "target_type",
                $"must be empty or one of: {string.Join(", ", AuditTargets.All.Order(StringComparer.Ordinal))}"
            );
        ProtoConvert.IsDefined(v, "action", request.Action);
        var from = ReadInstant(v, "start_time", request.StartTime);
        var to = ReadInstant(v, "end_time", request.EndTime);
        if (from is not null && to is not null && to <= from)
            v.Add("end_time", "must be after start_time");
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        var fingerprint = string.Join(
            '|',
            "audit",
            request.Caller,
            request.TargetType,
            request.TargetId,
            (int)request.Action,
            from?.Ticks,
            to?.Ticks
        );
        var before = ReadPageToken(v, request.PageToken, fingerprint);
        v.ThrowIfAny();
        var filter = new AuditFilter(
            Blank(request.Caller),
            Blank(request.TargetType),
            Blank(request.TargetId),
            request.Action == V1.AuditAction.Unspecified ? null : [(AuditAction)request.Action],
            from,
            to
        );
        return new AuditListing(filter, pageSize, before, fingerprint);
    }

    /// <summary>The id a page token carries: the last event of the previous page; null for the first page.</summary>
    public static long? ReadPageToken(Violations v, string token, string fingerprint)
    {
        if (PageToken.Decode(v, token, fingerprint, keyParts: 1) is not { } key)
            return null;
        if (long.TryParse(key[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
            return id;
        v.Add("page_token", PageToken.NotIssuedHere);
        return null;
    }

    private static DateTime? ReadInstant(
        Violations v,
        string field,
        Google.Protobuf.WellKnownTypes.Timestamp? timestamp
    )
    {
        var at = EventRequests.ReadTime(timestamp);
        if (at != EventRules.InvalidTime)
            return at;
        v.Add(field, "is not a valid timestamp");
        return null;
    }

    private static string? Blank(string value) => value.Length == 0 ? null : value;
}
