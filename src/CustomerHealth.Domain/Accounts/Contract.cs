using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Accounts;

/// <summary>
/// A subscription term of an account: ARR, seats, start and renewal date, and in time its renewal outcome.
/// </summary>
public sealed class Contract
{
    private Contract(
        string id, string accountId, decimal arrAmount, string currency, int seats, DateOnly startDate,
        DateOnly endDate, DateTime createdAt)
    {
        Id = id;
        AccountId = accountId;
        ArrAmount = arrAmount;
        Currency = currency;
        Seats = seats;
        StartDate = startDate;
        EndDate = endDate;
        CreatedAt = createdAt;
        UpdatedAt = createdAt;
    }

    public string Id { get; private set; }
    public string AccountId { get; private set; }
    public decimal ArrAmount { get; private set; }
    public string Currency { get; private set; }
    public Money Arr => new(ArrAmount, Currency);
    public int Seats { get; private set; }
    public DateOnly StartDate { get; private set; }

    /// <summary>The renewal date: the first day after the term.</summary>
    public DateOnly EndDate { get; private set; }

    public RenewalOutcome? Outcome { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public static Contract Create(ContractTerms terms, DateTime now)
    {
        EnsureConsistent(terms);
        return new Contract(
            terms.ContractId, terms.AccountId, terms.Arr.Amount, terms.Arr.Currency, terms.Seats, terms.StartDate,
            terms.EndDate, now);
    }

    /// <summary>
    /// Replaces the terms; returns false (and changes nothing) when they are already equal. A contract cannot move to
    /// another account.
    /// </summary>
    public bool UpdateTerms(ContractTerms terms, DateTime now)
    {
        if (terms.ContractId != Id) throw new InvalidOperationException("A contract's id cannot change.");
        EnsureConsistent(terms);
        if (terms.AccountId != AccountId)
        {
            throw new RuleViolationException(
                "CONTRACT_ACCOUNT_IMMUTABLE",
                $"Contract '{Id}' belongs to account '{AccountId}'; it cannot move to '{terms.AccountId}'. Delete it " +
                $"and create a new contract instead.",
                new Dictionary<string, string> { ["contract_id"] = Id, ["account_id"] = AccountId });
        }
        if (Outcome is not null && terms.Arr.Currency != Currency)
        {
            throw new RuleViolationException(
                "CONTRACT_CURRENCY_LOCKED",
                $"Contract '{Id}' has a recorded renewal outcome in {Currency}; its currency cannot change to " +
                $"{terms.Arr.Currency}.",
                new Dictionary<string, string> { ["contract_id"] = Id, ["currency"] = Currency });
        }
        if (terms.Arr.Amount == ArrAmount && terms.Arr.Currency == Currency && terms.Seats == Seats
            && terms.StartDate == StartDate && terms.EndDate == EndDate)
            return false;
        ArrAmount = terms.Arr.Amount;
        Currency = terms.Arr.Currency;
        Seats = terms.Seats;
        StartDate = terms.StartDate;
        EndDate = terms.EndDate;
        UpdatedAt = now;
        return true;
    }

    /// <summary>
    /// Records, or corrects, the renewal outcome. A renewal needs a new ARR in the contract's currency; a churn has
    /// none. Returns false when the same outcome is already recorded.
    /// </summary>
    /// <param name="successorAccountId">
    /// The account of the stored contract that <see cref="RenewalOutcomeInput.RenewalContractId"/> names, if that one
    /// is stored: a renewal continues the same account.
    /// </param>
    public bool RecordOutcome(RenewalOutcomeInput input, DateTime now, string? successorAccountId = null)
    {
        var violations = new Violations();
        decimal newArr = 0m;
        switch (input.Kind)
        {
            case RenewalOutcomeKind.Renewed when input.NewArr is not { } arr:
                violations.Add("new_arr", "is required when the contract renewed");
                break;
            case RenewalOutcomeKind.Renewed:
                if (input.NewArr.Value.Currency != Currency)
                    violations.Add(
                        "new_arr.currency_code",
                        $"must be the contract's currency {Currency} (got {input.NewArr.Value.Currency})");
                newArr = input.NewArr.Value.Amount;
                break;
            case RenewalOutcomeKind.Churned:
                if (input.NewArr is { Amount: not 0m })
                    violations.Add("new_arr", "must be empty or zero when the contract churned");
                break;
            default:
                violations.Add("kind", "must be RENEWED or CHURNED");
                break;
        }
        if (input.RenewalContractId == Id)
            violations.Add("renewal_contract_id", "must name another contract than the one that renewed");
        else if (successorAccountId is not null && successorAccountId != AccountId)
            violations.Add("renewal_contract_id", $"names a contract of another account ('{successorAccountId}')");
        violations.ThrowIfAny();

        var decisionDate = input.DecisionDate ?? EndDate;
        var note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
        var renewalId = string.IsNullOrEmpty(input.RenewalContractId) ? null : input.RenewalContractId;
        if (Outcome is { } current && current.Kind == input.Kind && current.NewArr == newArr
            && current.DecisionDate == decisionDate
            && current.RenewalContractId == renewalId && current.Note == note)
            return false;
        Outcome = new RenewalOutcome(input.Kind, newArr, decisionDate, renewalId, note, now);
        UpdatedAt = now;
        return true;
    }

    public ContractStatus StatusOn(DateOnly day) =>
        Outcome?.Kind switch
        {
            RenewalOutcomeKind.Renewed => ContractStatus.Renewed,
            RenewalOutcomeKind.Churned => ContractStatus.Churned,
            _ when day < StartDate => ContractStatus.Upcoming,
            _ when day < EndDate => ContractStatus.Active,
            _ => ContractStatus.AwaitingOutcome,
        };

    public bool CoversDay(DateOnly day) => StartDate <= day && day < EndDate;

    /// <summary>
    /// The contract that sets an account's ARR on <paramref name="day"/>: the running one that started last; otherwise
    /// the latest one that has started; otherwise the first upcoming one. Churned contracts no longer count once they
    /// ended.
    /// </summary>
    public static Contract? CurrentOf(IEnumerable<Contract> contracts, DateOnly day)
    {
        Contract? running = null, started = null, upcoming = null;
        foreach (var c in contracts)
        {
            if (c.CoversDay(day))
            {
                if (running is null || Later(c, running)) running = c;
            }
            else if (c.StartDate <= day)
            {
                if (c.Outcome?.Kind != RenewalOutcomeKind.Churned
                    && (started is null || Later(c, started))) started = c;
            }
            else if (upcoming is null || c.StartDate < upcoming.StartDate
                || (c.StartDate == upcoming.StartDate && string.CompareOrdinal(c.Id, upcoming.Id) < 0))
            {
                upcoming = c;
            }
        }
        return running ?? started ?? upcoming;

        static bool Later(Contract a, Contract b) =>
            a.StartDate > b.StartDate || (a.StartDate == b.StartDate && string.CompareOrdinal(a.Id, b.Id) > 0);
    }

    private static void EnsureConsistent(ContractTerms terms)
    {
        if (terms.EndDate <= terms.StartDate) throw new ValidationException(
            "contract.end_date", "must be after start_date");
        if (terms.Seats < 0) throw new ValidationException("contract.seats", "must be zero or more");
        if (terms.Arr.Amount < 0) throw new ValidationException("contract.arr", "must be zero or more");
    }
}
