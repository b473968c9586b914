using CustomerHealth.Domain.Common;
using Microsoft.Extensions.Options;

namespace CustomerHealth.Infrastructure.Currency;

/// <summary>
/// The <c>Currencies</c> configuration section, checked at start-up by <see cref="CurrencyOptionsValidator"/>.
/// </summary>
public sealed class CurrencyOptions
{
    public const string Section = "Currencies";

    /// <summary>
    /// The currency tier thresholds, portfolio metrics and list rows are stated in (ISO 4217, upper case). The stored
    /// exchange rates convert to it; a stored set made for another reporting currency is not used.
    /// </summary>
    public string ReportingCurrency { get; set; } = "USD";
}

/// <summary>The rules of <see cref="CurrencyOptions"/>; every broken one is reported, each naming its key.</summary>
public sealed class CurrencyOptionsValidator : IValidateOptions<CurrencyOptions>
{
    public ValidateOptionsResult Validate(string? name, CurrencyOptions options) =>
        Domain.Common.Currencies.IsKnown(options.ReportingCurrency)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{CurrencyOptions.Section}:{nameof(options.ReportingCurrency)} must be an active ISO 4217 code in "
                + $"upper case, such as USD or EUR (got {Excerpt.Of(options.ReportingCurrency)})");
}
