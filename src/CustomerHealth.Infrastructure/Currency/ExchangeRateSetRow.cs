namespace CustomerHealth.Infrastructure.Currency;

/// <summary>
/// One version of the exchange-rate table (table <c>exchange_rate_sets</c>): the rates to its reporting currency as one
/// JSON document (<c>{"EUR":1.08,...}</c>), always read and written whole, with the day they were quoted for and who
/// set them. Versions only grow; the newest one is in force.
/// </summary>
public sealed class ExchangeRateSetRow
{
    public int Version { get; init; }
    public required string ReportingCurrency { get; init; }
    public DateOnly AsOfDate { get; init; }
    public required string RatesJson { get; init; }
    public required string SetBy { get; init; }
    public DateTime SetAt { get; init; }
}
