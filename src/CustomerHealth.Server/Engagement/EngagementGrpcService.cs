using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.V1;

namespace CustomerHealth.Server.Engagement;

/// <summary>
/// customerhealth.v1.EngagementService: read the request, call the infrastructure, map the result. The RPCs are split
/// by topic over partial files: events and rollups here, NPS / tickets / touchpoints in
/// EngagementGrpcService.Signals.cs.
/// </summary>
public sealed partial class EngagementGrpcService(
    SignalStore signals, EventIngestionQueue queue, UsageStore usage, EventCatalogueStore catalogueStore)
    : Stubs.EngagementService.EngagementServiceBase
{
    public static readonly string ServiceName = EngagementService.Descriptor.FullName;

    private readonly SignalStore _signals = signals;
}
