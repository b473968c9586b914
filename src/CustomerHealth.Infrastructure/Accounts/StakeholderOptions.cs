using CustomerHealth.Domain.Accounts;
using Microsoft.Extensions.Options;

namespace CustomerHealth.Infrastructure.Accounts;

/// <summary>
/// The <c>Stakeholders</c> configuration section, checked at start-up by <see cref="StakeholderOptionsValidator"/>.
/// </summary>
public sealed class StakeholderOptions
{
    public const string Section = "Stakeholders";

    /// <summary>
    /// A champion whose linked usage user had no active day for this many days, while other users of the account had
    /// one, went quiet. Default 21; 7 to 60 (the usage history a score reads).
    /// </summary>
    public int ChampionQuietDays { get; set; } = ChampionSignals.DefaultQuietDays;
}

/// <summary>The rules of <see cref="StakeholderOptions"/>; every broken one is reported, naming its key.</summary>
public sealed class StakeholderOptionsValidator : IValidateOptions<StakeholderOptions>
{
    public ValidateOptionsResult Validate(string? name, StakeholderOptions options)
    {
        var result = new ValidateOptionsResultBuilder();
        if (options.ChampionQuietDays is < ChampionSignals.MinQuietDays or > ChampionSignals.MaxQuietDays)
        {
            result.AddError($"{StakeholderOptions.Section}:{nameof(options.ChampionQuietDays)} must be between "
                + $"{ChampionSignals.MinQuietDays} and {ChampionSignals.MaxQuietDays}");
        }
        return result.Build();
    }
}
