using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Server.Grpc;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Audit;

/// <summary>Audit rows to contract messages.</summary>
public static class AuditMapping
{
    public static V1.AuditEvent ToProto(this AuditEventRow row) =>
        new()
        {
            Id = row.Id,
            Time = ProtoConvert.ToTimestamp(row.At),
            Action = (V1.AuditAction)row.Action,
            Rpc = row.Rpc ?? "",
            Caller = row.Caller,
            CallerKind = (V1.CallerKind)row.CallerKind,
            OnBehalfOf = row.OnBehalfOf ?? "",
            TargetType = row.TargetType,
            TargetId = row.TargetId ?? "",
            BeforeJson = row.BeforeJson ?? "",
            AfterJson = row.AfterJson ?? "",
            DetailsJson = row.DetailsJson ?? "",
        };
}
