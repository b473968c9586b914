using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Currency;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Onboarding;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Accounts;

/// <summary>Filters of an account listing; null means "any". <paramref name="AccountIds"/> holds a tree's accounts
/// (<see cref="AccountTrees"/>).</summary>
public sealed record AccountFilter(
    CsTier? Tier, string? Owner, string? Segment, IReadOnlyCollection<string>? AccountIds = null);

/// <summary>A page of results, plus whether more follow.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, bool HasMore, int? TotalSize = null);

/// <summary>Where the previous page of an account's contracts ended.</summary>
public sealed record ContractCursor(DateOnly StartDate, string ContractId);

/// <summary>Reads and writes accounts and contracts. Every write is one transaction; a rejected request writes
/// nothing.</summary>
public sealed class AccountStore(
    CustomerHealthDbContext db, TimeProvider clock, TierThresholds thresholds, OnboardingStore onboarding,
    HealthReadCache healthReads, ExchangeRateStore rates)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;
    private DateOnly Today => DateOnly.FromDateTime(Now);

    public DateOnly CurrentDay => Today;

    /// <summary>
    /// Creates or updates an account and refreshes its tier. Concurrent calls for the same account (a client racing its
    /// own retries, a <c>DeleteAccount</c>) each start over when another one's write came first
    /// (<see cref="LostRaces"/>): the loser of a race to create it updates what the winner inserted.
    /// </summary>
    public Task<(Account Account, bool Created)> UpsertAccountAsync(AccountDetails details, CancellationToken ct) =>
        db.StartOverAsync(() => UpsertAccountOnceAsync(details, ct));

    private async Task<(Account Account, bool Created)> UpsertAccountOnceAsync(AccountDetails details,
        CancellationToken ct)
    {
        var now = Now;
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Id == details.AccountId, ct);
        var created = account is null;
        if (details.ParentAccountId is { } parentId && parentId != account?.ParentId)
            await new ParentLinks(db).CheckAsync(details.AccountId, parentId, ct);
        if (account is null)
        {
            account = Account.Create(details, now);
            db.Accounts.Add(account);
        }
        else
        {
            account.Update(details, now);
        }
        var contracts = created ? [] : await db.Contracts.Where(c => c.AccountId == account.Id).ToListAsync(ct);
        await RefreshTierAsync(account, contracts, now, ct);
        await db.SaveChangesAsync(ct);
        return (account, created);
    }

    public async Task<Account> GetAccountAsync(string accountId, CancellationToken ct) =>
        await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId, ct)
        ?? throw new NotFoundException("Account", accountId);

    public async Task<Page<Account>> ListAccountsAsync(
        AccountFilter filter, int pageSize, string? afterAccountId, CancellationToken ct)
    {
        var query = db.Accounts.AsNoTracking();
        if (filter.Tier is { } tier) query = query.Where(a => a.EffectiveTier == tier);
        if (filter.Owner is { } owner) query = query.Where(a => a.Owner == owner);
        if (filter.Segment is { } segment) query = query.Where(a => a.Segment == segment);
        if (filter.AccountIds is { } ids) query = query.Where(a => ids.Contains(a.Id));
        var total = await query.CountAsync(ct);
        if (afterAccountId is not null) query = query.Where(a => string.Compare(a.Id, afterAccountId) > 0);
        var rows = await query.OrderBy(a => a.Id).Take(pageSize + 1).ToListAsync(ct);
        return new Page<Account>(rows.Take(pageSize).ToArray(), rows.Count > pageSize, total);
    }

    /// <summary>Deletes the account and everything that belongs to it: through the database's cascades, and its usage
    /// events and user-days itself. Its child accounts are detached: they become roots of their own trees.</summary>
    public async Task<(bool Deleted, int DeletedContracts)> DeleteAccountAsync(
        string accountId, Caller caller, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        var result = await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var contracts = await db.Contracts.CountAsync(c => c.AccountId == accountId, ct);
            var deleted = await db.Accounts.Where(a => a.Id == accountId).ExecuteDeleteAsync(ct);
            var now = Now;
            var detached = await db.Accounts.Where(a => a.ParentId == accountId).ExecuteUpdateAsync(
                s => s.SetProperty(a => a.ParentId, (string?)null).SetProperty(a => a.UpdatedAt, now), ct);
            // Usage events and user-days have no foreign key on PostgreSQL (CustomerHealthDbContext). Deleting the
            // account
            // row first waits for any ingestion or rebuild holding it (FOR KEY SHARE) and keeps new ones out, so these
            // see all its rows; elsewhere the cascade has already removed them.
            await db.UsageEvents.Where(e => e.AccountId == accountId).ExecuteDeleteAsync(ct);
            await db.UserDailyActivity.Where(u => u.AccountId == accountId).ExecuteDeleteAsync(ct);
            if (deleted > 0)
            {
                var change = new AuditedChange(
                    AuditAction.AccountDeleted, AuditTargets.Account, accountId,
                    Details: new { DeletedContracts = contracts, DetachedChildren = detached });
                await AuditTrail.WriteAsync(db, caller, change, Now, ct);
            }
            await transaction.CommitAsync(ct);
            return (deleted > 0, deleted > 0 ? contracts : 0);
        });
        healthReads.Invalidate(accountId);
        return result;
    }

    /// <summary>
    /// Creates or updates a contract and refreshes its account's tier; the account's first contract starts its
    /// onboarding plan. Concurrent calls for the same account (a client racing its retry, several contracts at once, a
    /// <c>DeleteAccount</c>) each start over when another one's write came first (<see cref="LostRaces"/>).
    /// </summary>
    public Task<(Contract Contract, bool Created)> UpsertContractAsync(ContractTerms terms, CancellationToken ct) =>
        db.StartOverAsync(() => UpsertContractOnceAsync(terms, ct));

    private async Task<(Contract Contract, bool Created)> UpsertContractOnceAsync(ContractTerms terms,
        CancellationToken ct)
    {
        var now = Now;
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Id == terms.AccountId, ct)
            ?? throw new NotFoundException("Account", terms.AccountId);
        // The contract first, then the account's contracts: one that a concurrent call adds in between is in the
        // second read (then updated, not added twice), and one read first is there too (the same tracked instance), so
        // the list the tier and the plan's start come from holds it.
        var contract = await db.Contracts.SingleOrDefaultAsync(c => c.Id == terms.ContractId, ct);
        var contracts = await db.Contracts.Where(c => c.AccountId == terms.AccountId).ToListAsync(ct);
        contract ??= contracts.SingleOrDefault(c => c.Id == terms.ContractId);
        var created = contract is null;
        if (contract is null)
        {
            contract = Contract.Create(terms, now);
            db.Contracts.Add(contract);
            contracts.Add(contract);
        }
        else
        {
            contract.UpdateTerms(terms, now); // another account's contract: FAILED_PRECONDITION
            // Read before, gone from the second read: deleted with its account meanwhile; the next attempt says so.
            if (!contracts.Contains(contract))
                throw new DbUpdateConcurrencyException($"Contract '{contract.Id}' was deleted meanwhile.");
        }
        await RefreshTierAsync(account, contracts, now, ct);
        // The first contract starts the account's 90-day onboarding plan.
        await onboarding.AddInitialPlanIfMissingAsync(account, contracts.Min(c => c.StartDate), ct);
        await db.SaveChangesAsync(ct);
        return (contract, created);
    }

    public async Task<Contract> GetContractAsync(string contractId, CancellationToken ct) =>
        await db.Contracts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == contractId, ct)
        ?? throw new NotFoundException("Contract", contractId);

    public async Task<Page<Contract>> ListContractsAsync(
        string accountId, int pageSize, ContractCursor? after, CancellationToken ct)
    {
        if (!await db.Accounts.AnyAsync(a => a.Id == accountId, ct)) throw new NotFoundException("Account", accountId);
        var query = db.Contracts.AsNoTracking().Where(c => c.AccountId == accountId);
        if (after is not null)
        {
            query = query.Where(
                c => c.StartDate > after.StartDate
                || (c.StartDate == after.StartDate && string.Compare(c.Id, after.ContractId) > 0));
        }
        var rows = await query.OrderBy(c => c.StartDate).ThenBy(c => c.Id).Take(pageSize + 1).ToListAsync(ct);
        return new Page<Contract>(rows.Take(pageSize).ToArray(), rows.Count > pageSize);
    }

    /// <summary>
    /// Records a contract's renewal outcome and refreshes its account's tier. A <c>DeleteAccount</c> at the same time
    /// makes it start over (<see cref="LostRaces"/>), and then answer NOT_FOUND.
    /// </summary>
    public Task<Contract> RecordRenewalOutcomeAsync(
        string contractId, RenewalOutcomeInput input, CancellationToken ct) =>
        db.StartOverAsync(() => RecordRenewalOutcomeOnceAsync(contractId, input, ct));

    private async Task<Contract> RecordRenewalOutcomeOnceAsync(string contractId, RenewalOutcomeInput input,
        CancellationToken ct)
    {
        var now = Now;
        var contract = await db.Contracts.SingleOrDefaultAsync(c => c.Id == contractId, ct)
            ?? throw new NotFoundException("Contract", contractId);
        string? successorAccountId = null;
        if (input.RenewalContractId is { Length: > 0 } successorId)
        {
            successorAccountId = await db.Contracts.AsNoTracking().Where(c => c.Id == successorId)
                .Select(c => c.AccountId).SingleOrDefaultAsync(ct);
        }
        contract.RecordOutcome(input, now, successorAccountId);
        // Gone since the contract was read: deleted with its account meanwhile.
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Id == contract.AccountId, ct)
            ?? throw new NotFoundException("Contract", contractId);
        var contracts = await db.Contracts.Where(c => c.AccountId == contract.AccountId).ToListAsync(ct);
        await RefreshTierAsync(account, contracts, now, ct);
        await db.SaveChangesAsync(ct);
        return contract;
    }

    /// <summary>Derives the account's tier from its current contract, reading the exchange rates only when the contract
    /// is in another currency than the reporting one.</summary>
    private async Task RefreshTierAsync(
        Account account, IEnumerable<Contract> contracts, DateTime now, CancellationToken ct)
    {
        var current = Contract.CurrentOf(contracts, DateOnly.FromDateTime(now));
        var table = account.TierNeedsRateFor(current, rates.ReportingCurrency)
            ? await rates.CurrentAsync(ct)
            : ExchangeRates.None(rates.ReportingCurrency);
        account.RefreshEffectiveTier(current, thresholds, table, now);
    }
}
