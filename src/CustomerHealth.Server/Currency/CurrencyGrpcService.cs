using CustomerHealth.Infrastructure.Currency;
using CustomerHealth.Server.Audit;
using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Currency;

/// <summary>customerhealth.v1.CurrencyService: read the request, call the rate store, map the result.</summary>
public sealed class CurrencyGrpcService(ExchangeRateStore store, TimeProvider clock)
    : Stubs.CurrencyService.CurrencyServiceBase
{
    public static readonly string ServiceName = CurrencyService.Descriptor.FullName;

    public override async Task<SetExchangeRatesResponse> SetExchangeRates(
        SetExchangeRatesRequest request, ServerCallContext context)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var (asOf, rates) = CurrencyRequests.Read(request, store.ReportingCurrency, today);
        var change = await store.SetAsync(asOf, rates, context.Caller(), context.CancellationToken);
        return new SetExchangeRatesResponse
        {
            ExchangeRates = change.Set.ToProto(),
            Changed = change.Changed,
            AccountsChecked = change.AccountsChecked,
            TiersChanged = change.TiersChanged,
        };
    }

    public override async Task<GetExchangeRatesResponse> GetExchangeRates(
        GetExchangeRatesRequest request, ServerCallContext context)
    {
        var version = CurrencyRequests.Read(request);
        var ct = context.CancellationToken;
        var stored = await store.GetAsync(version, ct);
        if (stored is null)
        {
            var none = Domain.Common.ExchangeRates.None(store.ReportingCurrency);
            return new GetExchangeRatesResponse { ExchangeRates = none.ToProto(), InForce = false };
        }
        var current = await store.CurrentAsync(ct);
        var inForce = current.Version == stored.Rates.Version;
        return new GetExchangeRatesResponse { ExchangeRates = stored.ToProto(), InForce = inForce };
    }
}
