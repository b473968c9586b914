using System.Globalization;
using CustomerHealth.Synthetic;
using Microsoft.Extensions.Options;

namespace CustomerHealth.Server.Demo;

/// <summary>
/// Demo mode (<c>Demo:*</c>, or <c>--demo</c> on the command line): fill an empty database with a synthetic portfolio
/// (account ids <c>demo-000001</c> on). The server writes no ground truth; the lab tools make it from the same
/// settings, on the same UTC day:
/// <c>generate --write none --accounts 200 --seed 42 --activity-days 90 --prefix demo-</c>.
/// </summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; }

    public int Accounts { get; set; } = 200;

    /// <summary>Days of usage, NPS, tickets and touchpoints before today (contracts go back two years).</summary>
    public int ActivityDays { get; set; } = 90;

    public int Seed { get; set; } = 42;
}

/// <summary>The rules of <see cref="DemoOptions"/>; every broken one is reported, each naming its key.</summary>
public sealed class DemoOptionsValidator : IValidateOptions<DemoOptions>
{
    public const int MaxAccounts = 100_000;

    public ValidateOptionsResult Validate(string? name, DemoOptions options)
    {
        var result = new ValidateOptionsResultBuilder();
        if (options.Accounts is < 1 or > MaxAccounts)
            result.AddError(Text($"{Key(nameof(options.Accounts))} must be from 1 to {MaxAccounts:N0}"));
        if (options.ActivityDays is < 1 or > PortfolioOptions.MaxActivityDays)
        {
            var most = PortfolioOptions.MaxActivityDays;
            result.AddError(Text($"{Key(nameof(options.ActivityDays))} must be from 1 to {most}"));
        }
        return result.Build();
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Key(string property) => $"{DemoOptions.Section}:{property}";
}
