using CustomerHealth.Domain.Metrics;
using CustomerHealth.Infrastructure.Currency;
using CustomerHealth.Infrastructure.Metrics;
using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Metrics;

/// <summary>customerhealth.v1.MetricsService: read the request, read the inputs, compute (pure), map the report.</summary>
public sealed class MetricsGrpcService(PortfolioInputsReader reader, ExchangeRateStore rates)
    : Stubs.MetricsService.MetricsServiceBase
{
    public static readonly string ServiceName = MetricsService.Descriptor.FullName;

    public override async Task<GetPortfolioMetricsResponse> GetPortfolioMetrics(GetPortfolioMetricsRequest request, ServerCallContext context)
    {
        var query = MetricsRequests.Read(request, reader.Today);
        var (conversion, ratesVersion) =
            MetricsRequests.WithStoredRates(query.Conversion, await rates.CurrentAsync(context.CancellationToken));
        var inputs = await reader.ReadAsync(query.Period, query.Filter, context.CancellationToken);
        var report = PortfolioMetrics.Compute(inputs, query.Period, query.Filter, conversion);
        return new GetPortfolioMetricsResponse { Report = report.ToProto(), ExchangeRatesVersion = ratesVersion };
    }
}
