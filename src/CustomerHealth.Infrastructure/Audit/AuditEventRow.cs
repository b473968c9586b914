namespace CustomerHealth.Infrastructure.Audit;

/// <summary>
/// One audited change (table <c>audit_events</c>, append-only): who (the authenticated caller and whom it acted for),
/// what, to which target, when, with JSON of the state before and after and of the change's parameters.
/// </summary>
public sealed class AuditEventRow
{
    public long Id { get; init; }
    public DateTime At { get; init; }
    public AuditAction Action { get; init; }

    /// <summary>The gRPC method; null for the service's own work.</summary>
    public string? Rpc { get; init; }
    public required string Caller { get; init; }
    public CallerKind CallerKind { get; init; }
    public string? OnBehalfOf { get; init; }
    public required string TargetType { get; init; }
    public string? TargetId { get; init; }
    public string? BeforeJson { get; init; }
    public string? AfterJson { get; init; }
    public string? DetailsJson { get; init; }
}
