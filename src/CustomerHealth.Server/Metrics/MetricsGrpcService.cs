using CustomerHealth.Domain.Metrics;
using CustomerHealth.Infrastructure.Metrics;
using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Metrics;

/// <summary>customerhealth.v1.MetricsService: read the request, read the inputs, compute (pure), map the report.</summary>
public sealed class MetricsGrpcService(PortfolioInputsReader reader) : Stubs.MetricsService.MetricsServiceBase
{
    public static readonly string ServiceName = MetricsService.Descriptor.FullName;

    public override async Task<GetPortfolioMetricsResponse> GetPortfolioMetrics(GetPortfolioMetricsRequest request, ServerCallContext context)
    {
        var query = MetricsRequests.Read(request, reader.Today);
        var inputs = await reader.ReadAsync(query.Period, query.Filter, context.CancellationToken);
        var report = PortfolioMetrics.Compute(inputs, query.Period, query.Filter, query.Conversion);
        return new GetPortfolioMetricsResponse { Report = report.ToProto() };
    }
}
