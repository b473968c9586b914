namespace CustomerHealth.Domain.Common;

/// <summary>
/// Exchange rates to one reporting currency: for each other currency, how many units of the reporting currency one unit
/// is worth (JPY → 0.0066 with USD reporting: ¥500,000 is $3,300). A version of the stored rate table, each set with
/// the day its rates were quoted for; version 0 is no table at all (<see cref="None"/>).
/// </summary>
public sealed record ExchangeRates(
    string ReportingCurrency, IReadOnlyDictionary<string, decimal> Rates, int Version = 0, DateOnly? AsOf = null)
{
    /// <summary>The most rates a set holds: one per active currency fits.</summary>
    public const int MaxRates = 200;

    /// <summary>The largest rate accepted (and the smallest is its inverse): far beyond any real pair.</summary>
    public const decimal MaxRate = 1_000_000_000_000m;

    /// <summary>No rates: only amounts already in <paramref name="reportingCurrency"/> convert.</summary>
    public static ExchangeRates None(string reportingCurrency) =>
        new(reportingCurrency, new Dictionary<string, decimal>(StringComparer.Ordinal));

    /// <summary>The rate of <paramref name="currency"/> (1 for the reporting currency itself), or null when
    /// unknown.</summary>
    public decimal? RateOf(string currency) =>
        currency == ReportingCurrency ? 1m : Rates.TryGetValue(currency, out var rate) ? rate : null;

    /// <summary>The amount in the reporting currency, unrounded, or null when its currency has no rate.</summary>
    public decimal? Convert(Money amount) => RateOf(amount.Currency) is { } rate ? amount.Amount * rate : null;

    /// <summary>True when both hold the same reporting currency, as-of day and rates (versions aside).</summary>
    public bool SameAs(ExchangeRates other) =>
        ReportingCurrency == other.ReportingCurrency && AsOf == other.AsOf && Rates.Count == other.Rates.Count
        && Rates.All(r => other.Rates.TryGetValue(r.Key, out var rate) && rate == r.Value);

    /// <summary>Every broken rule of a proposed set, keyed by field path (<c>rates[EUR]</c>).</summary>
    public Violations Validate()
    {
        var v = new Violations();
        if (!Currencies.IsKnown(ReportingCurrency))
            v.Add("reporting_currency_code", $"{Excerpt.Of(ReportingCurrency)} is not an active ISO 4217 code");
        if (Rates.Count > MaxRates) v.Add("rates", $"may hold at most {MaxRates} rates (got {Rates.Count})");
        foreach (var (currency, rate) in Rates.Take(MaxRates + 1))
        {
            var field = currency.Length <= 8 && !currency.Any(char.IsControl) ? $"rates[{currency}]" : "rates";
            if (!Currencies.IsKnown(currency))
                v.Add(field, $"{Excerpt.Of(currency)} is not an active ISO 4217 code in upper case");
            else if (rate <= 0 || rate > MaxRate || rate < 1 / MaxRate)
                v.Add(field, "must be a rate above zero, from 10^-12 to 10^12");
            else if (currency == ReportingCurrency && rate != 1m)
                v.Add(field, "must be 1 for the reporting currency itself (or be left out)");
        }
        return v;
    }
}
