using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Expansion;
using CustomerHealth.Domain.Metrics;
using CustomerHealth.Infrastructure.Accounts;
using CustomerHealth.Infrastructure.Currency;
using CustomerHealth.Infrastructure.Expansion;
using CustomerHealth.Infrastructure.Metrics;
using CustomerHealth.V1;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Signals = CustomerHealth.Domain.Expansion.ExpansionSignals;

namespace CustomerHealth.Server.Metrics;

/// <summary>
/// customerhealth.v1.MetricsService: read the request, read the inputs, compute (pure), map the report.
/// </summary>
public sealed class MetricsGrpcService(
    PortfolioInputsReader reader, ExchangeRateStore rates, ExpansionReader expansion, AccountTrees trees,
    IOptions<ExpansionOptions> options)
    : Stubs.MetricsService.MetricsServiceBase
{
    public static readonly string ServiceName = MetricsService.Descriptor.FullName;

    public override async Task<GetPortfolioMetricsResponse> GetPortfolioMetrics(
        GetPortfolioMetricsRequest request, ServerCallContext context)
    {
        var query = MetricsRequests.Read(request, reader.Today);
        if (query.Tree is { } tree)
        {
            var members = await trees.MembersAsync(tree, context.CancellationToken);
            var ids = members.Select(m => m.AccountId).ToHashSet(StringComparer.Ordinal);
            query = query with { Filter = query.Filter with { AccountIds = ids } };
        }
        var (conversion, ratesVersion) =
            MetricsRequests.WithStoredRates(query.Conversion, await rates.CurrentAsync(context.CancellationToken));
        var inputs = await reader.ReadAsync(query.Period, query.Filter, context.CancellationToken);
        var report = PortfolioMetrics.Compute(inputs, query.Period, query.Filter, conversion);
        return new GetPortfolioMetricsResponse { Report = report.ToProto(), ExchangeRatesVersion = ratesVersion };
    }

    public override async Task<GetExpansionSignalsResponse> GetExpansionSignals(
        GetExpansionSignalsRequest request, ServerCallContext context)
    {
        var accountId = ExpansionRequests.Read(request);
        var today = expansion.Today;
        var group = await expansion.PeerGroupOfAsync(accountId, context.CancellationToken)
            ?? throw new NotFoundException("Account", accountId);
        var facts = await expansion.ReadAsync(group, context.CancellationToken);
        var assessed = Signals.Assess(facts, options.Value.Thresholds)
            .SingleOrDefault(a => a.Facts.AccountId == accountId)
            ?? throw new NotFoundException("Account", accountId);
        return new GetExpansionSignalsResponse { Signals = assessed.ToProto(today) };
    }

    public override async Task<ListExpansionSignalsResponse> ListExpansionSignals(
        ListExpansionSignalsRequest request, ServerCallContext context)
    {
        var today = expansion.Today;
        var query = ExpansionRequests.Read(request, today);
        var facts = await expansion.ReadAsync(query.Population, context.CancellationToken);
        var kept = Signals.Assess(facts, options.Value.Thresholds).Where(query.Keeps)
            .OrderBy(a => a.Facts.AccountId, StringComparer.Ordinal).Take(query.PageSize + 1).ToArray();
        var response = new ListExpansionSignalsResponse();
        response.Signals.AddRange(kept.Take(query.PageSize).Select(a => a.ToProto(today)));
        if (kept.Length > query.PageSize)
        {
            response.NextPageToken =
                ExpansionRequests.NextToken(query.Fingerprint, kept[query.PageSize - 1].Facts.AccountId);
        }
        return response;
    }
}
