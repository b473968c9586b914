using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Onboarding;
using CustomerHealth.Infrastructure.Onboarding;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

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
    Currency.ExchangeRateStore rates,
    CrmRowWriter rowWriter)
{
    /// <summary>How often a batch that lost a race (an id another caller inserted between the reads and the write)
    /// starts over.</summary>
    private const int MaxAttempts = 3;

    public Task<IReadOnlyList<BatchItemResult>> UpsertAccountsAsync(
        IReadOnlyList<BatchItem<AccountDetails>> items, CancellationToken ct) =>
        SaveWithRetriesAsync(async (now, created, _, token) =>
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
                    created.Accounts.Add(account);
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
        SaveWithRetriesAsync(async (now, created, updated, token) =>
        {
            var accountIds = items.Select(i => i.Input.AccountId).Distinct(StringComparer.Ordinal).ToArray();
            var contractIds = items.Select(i => i.Input.ContractId).Distinct(StringComparer.Ordinal).ToArray();
            // The accounts change only in their derived tier here: read as plain objects, those changes are written
            // set-based (a stored contract's terms may change too: contracts stay tracked).
            var accounts = await Read(db.Accounts).Where(a => accountIds.Contains(a.Id))
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
                    var outcome = contracts.Upsert(terms, now, created);
                    var ofAccount = contracts.Of(account.Id);
                    if (account.RefreshEffectiveTier(Contract.CurrentOf(ofAccount, today), thresholds, table, now))
                        updated.Tier(account);
                    // The first contract starts the account's 90-day onboarding plan.
                    if (planned.Add(account.Id))
                    {
                        created.Plans.Add(await onboarding.CreateInitialPlanAsync(account,
                            ofAccount.Min(c => c.StartDate), withUsage.Contains(account.Id), templates, token));
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
        SaveWithRetriesAsync(async (now, created, updated, token) =>
        {
            // Only outcomes and derived tiers change here: contracts and accounts are read as plain objects and those
            // changes written set-based.
            var named = items.SelectMany(i => new[] { i.Input.ContractId, i.Input.Input.RenewalContractId ?? "" })
                .Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
            var byId = await Read(db.Contracts).Where(c => named.Contains(c.Id))
                .ToDictionaryAsync(c => c.Id, StringComparer.Ordinal, token);
            var accountIds = items.Select(i => byId.GetValueOrDefault(i.Input.ContractId)?.AccountId)
                .OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
            var accounts = await Read(db.Accounts).Where(a => accountIds.Contains(a.Id))
                .ToDictionaryAsync(a => a.Id, StringComparer.Ordinal, token);
            var stored = await Read(db.Contracts).Where(c => accountIds.Contains(c.AccountId)).ToListAsync(token);
            // One instance per contract: an outcome recorded on a named contract counts for its account's current one.
            foreach (var contract in stored.Where(c => byId.ContainsKey(c.Id))) byId[contract.Id] = contract;
            var contracts = new ContractsByAccount(stored);
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
                    if (outcome != BatchOutcome.Unchanged) updated.Outcome(contract);
                    var account = accounts[contract.AccountId];
                    var current = Contract.CurrentOf(contracts.Of(account.Id), today);
                    if (account.RefreshEffectiveTier(current, thresholds, table, now)) updated.Tier(account);
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
    /// Applies the batch to a fresh unit of work and saves it in one transaction. A unique-key or foreign-key conflict
    /// means another caller stored an id (or deleted an account) between the reads and the write: the batch starts over
    /// from fresh reads (those items are then updates, unchanged or not found). A database that is away is left to the
    /// caller's error mapping (UNAVAILABLE); a batch that keeps losing races ends ABORTED, for the client to retry.
    /// Either way nothing of the batch was written.
    /// </summary>
    private async Task<IReadOnlyList<BatchItemResult>> SaveWithRetriesAsync(
        Func<DateTime, NewCrmRows, CrmUpdates, CancellationToken, Task<List<BatchItemResult>>> apply,
        CancellationToken ct)
    {
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        // One DetectChanges before saving, not one per look at the tracker (the recompute marker looks per entry).
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                db.ChangeTracker.Clear();
                var (created, updated) = (new NewCrmRows(), new CrmUpdates());
                var results = await apply(clock.GetUtcNow().UtcDateTime, created, updated, ct);
                try
                {
                    await SaveAsync(created, updated, ct);
                    return results;
                }
                catch (Exception ex) when (LostARace(ex))
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

    /// <summary>
    /// Saves the batch in one transaction, committed before the call answers: its new rows through the engine's
    /// <see cref="CrmRowWriter"/>, its tier and outcome changes set-based through the same writer, and any other change
    /// (an account's or a contract's fields) through EF Core. Every touched account gets one recompute mark, all added
    /// by the row writer in one statement (EF Core's marker is told to leave this save alone), so an attempt the
    /// execution strategy runs again after a transient failure writes the same marks, not a second set.
    /// </summary>
    private async Task SaveAsync(NewCrmRows created, CrmUpdates updated, CancellationToken ct)
    {
        if (rowWriter.UsesChangeTracker)
        {
            // Reads were tracked (Read): the change tracker holds the updates too.
            CrmRowWriter.Track(db, created);
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync(ct);
            return;
        }
        var marked = Health.HealthDirtyMarker.TouchedAccounts(db);
        marked.UnionWith(created.AccountIds());
        marked.UnionWith(updated.AccountIds());
        if (marked.Count == 0 && !db.ChangeTracker.HasChanges()) return;
        var strategy = db.Database.CreateExecutionStrategy();
        db.RecomputeMarksWrittenByCaller = true;
        try
        {
            await strategy.ExecuteAsync(async () =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var (connection, tx) = (db.Database.GetDbConnection(), transaction.GetDbTransaction());
                await rowWriter.InsertAsync(connection, tx, created, marked, clock.GetUtcNow().UtcDateTime, ct);
                await rowWriter.UpdateAsync(connection, tx, updated, ct);
                // Changes are accepted only once committed: a retried attempt (a transient failure) saves them again.
                await db.SaveChangesAsync(acceptAllChangesOnSuccess: false, ct);
                await transaction.CommitAsync(ct);
            });
        }
        finally
        {
            db.RecomputeMarksWrittenByCaller = false;
        }
        db.ChangeTracker.AcceptAllChanges();
    }

    /// <summary>A query of rows the batch changes only set-based, read without tracking on the engines that write
    /// those changes themselves; tracked where EF Core saves them (SQL Server).</summary>
    private IQueryable<T> Read<T>(IQueryable<T> query) where T : class =>
        rowWriter.UsesChangeTracker ? query : query.AsNoTracking();

    /// <summary>A write that met a key or a deletion of a concurrent caller (EF Core's report of it, or the row
    /// writer's constraint error), not an outage.</summary>
    private static bool LostARace(Exception ex) =>
        ex is DbUpdateException and not DbUpdateConcurrencyException ? !DatabaseOutages.IsUnavailable(ex)
        : ex is not DbUpdateConcurrencyException
            && (LostRaces.MetAConcurrentWrite(ex) || ex is SqliteException { SqliteErrorCode: ConstraintViolation });

    /// <summary>SQLITE_CONSTRAINT: a key or foreign key the row writer met.</summary>
    private const int ConstraintViolation = 19;

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
        public BatchOutcome Upsert(ContractTerms terms, DateTime now, NewCrmRows created)
        {
            if (_byId.TryGetValue(terms.ContractId, out var contract))
                return contract.UpdateTerms(terms, now) ? BatchOutcome.Updated : BatchOutcome.Unchanged;
            contract = Contract.Create(terms, now);
            created.Contracts.Add(contract);
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
