using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Onboarding;
using CustomerHealth.Infrastructure.Onboarding;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Accounts;

/// <summary>What a batch write did with one item.</summary>
public enum BatchOutcome
{
    Created = 1,
    Updated = 2,
    Unchanged = 3,
    Rejected = 4,
}

/// <summary>One item of a batch, read: its position in the request and its input.</summary>
public sealed record BatchItem<T>(int Index, T Input);

/// <summary>The result of one item: what happened, and for a rejected one the caller's mistake (a
/// <see cref="DomainException"/>).</summary>
public sealed record BatchItemResult(int Index, BatchOutcome Outcome, DomainException? Error = null);

/// <summary>
/// The bulk CRM writes: many accounts, contracts or renewal outcomes per call, each item with the rules and effects of
/// its unary write in <see cref="AccountStore"/> (the same domain methods, tier derivation, first onboarding plan, and
/// recompute marks through <see cref="Health.HealthDirtyMarker"/>), but with a few set-based reads for the whole batch
/// instead of several per item, and one <c>SaveChanges</c>: the items not rejected commit together or not at all. The
/// reads happen before the write transaction starts, so a SQLite write lock is held only while the rows are written
/// (docs/adr/0054). Items apply in order: a repeated id sees the earlier item's result.
/// </summary>
public sealed class AccountBatchWriter(
    CustomerHealthDbContext db,
    TimeProvider clock,
    TierThresholds thresholds,
    OnboardingStore onboarding,
    Currency.ExchangeRateStore rates)
{
    /// <summary>How often a batch that lost a race (an id another caller inserted between the reads and the write)
    /// starts over.</summary>
    private const int MaxAttempts = 3;

    public Task<IReadOnlyList<BatchItemResult>> UpsertAccountsAsync(
        IReadOnlyList<BatchItem<AccountDetails>> items, CancellationToken ct) =>
        SaveWithRetriesAsync(async (now, token) =>
        {
            var ids = items.Select(i => i.Input.AccountId).Distinct(StringComparer.Ordinal).ToArray();
            var accounts = await db.Accounts.Where(a => ids.Contains(a.Id))
                .ToDictionaryAsync(a => a.Id, StringComparer.Ordinal, token);
            var stored = accounts.Keys.ToArray();
            var contracts = (await db.Contracts.AsNoTracking().Where(c => stored.Contains(c.AccountId))
                    .ToListAsync(token))
                .ToLookup(c => c.AccountId, StringComparer.Ordinal);
            var today = DateOnly.FromDateTime(now);
            // Tiers compare ARR in the reporting currency: one read of the rates in force serves the batch.
            var table = await rates.CurrentAsync(token);
            var results = new List<BatchItemResult>(items.Count);
            var links = new ParentLinks(db); // the earlier items' parent links, for the later items' checks
            foreach (var (index, details) in items)
            {
                BatchOutcome outcome;
                var before = accounts.GetValueOrDefault(details.AccountId);
                if (details.ParentAccountId is { } parentId && parentId != before?.ParentId)
                {
                    try
                    {
                        await links.CheckAsync(details.AccountId, parentId, token);
                    }
                    catch (DomainException rejected)
                    {
                        results.Add(new BatchItemResult(index, BatchOutcome.Rejected, rejected));
                        continue;
                    }
                }
                if (accounts.TryGetValue(details.AccountId, out var account))
                {
                    outcome = account.Update(details, now) ? BatchOutcome.Updated : BatchOutcome.Unchanged;
                }
                else
                {
                    account = Account.Create(details, now);
                    db.Accounts.Add(account);
                    accounts.Add(account.Id, account);
                    outcome = BatchOutcome.Created;
                }
                var current = Contract.CurrentOf(contracts[account.Id], today);
                if (account.RefreshEffectiveTier(current, thresholds, table, now) && outcome == BatchOutcome.Unchanged)
                    outcome = BatchOutcome.Updated;
                links.Set(account.Id, account.ParentId);
                results.Add(new BatchItemResult(index, outcome));
            }
            return results;
        }, ct);

    public Task<IReadOnlyList<BatchItemResult>> UpsertContractsAsync(
        IReadOnlyList<BatchItem<ContractTerms>> items, CancellationToken ct) =>
        SaveWithRetriesAsync(async (now, token) =>
        {
            var accountIds = items.Select(i => i.Input.AccountId).Distinct(StringComparer.Ordinal).ToArray();
            var contractIds = items.Select(i => i.Input.ContractId).Distinct(StringComparer.Ordinal).ToArray();
            var accounts = await db.Accounts.Where(a => accountIds.Contains(a.Id))
                .ToDictionaryAsync(a => a.Id, StringComparer.Ordinal, token);
            var contracts = new ContractsByAccount(await db.Contracts
                .Where(c => accountIds.Contains(c.AccountId) || contractIds.Contains(c.Id)).ToListAsync(token));
            var planned = (await db.OnboardingPlans.AsNoTracking().Where(p => accountIds.Contains(p.AccountId))
                .Select(p => p.AccountId).ToListAsync(token)).ToHashSet(StringComparer.Ordinal);
            var withUsage = await onboarding.WithUsageAsync(
                accounts.Keys.Where(id => !planned.Contains(id)).ToArray(), token);
            var templates = new Dictionary<CsTier, PlanTemplate>();
            var today = DateOnly.FromDateTime(now);
            // Tiers compare ARR in the reporting currency: one read of the rates in force serves the batch.
            var table = await rates.CurrentAsync(token);
            var results = new List<BatchItemResult>(items.Count);
            foreach (var (index, terms) in items)
            {
                try
                {
                    var account = accounts.GetValueOrDefault(terms.AccountId)
                        ?? throw new NotFoundException("Account", terms.AccountId);
                    var outcome = contracts.Upsert(terms, now, db);
                    var ofAccount = contracts.Of(account.Id);
                    account.RefreshEffectiveTier(Contract.CurrentOf(ofAccount, today), thresholds, table, now);
                    // The first contract starts the account's 90-day onboarding plan.
                    if (planned.Add(account.Id))
                    {
                        await onboarding.AddInitialPlanAsync(account, ofAccount.Min(c => c.StartDate),
                            withUsage.Contains(account.Id), templates, token);
                    }
                    results.Add(new BatchItemResult(index, outcome));
                }
                catch (DomainException rejected)
                {
                    results.Add(new BatchItemResult(index, BatchOutcome.Rejected, rejected));
                }
            }
            return results;
        }, ct);

    public Task<IReadOnlyList<BatchItemResult>> RecordRenewalOutcomesAsync(
        IReadOnlyList<BatchItem<(string ContractId, RenewalOutcomeInput Input)>> items, CancellationToken ct) =>
        SaveWithRetriesAsync(async (now, token) =>
        {
            var named = items.SelectMany(i => new[] { i.Input.ContractId, i.Input.Input.RenewalContractId ?? "" })
                .Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
            var byId = await db.Contracts.Where(c => named.Contains(c.Id))
                .ToDictionaryAsync(c => c.Id, StringComparer.Ordinal, token);
            var accountIds = items.Select(i => byId.GetValueOrDefault(i.Input.ContractId)?.AccountId)
                .OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
            var accounts = await db.Accounts.Where(a => accountIds.Contains(a.Id))
                .ToDictionaryAsync(a => a.Id, StringComparer.Ordinal, token);
            // Tracked like the named ones: identity resolution hands back the same instances for those.
            var contracts = new ContractsByAccount(
                await db.Contracts.Where(c => accountIds.Contains(c.AccountId)).ToListAsync(token));
            var today = DateOnly.FromDateTime(now);
            // Tiers compare ARR in the reporting currency: one read of the rates in force serves the batch.
            var table = await rates.CurrentAsync(token);
            var results = new List<BatchItemResult>(items.Count);
            foreach (var (index, (contractId, input)) in items)
            {
                try
                {
                    var contract = byId.GetValueOrDefault(contractId)
                        ?? throw new NotFoundException("Contract", contractId);
                    var successor = input.RenewalContractId is { Length: > 0 } s ? byId.GetValueOrDefault(s) : null;
                    var first = contract.Outcome is null;
                    var outcome = !contract.RecordOutcome(input, now, successor?.AccountId) ? BatchOutcome.Unchanged
                        : first ? BatchOutcome.Created : BatchOutcome.Updated;
                    var account = accounts[contract.AccountId];
                    var current = Contract.CurrentOf(contracts.Of(account.Id), today);
                    account.RefreshEffectiveTier(current, thresholds, table, now);
                    results.Add(new BatchItemResult(index, outcome));
                }
                catch (DomainException rejected)
                {
                    results.Add(new BatchItemResult(index, BatchOutcome.Rejected, rejected));
                }
            }
            return results;
        }, ct);

    /// <summary>
    /// Applies the batch to a fresh unit of work and saves it in one <c>SaveChanges</c> (one transaction). A unique-key
    /// conflict means another caller stored an id between the reads and the write: the batch starts over from fresh
    /// reads (those items are then updates or unchanged). A database that is away is left to the caller's error
    /// mapping (UNAVAILABLE); a batch that keeps losing races ends ABORTED, for the client to retry. Either way nothing
    /// of the batch was written.
    /// </summary>
    private async Task<IReadOnlyList<BatchItemResult>> SaveWithRetriesAsync(
        Func<DateTime, CancellationToken, Task<List<BatchItemResult>>> apply, CancellationToken ct)
    {
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        // One DetectChanges before saving, not one per look at the tracker (the recompute marker looks per entry).
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                db.ChangeTracker.Clear();
                var results = await apply(clock.GetUtcNow().UtcDateTime, ct);
                db.ChangeTracker.DetectChanges();
                try
                {
                    await db.SaveChangesAsync(ct);
                    return results;
                }
                catch (DbUpdateException ex) when (ex is not DbUpdateConcurrencyException
                    && !DatabaseOutages.IsUnavailable(ex))
                {
                    if (attempt == MaxAttempts)
                    {
                        throw new DbUpdateConcurrencyException(
                            "Concurrent writes of the same ids kept winning over this batch "
                            + $"({MaxAttempts} attempts); retry it.",
                            ex);
                    }
                }
            }
        }
        finally
        {
            db.ChangeTracker.Clear();
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    /// <summary>The contracts a batch works on, by id and by account, new ones included.</summary>
    private sealed class ContractsByAccount
    {
        private readonly Dictionary<string, Contract> _byId = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<Contract>> _byAccount = new(StringComparer.Ordinal);

        public ContractsByAccount(IEnumerable<Contract> stored)
        {
            foreach (var contract in stored) Add(contract);
        }

        public IReadOnlyList<Contract> Of(string accountId) => _byAccount.GetValueOrDefault(accountId) ?? [];

        /// <summary>Creates the contract or replaces its terms, as <see cref="AccountStore.UpsertContractAsync"/>
        /// does.</summary>
        public BatchOutcome Upsert(ContractTerms terms, DateTime now, CustomerHealthDbContext db)
        {
            if (_byId.TryGetValue(terms.ContractId, out var contract))
                return contract.UpdateTerms(terms, now) ? BatchOutcome.Updated : BatchOutcome.Unchanged;
            contract = Contract.Create(terms, now);
            db.Contracts.Add(contract);
            Add(contract);
            return BatchOutcome.Created;
        }

        private void Add(Contract contract)
        {
            _byId[contract.Id] = contract;
            if (!_byAccount.TryGetValue(contract.AccountId, out var list)) _byAccount[contract.AccountId] = list = [];
            list.Add(contract);
        }
    }
}
