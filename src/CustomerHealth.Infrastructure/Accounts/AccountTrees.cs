using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Currency;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Accounts;

/// <summary>A tree of accounts with its figures (GetAccountHierarchy): the root's ancestors from the top down, every
/// member in walk order with its name, ARR and score, and the roll-up.</summary>
public sealed record AccountTree(
    IReadOnlyList<string> Ancestors,
    IReadOnlyList<TreeMember> Members,
    IReadOnlyDictionary<string, string> Names,
    ExchangeRates Rates,
    TreeRollup Rollup);

/// <summary>
/// Reads trees of accounts: the members below a root one level per query (at most
/// <see cref="AccountHierarchy.MaxLevels"/> queries), and for a roll-up their contracts and current scores in two more.
/// </summary>
public sealed class AccountTrees(CustomerHealthDbContext db, ExchangeRateStore rates, TimeProvider clock)
{
    /// <summary>The ids of the tree rooted at <paramref name="rootId"/>, the root first.</summary>
    /// <exception cref="NotFoundException">The root account does not exist.</exception>
    public async Task<IReadOnlyList<(string AccountId, int Depth)>> MembersAsync(string rootId, CancellationToken ct)
    {
        if (!await db.Accounts.AnyAsync(a => a.Id == rootId, ct)) throw new NotFoundException("Account", rootId);
        var links = new List<(string, string)>();
        var level = new[] { rootId };
        var seen = new HashSet<string>(StringComparer.Ordinal) { rootId };
        for (var depth = 1; depth < AccountHierarchy.MaxLevels && level.Length > 0; depth++)
        {
            var parents = level;
            var children = await db.Accounts.AsNoTracking()
                .Where(a => a.ParentId != null && parents.Contains(a.ParentId))
                .Select(a => new { a.Id, a.ParentId }).ToListAsync(ct);
            var fresh = children.Where(c => seen.Add(c.Id)).ToArray();
            links.AddRange(fresh.Select(c => (c.Id, c.ParentId!)));
            level = fresh.Select(c => c.Id).ToArray();
        }
        return AccountHierarchy.Walk(rootId, links);
    }

    /// <summary>The tree rooted at <paramref name="rootId"/> with its roll-up.</summary>
    /// <exception cref="NotFoundException">The root account does not exist.</exception>
    public async Task<AccountTree> ReadAsync(string rootId, CancellationToken ct)
    {
        var members = await MembersAsync(rootId, ct);
        var ids = members.Select(m => m.AccountId).ToArray();
        var accounts = await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id))
            .Select(a => new { a.Id, a.DisplayName, a.ParentId })
            .ToDictionaryAsync(a => a.Id, StringComparer.Ordinal, ct);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var contracts = (await db.Contracts.AsNoTracking().Where(c => ids.Contains(c.AccountId)).ToListAsync(ct))
            .ToLookup(c => c.AccountId, StringComparer.Ordinal);
        var scores = await db.HealthScores.AsNoTracking().Where(s => ids.Contains(s.AccountId))
            .Select(s => new { s.AccountId, s.Score }).ToDictionaryAsync(s => s.AccountId, s => s.Score, ct);
        var tree = members.Where(m => accounts.ContainsKey(m.AccountId))
            .Select(m => new TreeMember(m.AccountId, accounts[m.AccountId].ParentId, m.Depth,
                Contract.CurrentOf(contracts[m.AccountId], today)?.Arr, scores.GetValueOrDefault(m.AccountId)))
            .ToArray();
        var table = await rates.CurrentAsync(ct);
        return new AccountTree(await AncestorsAsync(rootId, ct), tree,
            accounts.ToDictionary(a => a.Key, a => a.Value.DisplayName, StringComparer.Ordinal), table,
            TreeRollup.Of(tree, table));
    }

    /// <summary>The ancestors of an account, its tree's root first (at most <see cref="AccountHierarchy.MaxLevels"/>
    /// - 1 of them).</summary>
    private async Task<IReadOnlyList<string>> AncestorsAsync(string accountId, CancellationToken ct)
    {
        var chain = new List<string>();
        var current = accountId;
        while (chain.Count < AccountHierarchy.MaxLevels - 1)
        {
            var id = current;
            var parent = await db.Accounts.AsNoTracking().Where(a => a.Id == id).Select(a => a.ParentId)
                .SingleOrDefaultAsync(ct);
            if (parent is null || parent == accountId || chain.Contains(parent)) break;
            if (!await db.Accounts.AnyAsync(a => a.Id == parent, ct)) break; // detached meanwhile
            chain.Add(parent);
            current = parent;
        }
        chain.Reverse();
        return chain;
    }
}
