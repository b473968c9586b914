using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Currency;
using CustomerHealth.Server.Grpc;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Currency;

/// <summary>Exchange-rate sets to their v1 messages.</summary>
public static class CurrencyMapping
{
    public static V1.ExchangeRateSet ToProto(this StoredExchangeRates stored)
    {
        var message = ToProto(stored.Rates);
        message.SetBy = stored.SetBy;
        message.SetTime = ProtoConvert.ToTimestamp(stored.SetAt);
        return message;
    }

    public static V1.ExchangeRateSet ToProto(this ExchangeRates rates)
    {
        var message = new V1.ExchangeRateSet
        {
            Version = rates.Version, ReportingCurrencyCode = rates.ReportingCurrency,
        };
        if (rates.AsOf is { } asOf) message.AsOfDate = ProtoConvert.ToDate(asOf);
        foreach (var (code, rate) in rates.Rates.OrderBy(r => r.Key, StringComparer.Ordinal))
            message.Rates[code] = (double)rate;
        return message;
    }

    /// <summary>An amount in the reporting currency, rounded to nanos; null when its currency has no rate.</summary>
    public static Google.Type.Money? ToReportingMoney(this ExchangeRates rates, Money? amount) =>
        amount is { } a && rates.Convert(a) is { } converted
            ? ProtoConvert.ToMoney(Math.Round(converted, 9, MidpointRounding.ToEven), rates.ReportingCurrency)
            : null;
}
