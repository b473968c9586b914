using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Tests;

public sealed class ContractTests
{
    private static readonly DateTime Now = new(2026, 3, 15, 10, 0, 0, DateTimeKind.Utc);

    private static Contract ContractOf(
        string id = "c1", decimal arr = 24_000m, string start = "2026-01-01", string end = "2027-01-01",
        string currency = "USD") =>
        Contract.Create(
            new ContractTerms(id, "acme", new Money(arr, currency), 40, DateOnly.Parse(start), DateOnly.Parse(end)),
            Now);

    [Fact]
    public void TheRenewalDateIsTheFirstDayAfterTheTerm()
    {
        var contract = ContractOf(start: "2026-01-01", end: "2027-01-01");

        Assert.Equal(ContractStatus.Upcoming, contract.StatusOn(new DateOnly(2025, 12, 31)));
        Assert.Equal(ContractStatus.Active, contract.StatusOn(new DateOnly(2026, 1, 1)));
        Assert.Equal(ContractStatus.Active, contract.StatusOn(new DateOnly(2026, 12, 31)));
        Assert.Equal(ContractStatus.AwaitingOutcome, contract.StatusOn(new DateOnly(2027, 1, 1)));
    }

    [Fact]
    public void ATermMustEndAfterItStarts()
    {
        var ex = Assert.Throws<ValidationException>(() => ContractOf(start: "2026-01-01", end: "2026-01-01"));

        Assert.Equal("contract.end_date", ex.Violations.Single().Field);
    }

    [Theory]
    [InlineData(30_000, ArrChange.Expansion)]
    [InlineData(24_000, ArrChange.Flat)]
    [InlineData(12_000, ArrChange.Contraction)]
    public void ARenewalIsClassifiedAgainstThePreviousArr(decimal newArr, ArrChange expected)
    {
        var contract = ContractOf(arr: 24_000m);

        contract.RecordOutcome(
            new RenewalOutcomeInput(RenewalOutcomeKind.Renewed, new Money(newArr, "USD"), null, null, null), Now);

        Assert.Equal(expected, contract.Outcome!.ChangeFrom(contract.ArrAmount));
        Assert.Equal(contract.EndDate, contract.Outcome.DecisionDate);
        Assert.Equal(ContractStatus.Renewed, contract.StatusOn(new DateOnly(2026, 6, 1)));
    }

    [Fact]
    public void AChurnLosesTheWholeArr()
    {
        var contract = ContractOf();

        contract.RecordOutcome(
            new RenewalOutcomeInput(
                RenewalOutcomeKind.Churned, null, new DateOnly(2026, 12, 1), null, "  went elsewhere  "), Now);

        Assert.Equal(ArrChange.Churn, contract.Outcome!.ChangeFrom(contract.ArrAmount));
        Assert.Equal(0m, contract.Outcome.NewArr);
        Assert.Equal("went elsewhere", contract.Outcome.Note);
    }

    [Fact]
    public void RecordingTheSameOutcomeTwiceChangesNothing()
    {
        var contract = ContractOf();
        var input = new RenewalOutcomeInput(RenewalOutcomeKind.Renewed, new Money(26_000m, "USD"), null, "c2", null);
        Assert.True(contract.RecordOutcome(input, Now));

        Assert.False(contract.RecordOutcome(input, Now.AddHours(1)));
        Assert.Equal(Now, contract.Outcome!.RecordedAt);
    }

    [Fact]
    public void ARenewalNeedsANewArrInTheContractsCurrency()
    {
        var contract = ContractOf(currency: "USD");

        var missing = Assert.Throws<ValidationException>(
            () => contract.RecordOutcome(
                new RenewalOutcomeInput(RenewalOutcomeKind.Renewed, null, null, null, null), Now));
        var otherCurrency = Assert.Throws<ValidationException>(
            () => contract.RecordOutcome(
                new RenewalOutcomeInput(RenewalOutcomeKind.Renewed, new Money(1m, "EUR"), null, null, null), Now));
        var churnWithArr = Assert.Throws<ValidationException>(
            () => contract.RecordOutcome(
                new RenewalOutcomeInput(RenewalOutcomeKind.Churned, new Money(1m, "USD"), null, null, null), Now));

        Assert.Equal("new_arr", missing.Violations.Single().Field);
        Assert.Equal("new_arr.currency_code", otherCurrency.Violations.Single().Field);
        Assert.Equal("new_arr", churnWithArr.Violations.Single().Field);
        Assert.Null(contract.Outcome);
    }

    [Fact]
    public void AContractCannotMoveToAnotherAccount()
    {
        var contract = ContractOf();

        var ex = Assert.Throws<RuleViolationException>(() =>
            contract.UpdateTerms(
                new ContractTerms(
                    "c1", "other", new Money(1m, "USD"), 1, new DateOnly(2026, 1, 1), new DateOnly(2027, 1, 1)), Now));

        Assert.Equal("CONTRACT_ACCOUNT_IMMUTABLE", ex.Reason);
        Assert.Equal("acme", contract.AccountId);
    }

    [Fact]
    public void TheCurrentContractIsTheRunningOneThatStartedLast()
    {
        var old = ContractOf("old", start: "2025-01-01", end: "2026-01-01");
        var running = ContractOf("running", start: "2026-01-01", end: "2027-01-01");
        var overlapping = ContractOf("addon", start: "2026-03-01", end: "2027-01-01");
        var next = ContractOf("next", start: "2027-01-01", end: "2028-01-01");

        Assert.Same(overlapping, Contract.CurrentOf([old, running, overlapping, next], new DateOnly(2026, 3, 15)));
        Assert.Same(running, Contract.CurrentOf([old, running, overlapping, next], new DateOnly(2026, 2, 1)));
        Assert.Same(next, Contract.CurrentOf([next], new DateOnly(2026, 3, 15)));
        Assert.Same(old, Contract.CurrentOf([old], new DateOnly(2026, 3, 15)));
        Assert.Null(Contract.CurrentOf([], new DateOnly(2026, 3, 15)));
    }

    [Fact]
    public void AChurnedContractStopsCountingOnceItEnded()
    {
        var churned = ContractOf("gone", start: "2025-01-01", end: "2026-01-01");
        churned.RecordOutcome(new RenewalOutcomeInput(RenewalOutcomeKind.Churned, null, null, null, null), Now);

        Assert.Null(Contract.CurrentOf([churned], new DateOnly(2026, 3, 15)));
        Assert.Same(churned, Contract.CurrentOf([churned], new DateOnly(2025, 6, 1)));
    }
}
