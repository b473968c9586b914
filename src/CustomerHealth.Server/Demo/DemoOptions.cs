using System.Globalization;
using CustomerHealth.Synthetic;
using Microsoft.Extensions.Options;

namespace CustomerHealth.Server.Demo;

/// <summary>
/// Demo mode (<c>Demo:*</c>, or <c>--demo</c> on the command line): fill an empty database with a synthetic portfolio
/// (account ids <c>demo-000001</c> on). The server writes no ground truth; the lab tools make it from the same
/// settings, on the same UTC day: <c>generate --write none --accounts 300 --seed 42 --activity-days 180 --prefix demo-
/// --archetype mixed --self-serve-share 0.75</c>. Three quarters of the accounts are self-serve on monthly plans, so
/// the portfolio has years of renewal outcomes (over 50 churns and 50 renewals) for few events, and the renewal model
/// trains by itself and can pass its quality gate; the training lead is <see cref="RenewalLeadDays"/> unless
/// <c>Renewals:LeadDays</c> is set (a lead must be shorter than the contracts' median term, here a month).
/// </summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; }

    public int Accounts { get; set; } = 300;

    /// <summary>Days of usage, NPS, tickets and touchpoints before today (contracts go back two years).</summary>
    public int ActivityDays { get; set; } = 180;

    public int Seed { get; set; } = 42;

    /// <summary>The kinds of business: <c>b2b</c>, <c>self-serve</c> or <c>mixed</c> (see the generator's
    /// <c>--archetype</c>).</summary>
    public string Archetype { get; set; } = "mixed";

    /// <summary>With <c>mixed</c>: the share of self-serve accounts.</summary>
    public double SelfServeShare { get; set; } = 0.75;

    /// <summary>The renewal model's training lead in demo mode when <c>Renewals:LeadDays</c> is not set.</summary>
    public int RenewalLeadDays { get; set; } = 7;

    /// <summary>The generator's options for today's demo portfolio.</summary>
    public PortfolioOptions Portfolio(DateOnly today) => new()
    {
        Accounts = Accounts,
        Seed = Seed,
        ActivityDays = ActivityDays,
        Today = today,
        AccountPrefix = "demo-",
        Source = "demo",
        Mix = PortfolioOptions.MixNames[Archetype],
        SelfServeShare = SelfServeShare,
    };
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
        if (!PortfolioOptions.MixNames.ContainsKey(options.Archetype ?? ""))
            result.AddError(Text($"{Key(nameof(options.Archetype))} must be b2b, self-serve or mixed"));
        if (options.SelfServeShare is < 0 or > 1)
            result.AddError(Text($"{Key(nameof(options.SelfServeShare))} must be from 0 to 1"));
        if (options.RenewalLeadDays is < 1 or > 365)
            result.AddError(Text($"{Key(nameof(options.RenewalLeadDays))} must be from 1 to 365"));
        return result.Build();
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Key(string property) => $"{DemoOptions.Section}:{property}";
}
