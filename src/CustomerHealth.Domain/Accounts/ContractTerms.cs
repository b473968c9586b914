using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Accounts;

/// <summary>
/// The caller-owned terms of a contract. <see cref="EndDate"/> is the renewal date: the first day after the term.
/// </summary>
public sealed record ContractTerms(
    string ContractId, string AccountId, Money Arr, int Seats, DateOnly StartDate, DateOnly EndDate);

/// <summary>Where a contract stands on a given day.</summary>
public enum ContractStatus
{
    Unspecified = 0,
    Upcoming = 1,
    Active = 2,
    AwaitingOutcome = 3,
    Renewed = 4,
    Churned = 5,
}

public enum RenewalOutcomeKind
{
    Unspecified = 0,
    Renewed = 1,
    Churned = 2,
}

/// <summary>How a renewal moved ARR.</summary>
public enum ArrChange
{
    Unspecified = 0,
    Expansion = 1,
    Flat = 2,
    Contraction = 3,
    Churn = 4,
}

/// <summary>
/// What the caller says about a renewal. <see cref="DecisionDate"/> defaults to the contract's end date.
/// </summary>
public sealed record RenewalOutcomeInput(
    RenewalOutcomeKind Kind,
    Money? NewArr,
    DateOnly? DecisionDate,
    string? RenewalContractId,
    string? Note)
{
    public const int MaxNoteLength = 2000;
}

/// <summary>The recorded outcome of a contract's renewal. Churned outcomes carry a new ARR of zero.</summary>
public sealed record RenewalOutcome(
    RenewalOutcomeKind Kind,
    decimal NewArr,
    DateOnly DecisionDate,
    string? RenewalContractId,
    string? Note,
    DateTime RecordedAt)
{
    /// <summary>Expansion, flat, contraction or churn against the ARR the renewed contract had.</summary>
    public ArrChange ChangeFrom(decimal previousArr) =>
        Kind == RenewalOutcomeKind.Churned ? ArrChange.Churn
        : NewArr > previousArr ? ArrChange.Expansion
        : NewArr < previousArr ? ArrChange.Contraction
        : ArrChange.Flat;
}
