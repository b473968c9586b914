using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Metrics;

namespace CustomerHealth.Domain.Tests.Metrics;

/// <summary>
/// Builds portfolio inputs: accounts, then their contracts in order. An account's first contract start follows from its
/// contracts; <see cref="Renewed"/> and <see cref="Churned"/> record the outcome of the contract added last.
/// </summary>
internal sealed class Portfolio
{
    private readonly List<AccountFacts> _accounts = [];
    private readonly List<ContractFacts> _contracts = [];

    public static DateOnly Day(string iso) => DateOnly.Parse(iso);

    public static ReportingPeriod Month(string asOf) => ReportingPeriod.ToDate(PeriodKind.Month, Day(asOf));
    public static ReportingPeriod Quarter(string asOf) => ReportingPeriod.ToDate(PeriodKind.Quarter, Day(asOf));
    public static ReportingPeriod Year(string asOf) => ReportingPeriod.ToDate(PeriodKind.Year, Day(asOf));

    public PortfolioInputs Inputs => new(_accounts.ToArray(), _contracts.ToArray());

    public Portfolio Account(
        string id, CsTier tier = CsTier.LowTouch, string? segment = "Mid-Market", string? owner = "ana",
        Func<AccountFacts, AccountFacts>? with = null)
    {
        var account = new AccountFacts { AccountId = id, Tier = tier, Segment = segment, Owner = owner };
        _accounts.Add(with is null ? account : with(account));
        return this;
    }

    /// <summary>
    /// An account (its contracts left out) whose first contract started on <paramref name="start"/>, with first value
    /// on <paramref name="firstValue"/> and <paramref name="onTime"/> of <paramref name="due"/> onboarding milestones
    /// done on time.
    /// </summary>
    public Portfolio Starter(string id, string start, string? firstValue, int due = 0, int onTime = 0) =>
        Account(id, with: a => a with
        {
            FirstContractStart = Day(start),
            FirstValueOn = firstValue is null ? null : Day(firstValue),
            MilestonesDue = due,
            MilestonesOnTime = onTime,
        });

    /// <summary>Changes the account added last.</summary>
    public Portfolio With(Func<AccountFacts, AccountFacts> change)
    {
        _accounts[^1] = change(_accounts[^1]);
        return this;
    }

    /// <summary>
    /// A contract of the account added last, from <paramref name="start"/> up to <paramref name="end"/> (not counted).
    /// </summary>
    public Portfolio Contract(decimal arr, string start, string end, string currency = "USD")
    {
        var account = _accounts[^1];
        _contracts.Add(new ContractFacts
        {
            ContractId = $"{account.AccountId}-{_contracts.Count(c => c.AccountId == account.AccountId) + 1}",
            AccountId = account.AccountId,
            Arr = new Money(arr, currency),
            Start = Day(start),
            End = Day(end),
        });
        if (!(account.FirstContractStart <= Day(start))) _accounts[^1] = account with
        {
            FirstContractStart = Day(
            start)
        };
        return this;
    }

    /// <summary>
    /// The last contract renewed with <paramref name="newArr"/> (decided on its end date unless given), and its renewal
    /// contract for a term as long.
    /// </summary>
    public Portfolio Renewed(decimal newArr, string? decidedOn = null)
    {
        var last = _contracts[^1];
        _contracts[^1] = last with
        {
            Outcome = RenewalOutcomeKind.Renewed,
            NewArr = newArr,
            DecidedOn = decidedOn is null ? last.End : Day(decidedOn)
        };
        var months = (last.End.Year - last.Start.Year) * 12 + last.End.Month - last.Start.Month;
        return Contract(
            newArr, $"{last.End:yyyy-MM-dd}", $"{last.End.AddMonths(months):yyyy-MM-dd}", last.Arr.Currency);
    }

    /// <summary>The last contract churned, decided on its end date unless given.</summary>
    public Portfolio Churned(string? decidedOn = null)
    {
        var last = _contracts[^1];
        _contracts[^1] = last with
        {
            Outcome = RenewalOutcomeKind.Churned,
            DecidedOn = decidedOn is null ? last.End
            : Day(decidedOn)
        };
        return this;
    }

    public PortfolioReport Report(
        ReportingPeriod period, PortfolioFilter? filter = null, CurrencyConversion? conversion = null) =>
        PortfolioMetrics.Compute(Inputs, period, filter, conversion);
}
