using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Metrics;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Grpc;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Metrics;

/// <summary>A portfolio-metrics request read into domain input; <paramref name="Tree"/> is the account whose tree the
/// filter keeps, for the caller to resolve into the filter's ids.</summary>
public sealed record PortfolioQuery(
    ReportingPeriod Period, PortfolioFilter Filter, CurrencyConversion? Conversion, string? Tree = null);

/// <summary>
/// Reads a metrics request into domain input, checking every field rule first and reporting all violations at once
/// (INVALID_ARGUMENT with field paths as the caller names them). The period's own rules are the domain's
/// (<see cref="ReportingPeriod"/>).
/// </summary>
public static class MetricsRequests
{
    /// <summary>The bounds of the caller-controlled fields of the metrics service.</summary>
    public static class Limits
    {
        public const int Segment = AccountDetails.MaxSegmentLength;
        public const int Owner = AccountDetails.MaxOwnerLength;
        public const double ConversionRate = 1e12;

        /// <summary>The most conversion rates: one per active currency fits.</summary>
        public const int ConversionRates = 200;

        /// <summary>The longest RANGE period, in days counted (ten years and a leap day or three).</summary>
        public const int RangeDays = 3660;

        public const int CurrencyCode = 3;

        /// <summary>The bounds as a table, by request message and field path (see <see
        /// cref="RequestLimits"/>).</summary>
        public static readonly IReadOnlyList<FieldLimit> Fields =
        [
            FieldLimit.Length<V1.GetPortfolioMetricsRequest>("segment", Segment),
            FieldLimit.Length<V1.GetPortfolioMetricsRequest>("owner", Owner),
            FieldLimit.Length<V1.GetPortfolioMetricsRequest>("parent_account_id", Identifiers.MaxLength),
            FieldLimit.Length<V1.GetPortfolioMetricsRequest>("currency_code", CurrencyCode),
            FieldLimit.Count<V1.GetPortfolioMetricsRequest>("conversion_rates", ConversionRates),
            FieldLimit.Length<V1.GetPortfolioMetricsRequest>("conversion_rates{key}", CurrencyCode),
        ];
    }

    /// <exception cref="ValidationException">Any field rule is broken; every broken rule is listed.</exception>
    public static PortfolioQuery Read(V1.GetPortfolioMetricsRequest request, DateOnly today)
    {
        var v = new Violations();
        var period = request.Period;
        DateOnly? start = null, end = null;
        var kind = PeriodKind.Unspecified;
        if (period is null) v.Add("period", "is required");
        else
        {
            if (period.Kind == V1.PeriodKind.Unspecified) v.Add(
                "period.kind", "is required: MONTH, QUARTER, YEAR or RANGE");
            else if (ProtoConvert.IsDefined(v, "period.kind", period.Kind)) kind = (PeriodKind)period.Kind;
            end = ProtoConvert.ReadDate(v, "period.end_date", period.EndDate, required: false);
            if (kind == PeriodKind.Range) start = ProtoConvert.ReadDate(
                v, "period.start_date", period.StartDate, required: true);
            else if (period.StartDate is not null && kind != PeriodKind.Unspecified) v.Add(
                "period.start_date", "is only given with RANGE (a month, quarter or year starts on its first day)");
        }
        if (start is { } first && end is { } last && last.DayNumber - first.DayNumber + 1 > Limits.RangeDays)
            v.Add("period.end_date", $"a RANGE period may span at most {Limits.RangeDays} days");
        ProtoConvert.IsDefined(v, "cs_tier", request.CsTier);
        v.Text("segment", request.Segment, Limits.Segment);
        v.Text("owner", request.Owner, Limits.Owner)
            .Identifier("parent_account_id", request.ParentAccountId, optional: true);
        var conversion = ReadConversion(v, request);
        v.ThrowIfAny();

        var asOf = end ?? today;
        var reportingPeriod = kind == PeriodKind.Range ? ReportingPeriod.Between(start!.Value, asOf)
            : ReportingPeriod.ToDate(kind, asOf);
        var filter = new PortfolioFilter(
            request.CsTier == V1.CsTier.Unspecified ? null : AccountMapping.ToDomain(request.CsTier),
            string.IsNullOrWhiteSpace(request.Segment) ? null : request.Segment.Trim(),
            string.IsNullOrWhiteSpace(request.Owner) ? null : request.Owner.Trim(),
            ChurnedInBands: request.IncludeChurned);
        var tree = string.IsNullOrEmpty(request.ParentAccountId) ? null : request.ParentAccountId;
        return new PortfolioQuery(reportingPeriod, filter, conversion, tree);
    }

    /// <summary>
    /// The conversion a report uses: the request's own, completed by the stored exchange-rate table when the request
    /// names no reporting currency or the table's (the request's rates win); with the table's version, 0 when unused.
    /// See docs/adr/0056-exchange-rate-table-and-reporting-currency.md.
    /// </summary>
    public static (CurrencyConversion? Conversion, int RatesVersion) WithStoredRates(
        CurrencyConversion? requested, ExchangeRates stored)
    {
        if (stored.Version == 0) return (requested, 0);
        if (requested is null) return (new CurrencyConversion(stored.ReportingCurrency, stored.Rates), stored.Version);
        if (requested.ReportingCurrency != stored.ReportingCurrency) return (requested, 0);
        var rates = new Dictionary<string, decimal>(stored.Rates, StringComparer.Ordinal);
        foreach (var (currency, rate) in requested.Rates) rates[currency] = rate;
        return (new CurrencyConversion(requested.ReportingCurrency, rates), stored.Version);
    }

    private static CurrencyConversion? ReadConversion(Violations v, V1.GetPortfolioMetricsRequest request)
    {
        var currency = request.CurrencyCode;
        if (string.IsNullOrEmpty(currency))
        {
            if (request.ConversionRates.Count > 0) v.Add(
                "currency_code", "is required with conversion_rates: the currency the rates convert to");
            return null;
        }
        var valid = true;
        if (!Currencies.IsKnown(currency))
        {
            v.Add("currency_code",
                $"must be an active ISO 4217 code in upper case, such as USD or EUR (got {Excerpt.Of(currency)})");
            valid = false;
        }
        var rates = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (request.ConversionRates.Count > Limits.ConversionRates)
        {
            v.Add("conversion_rates",
                $"may hold at most {Limits.ConversionRates} rates (got {request.ConversionRates.Count})");
            return null;
        }
        foreach (var (code, rate) in request.ConversionRates)
        {
            // A key is named in the field path only when it is short and printable (the description quotes it).
            var field = code.Length <= 8 && !code.Any(char.IsControl) ? $"conversion_rates[{code}]"
                : "conversion_rates";
            if (!Currencies.IsKnown(code))
            {
                v.Add(field, $"{Excerpt.Of(code)} is not an active ISO 4217 code in upper case");
                valid = false;
            }
            else if (!double.IsFinite(rate) || rate <= 0
                || rate > Limits.ConversionRate)
            {
                v.Add(
                    field, "must be a finite rate above zero (at most 10^12)"); valid = false;
            }
            else if (code == currency
                && rate != 1)
            {
                v.Add(
                    field, "must be 1 for the reporting currency itself (or be left out)"); valid = false;
            }
            else rates[code] = (decimal)rate;
        }
        return valid ? new CurrencyConversion(currency, rates) : null;
    }
}
