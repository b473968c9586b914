using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Accounts;

/// <summary>
/// The parent links of one write (an upsert, or a whole batch): the stored links, overlaid with the links this write
/// sets before it saves them, so a batch item sees the earlier items. Reads walk up from a parent and down from an
/// account one level per query, never more than <see cref="AccountHierarchy.MaxLevels"/> levels; the decision is the
/// domain's (<see cref="AccountHierarchy.CheckParent"/>).
/// </summary>
internal sealed class ParentLinks(CustomerHealthDbContext db)
{
    private readonly Dictionary<string, string?> _pending = new(StringComparer.Ordinal);

    /// <summary>Records that <paramref name="accountId"/> exists (in this write) with this parent.</summary>
    public void Set(string accountId, string? parentId) => _pending[accountId] = parentId;

    /// <summary>Checks that <paramref name="accountId"/> may sit under <paramref name="parentId"/>.</summary>
    /// <exception cref="NotFoundException">The parent account does not exist.</exception>
    /// <exception cref="RuleViolationException">A cycle, or a tree deeper than allowed.</exception>
    public async Task CheckAsync(string accountId, string parentId, CancellationToken ct)
    {
        var chain = await ChainAsync(accountId, parentId, ct);
        var levels = chain.Contains(accountId, StringComparer.Ordinal) || parentId == accountId
            ? 1
            : await SubtreeLevelsAsync(accountId, ct);
        AccountHierarchy.CheckParent(accountId, parentId, chain, levels);
    }

    /// <summary>The parent, then its ancestors up to a root, a dangling link or the account itself.</summary>
    private async Task<List<string>> ChainAsync(string accountId, string parentId, CancellationToken ct)
    {
        var chain = new List<string>();
        string? current = parentId;
        while (current is not null && chain.Count <= AccountHierarchy.MaxLevels)
        {
            var (exists, above) = await ParentOfAsync(current, ct);
            if (!exists)
            {
                if (chain.Count == 0) throw new NotFoundException("Account", parentId);
                break; // a link left by a parent deleted meanwhile: the chain ends here
            }
            chain.Add(current);
            if (current == accountId) break;
            current = above;
        }
        return chain;
    }

    private async Task<(bool Exists, string? ParentId)> ParentOfAsync(string accountId, CancellationToken ct)
    {
        if (_pending.TryGetValue(accountId, out var pending)) return (true, pending);
        var stored = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId)
            .Select(a => new { a.ParentId }).SingleOrDefaultAsync(ct);
        return stored is null ? (false, null) : (true, stored.ParentId);
    }

    /// <summary>How many levels the account's subtree has (1: no children), counting at most one level more than a
    /// tree may have.</summary>
    private async Task<int> SubtreeLevelsAsync(string accountId, CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { accountId };
        var level = new[] { accountId };
        var levels = 1;
        while (levels <= AccountHierarchy.MaxLevels)
        {
            var children = (await ChildrenAsync(level, ct)).Where(seen.Add).ToArray();
            if (children.Length == 0) break;
            levels++;
            level = children;
        }
        return levels;
    }

    private async Task<IEnumerable<string>> ChildrenAsync(string[] parents, CancellationToken ct)
    {
        var stored = await db.Accounts.AsNoTracking()
            .Where(a => a.ParentId != null && parents.Contains(a.ParentId))
            .Select(a => a.Id).ToListAsync(ct);
        var set = parents.ToHashSet(StringComparer.Ordinal);
        return stored.Where(id => !_pending.ContainsKey(id))
            .Concat(_pending.Where(p => p.Value is not null && set.Contains(p.Value)).Select(p => p.Key))
            .Distinct(StringComparer.Ordinal);
    }
}
