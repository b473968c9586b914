using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Tests;

public sealed class AccountTests
{
    private static readonly DateTime Now = new(2026, 3, 15, 10, 0, 0, DateTimeKind.Utc);

    private static Contract ContractWorth(decimal arr) =>
        Contract.Create(
            new ContractTerms(
                "c", "acme", new Money(arr, "USD"), 10, new DateOnly(2026, 1, 1), new DateOnly(2027, 1, 1)), Now);

    [Fact]
    public void UpdatingWithTheSameDetailsChangesNothing()
    {
        var account = Account.Create(new AccountDetails("acme", " Acme ", "SMB", CsTier.LowTouch, "ann"), Now);

        var changed = account.Update(new AccountDetails("acme", "Acme", "SMB", CsTier.LowTouch, "ann"), Now.AddDays(1));

        Assert.False(changed);
        Assert.Equal(Now, account.UpdatedAt);
    }

    [Fact]
    public void BlankOptionalFieldsAreStoredAsAbsent()
    {
        var account = Account.Create(new AccountDetails("acme", "Acme", "  ", CsTier.Unspecified, ""), Now);

        Assert.Null(account.Segment);
        Assert.Null(account.Owner);
    }

    [Fact]
    public void WithoutAnAssignedTierTheTierIsDerivedFromArr()
    {
        var account = Account.Create(new AccountDetails("acme", "Acme", null, CsTier.Unspecified, null), Now);
        Assert.Equal(CsTier.Unspecified, account.EffectiveTier);

        account.RefreshEffectiveTier(ContractWorth(50_000m), TierThresholds.Default, ExchangeRates.None("USD"), Now);

        Assert.Equal(CsTier.LowTouch, account.EffectiveTier);
        Assert.True(account.TierDerived);
    }

    [Fact]
    public void AnAssignedTierWins()
    {
        var account = Account.Create(new AccountDetails("acme", "Acme", null, CsTier.HighTouch, null), Now);

        account.RefreshEffectiveTier(ContractWorth(500m), TierThresholds.Default, ExchangeRates.None("USD"), Now);

        Assert.Equal(CsTier.HighTouch, account.EffectiveTier);
        Assert.False(account.TierDerived);
    }

    [Theory]
    [InlineData(0, CsTier.TechTouch)]
    [InlineData(9_999.99, CsTier.TechTouch)]
    [InlineData(10_000, CsTier.LowTouch)]
    [InlineData(100_000, CsTier.HighTouch)]
    public void DefaultThresholdsFollowTheThreeSalesMotions(decimal arr, CsTier expected) =>
        Assert.Equal(expected, TierThresholds.Default.Classify(arr));

    [Fact]
    public void ThresholdsMustBeOrdered()
    {
        Assert.Null(TierThresholds.Default.Explain());
        Assert.NotNull(new TierThresholds(50_000m, 20_000m).Explain());
        Assert.NotNull(new TierThresholds(-1m, 20_000m).Explain());
    }

    private static Contract ContractWorth(decimal arr, string currency) =>
        Contract.Create(
            new ContractTerms(
                "c", "acme", new Money(arr, currency), 10, new DateOnly(2026, 1, 1), new DateOnly(2027, 1, 1)),
            Now);

    private static readonly ExchangeRates YenToDollars =
        new("USD", new Dictionary<string, decimal> { ["JPY"] = 0.0066m }, Version: 1);

    [Fact]
    public void ADerivedTierComparesArrInTheReportingCurrency()
    {
        var account = Account.Create(new AccountDetails("acme", "Acme", null, CsTier.Unspecified, null), Now);

        account.RefreshEffectiveTier(ContractWorth(500_000m, "JPY"), TierThresholds.Default, YenToDollars, Now);

        Assert.Equal(CsTier.TechTouch, account.EffectiveTier);
        Assert.False(account.TierUnconverted);
    }

    [Fact]
    public void WithoutARateTheOwnAmountDecidesAndTheTierSaysSo()
    {
        var account = Account.Create(new AccountDetails("acme", "Acme", null, CsTier.Unspecified, null), Now);

        var none = ExchangeRates.None("USD");
        account.RefreshEffectiveTier(ContractWorth(500_000m, "JPY"), TierThresholds.Default, none, Now);
        Assert.Equal(CsTier.HighTouch, account.EffectiveTier);
        Assert.True(account.TierUnconverted);
        Assert.True(account.TierNeedsRateFor(ContractWorth(1m, "JPY"), "USD"));

        // A rate arriving later re-derives it and clears the flag.
        Assert.True(
            account.RefreshEffectiveTier(ContractWorth(500_000m, "JPY"), TierThresholds.Default, YenToDollars, Now));
        Assert.Equal(CsTier.TechTouch, account.EffectiveTier);
        Assert.False(account.TierUnconverted);
    }

    [Fact]
    public void ExchangeRatesRejectUnknownCurrenciesAndRatesOutOfRange()
    {
        var rates = new ExchangeRates(
            "USD", new Dictionary<string, decimal> { ["EUR"] = 0m, ["usd"] = 1m, ["USD"] = 2m });

        var fields = rates.Validate().Items.Select(v => v.Field).ToArray();

        Assert.Equal(["rates[EUR]", "rates[usd]", "rates[USD]"], fields);
        Assert.False(YenToDollars.Validate().Any);
        Assert.Equal(3_300m, YenToDollars.Convert(new Money(500_000m, "JPY")));
        Assert.Null(YenToDollars.Convert(new Money(1m, "EUR")));
    }
}
