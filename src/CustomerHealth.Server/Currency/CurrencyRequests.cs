using CustomerHealth.Domain.Common;
using CustomerHealth.Server.Grpc;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Currency;

/// <summary>
/// Reads the currency service's requests into domain input, checking every field rule first and reporting all
/// violations at once (INVALID_ARGUMENT with field paths as the caller names them). The rates' own rules are the
/// domain's (<see cref="ExchangeRates.Validate"/>).
/// </summary>
public static class CurrencyRequests
{
    /// <summary>The bounds of the caller-controlled fields of the currency service.</summary>
    public static class Limits
    {
        /// <summary>The most rates a set holds: one per active currency fits.</summary>
        public const int Rates = ExchangeRates.MaxRates;

        public const int CurrencyCode = 3;

        /// <summary>The bounds as a table, by request message and field path (see <see
        /// cref="RequestLimits"/>).</summary>
        public static readonly IReadOnlyList<FieldLimit> Fields =
        [
            FieldLimit.Count<V1.SetExchangeRatesRequest>("rates", Rates),
            FieldLimit.Length<V1.SetExchangeRatesRequest>("rates{key}", CurrencyCode),
        ];
    }

    /// <exception cref="ValidationException">Any field rule is broken; every broken rule is listed.</exception>
    public static (DateOnly AsOf, IReadOnlyDictionary<string, decimal> Rates) Read(
        V1.SetExchangeRatesRequest request, string reportingCurrency, DateOnly today)
    {
        var v = new Violations();
        var asOf = ProtoConvert.ReadDate(v, "as_of_date", request.AsOfDate, required: true);
        if (asOf > today) v.Add("as_of_date", $"must not be after today {today:yyyy-MM-dd} (got {asOf:yyyy-MM-dd})");
        var rates = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (request.Rates.Count == 0) v.Add("rates", "is required: at least one rate");
        else if (request.Rates.Count > Limits.Rates)
            v.Add("rates", $"may hold at most {Limits.Rates} rates (got {request.Rates.Count})");
        else
        {
            foreach (var (code, rate) in request.Rates)
            {
                // A rate out of decimal's range reads as 0, which the domain's rule rejects under the rate's name.
                var inRange = double.IsFinite(rate) && Math.Abs(rate) <= 2 * (double)ExchangeRates.MaxRate;
                var value = inRange ? (decimal)rate : 0m;
                if (code != reportingCurrency || value != 1m) rates[code] = value;
            }
            foreach (var item in new ExchangeRates(reportingCurrency, rates).Validate().Items)
                v.Add(item.Field, item.Description);
        }
        v.ThrowIfAny();
        return (asOf!.Value, rates);
    }

    public static int Read(V1.GetExchangeRatesRequest request)
    {
        if (request.Version < 0)
            new Violations().Add("version", "must be 0 (the newest) or a version from 1 up").ThrowIfAny();
        return request.Version;
    }
}
