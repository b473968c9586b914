using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Demo;

/// <summary>What the server is doing besides answering calls: the demo portfolio's load.</summary>
public sealed class ServiceInfoGrpcService(DemoProgress demo) : Stubs.ServiceInfoService.ServiceInfoServiceBase
{
    public static readonly string ServiceName = ServiceInfoService.Descriptor.FullName;

    public override Task<GetServiceInfoResponse> GetServiceInfo(
        GetServiceInfoRequest request, ServerCallContext context) =>
        Task.FromResult(new GetServiceInfoResponse { Demo = demo.Snapshot() });
}
