using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Metrics;

namespace CustomerHealth.Domain.Renewals;

/// <summary>
/// One open contract as the forecast sees it: the same prediction a row of the upcoming-renewals list shows, with its
/// amounts in the contract's currency. <paramref name="ExpectedArr"/> is the prediction's stored expected renewal ARR
/// (probability × ARR × ARR change ratio), taken as is so that the forecast adds up exactly what the list shows.
/// </summary>
public sealed record ForecastLine(
    string ContractId,
    DateOnly RenewalDate,
    Money Arr,
    decimal ExpectedArr,
    double Probability,
    double ArrChangeRatio,
    CsTier Tier,
    string? Owner);

/// <summary>
/// The forecast figures of a set of open contracts, in the reporting currency (each contract converted, unrounded):
/// <list type="bullet">
/// <item><b>ARR</b> = Σ ARR: what comes up for renewal.</item>
/// <item><b>Expected</b> = Σ p × ARR × r (the list's expected renewal ARR; p the probability of renewal, r the ARR
/// change ratio of renewals in the tier's history).</item>
/// <item><b>Best case</b> = Σ ARR × r: every contract renews.</item>
/// <item><b>Committed</b> = Σ ARR × r over the committed contracts: those with p ≥ the commit probability.</item>
/// <item><b>Worst case</b> = Σ p × ARR × r over the committed contracts only: nothing else renews, and even the
/// committed ones only at their expected value.</item>
/// </list>
/// So worst ≤ expected ≤ best and worst ≤ committed ≤ best.
/// </summary>
public sealed record ForecastFigures(
    int Contracts, int CommittedContracts, decimal Arr, decimal Expected, decimal BestCase, decimal Committed,
    decimal WorstCase)
{
    public static ForecastFigures Zero { get; } = new(0, 0, 0m, 0m, 0m, 0m, 0m);

    public ForecastFigures Add(ForecastFigures other) => new(
        Contracts + other.Contracts, CommittedContracts + other.CommittedContracts, Arr + other.Arr,
        Expected + other.Expected, BestCase + other.BestCase, Committed + other.Committed, WorstCase + other.WorstCase);
}

/// <summary>A calendar quarter (1–4) of a year: January–March is quarter 1.</summary>
public readonly record struct CalendarQuarter(int Year, int Quarter)
{
    public static CalendarQuarter Of(DateOnly day) => new(day.Year, (day.Month + 2) / 3);

    public DateOnly FirstDay => new(Year, Quarter * 3 - 2, 1);
}

/// <summary>
/// The renewal forecast of the open contracts a filter and window select: totals, and the same figures by calendar
/// quarter of the renewal date, by owner and by tier (each grouping adds up to the totals).
/// </summary>
/// <param name="Currency">The reporting currency of every amount.</param>
/// <param name="CommitProbability">The probability of renewal from which a contract counts as committed.</param>
/// <param name="ByOwner">
/// Owners by expected ARR, largest first (ties by name), at most <see cref="RenewalForecast.MaxOwners"/>; accounts
/// without an owner are the row with a null owner. The owners beyond the cap are added up in
/// <paramref name="OtherOwners"/>.
/// </param>
/// <param name="OtherOwnerCount">How many owners <paramref name="OtherOwners"/> adds up (0: none left out).</param>
public sealed record RenewalForecast(
    string Currency,
    double CommitProbability,
    ForecastFigures Total,
    IReadOnlyList<(CalendarQuarter Quarter, ForecastFigures Figures)> ByQuarter,
    IReadOnlyList<(string? Owner, ForecastFigures Figures)> ByOwner,
    IReadOnlyList<(CsTier Tier, ForecastFigures Figures)> ByTier,
    int OtherOwnerCount,
    ForecastFigures OtherOwners)
{
    /// <summary>The most owner rows a forecast lists, which bounds its size.</summary>
    public const int MaxOwners = 500;

    /// <summary>The default commit probability: the low-risk boundary (<see cref="RenewalRisks.LowFrom"/>).</summary>
    public const double DefaultCommitProbability = RenewalRisks.LowFrom;

    /// <summary>
    /// Adds up the lines. A pure function: amounts are converted with <paramref name="conversion"/> when given (every
    /// currency needs a rate: <c>EXCHANGE_RATE_MISSING</c> otherwise); without one, all lines must share one currency
    /// (<c>MIXED_CURRENCIES</c> otherwise), which is then the reporting currency, <paramref name="fallbackCurrency"/>
    /// when there is no line. A contract of an unspecified tier counts as tech-touch, as in the list.
    /// </summary>
    public static RenewalForecast Compute(
        IReadOnlyList<ForecastLine> lines, double commitProbability, CurrencyConversion? conversion,
        string fallbackCurrency)
    {
        if (commitProbability is < 0 or > 1 || double.IsNaN(commitProbability))
            throw new ArgumentOutOfRangeException(nameof(commitProbability), "must be from 0 to 1");
        var (currency, rate) = ReportingCurrency(lines, conversion, fallbackCurrency);
        var figures = lines.Select(l => (Line: l, Figures: FiguresOf(l, rate(l.Arr.Currency), commitProbability)))
            .ToArray();
        var total = Sum(figures.Select(f => f.Figures));
        var byQuarter = figures.GroupBy(f => CalendarQuarter.Of(f.Line.RenewalDate)).OrderBy(g => g.Key.FirstDay)
            .Select(g => (g.Key, Sum(g.Select(f => f.Figures)))).ToArray();
        var byTier = figures.GroupBy(f => f.Line.Tier == CsTier.Unspecified ? CsTier.TechTouch : f.Line.Tier)
            .OrderBy(g => g.Key).Select(g => (g.Key, Sum(g.Select(f => f.Figures)))).ToArray();
        var owners = figures.GroupBy(f => f.Line.Owner ?? "", StringComparer.Ordinal)
            .Select(g => (Owner: g.Key.Length == 0 ? null : g.Key, Figures: Sum(g.Select(f => f.Figures))))
            .OrderByDescending(o => o.Figures.Expected).ThenBy(o => o.Owner ?? "", StringComparer.Ordinal)
            .ToArray();
        var others = owners.Skip(MaxOwners).ToArray();
        return new RenewalForecast(
            currency, commitProbability, total, byQuarter, [.. owners.Take(MaxOwners)], byTier, others.Length,
            Sum(others.Select(o => o.Figures)));
    }

    private static ForecastFigures FiguresOf(ForecastLine line, decimal rate, double commitProbability)
    {
        var arr = line.Arr.Amount * rate;
        var expected = line.ExpectedArr * rate;
        var best = arr * (decimal)line.ArrChangeRatio;
        var committed = line.Probability >= commitProbability;
        return new ForecastFigures(
            1, committed ? 1 : 0, arr, expected, best, committed ? best : 0m, committed ? expected : 0m);
    }

    private static ForecastFigures Sum(IEnumerable<ForecastFigures> figures) =>
        figures.Aggregate(ForecastFigures.Zero, (sum, f) => sum.Add(f));

    private static (string Currency, Func<string, decimal> Rate) ReportingCurrency(
        IReadOnlyList<ForecastLine> lines, CurrencyConversion? conversion, string fallbackCurrency)
    {
        var currencies = lines.Select(l => l.Arr.Currency).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal).ToArray();
        if (conversion is null)
        {
            if (currencies.Length > 1)
            {
                throw new RuleViolationException("MIXED_CURRENCIES",
                    $"The selected contracts are in {currencies.Length} currencies ({string.Join(", ", currencies)});"
                    + " set exchange rates to the reporting currency (CurrencyService.SetExchangeRates)"
                    + " to add them up.",
                    new Dictionary<string, string> { ["currencies"] = string.Join(",", currencies) });
            }
            return (currencies.SingleOrDefault() ?? fallbackCurrency, _ => 1m);
        }
        var missing = currencies.Where(c => conversion.RateOf(c) is null).ToArray();
        if (missing.Length > 0)
        {
            throw new RuleViolationException("EXCHANGE_RATE_MISSING",
                $"The exchange rates to {conversion.ReportingCurrency} have no rate for {string.Join(", ", missing)};"
                + " the forecast needs one for every currency of the selected contracts.",
                new Dictionary<string, string>
                {
                    ["currencies"] = string.Join(",", missing),
                    ["reporting_currency"] = conversion.ReportingCurrency,
                });
        }
        return (conversion.ReportingCurrency, c => conversion.RateOf(c)!.Value);
    }
}
