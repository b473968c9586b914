using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Accounts;

/// <summary>
/// The rules of the account hierarchy: a parent link must not make a cycle, and a tree has at most
/// <see cref="MaxLevels"/> levels (a root and four below it). Pure: the stores read the chains, this decides
/// (docs/adr/0073-account-hierarchy-as-a-checked-parent-link.md).
/// </summary>
public static class AccountHierarchy
{
    /// <summary>The most levels of a tree, its root included.</summary>
    public const int MaxLevels = 5;

    public const string CycleReason = "ACCOUNT_HIERARCHY_CYCLE";
    public const string TooDeepReason = "ACCOUNT_HIERARCHY_TOO_DEEP";

    /// <summary>
    /// Checks that <paramref name="accountId"/> may sit under <paramref name="parentId"/>.
    /// <paramref name="parentChain"/> is the parent then its ancestors up to its root, as stored (read at most
    /// <see cref="MaxLevels"/> long); <paramref name="subtreeLevels"/> is how many levels the account's own subtree
    /// has (1: no children).
    /// </summary>
    /// <exception cref="RuleViolationException">The link makes a cycle, or the tree deeper than allowed.</exception>
    public static void CheckParent(
        string accountId, string parentId, IReadOnlyList<string> parentChain, int subtreeLevels)
    {
        if (parentId == accountId || parentChain.Contains(accountId, StringComparer.Ordinal))
        {
            throw new RuleViolationException(CycleReason,
                $"Account '{parentId}' is '{accountId}' itself or one of its descendants: it cannot be its parent.",
                new Dictionary<string, string> { ["parent_account_id"] = parentId });
        }
        var levels = parentChain.Count + subtreeLevels;
        if (levels > MaxLevels)
        {
            throw new RuleViolationException(TooDeepReason,
                $"Under '{parentId}' the tree would have {levels} levels or more; at most {MaxLevels} are allowed.",
                new Dictionary<string, string>
                {
                    ["parent_account_id"] = parentId, ["max_levels"] = MaxLevels.ToString(),
                });
        }
    }

    /// <summary>
    /// The members of the tree rooted at <paramref name="rootId"/>, given every stored link among them: the root first,
    /// then depth first with children by id, each with its depth (0 for the root). A link that would revisit an account
    /// (never stored by the checks, but tolerated) is ignored, and so are levels beyond <see cref="MaxLevels"/>.
    /// </summary>
    public static IReadOnlyList<(string AccountId, int Depth)> Walk(
        string rootId, IEnumerable<(string AccountId, string ParentId)> links)
    {
        var children = links.ToLookup(l => l.ParentId, l => l.AccountId, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal) { rootId };
        var order = new List<(string, int)>();
        var stack = new Stack<(string Id, int Depth)>();
        stack.Push((rootId, 0));
        while (stack.Count > 0)
        {
            var (id, depth) = stack.Pop();
            order.Add((id, depth));
            if (depth + 1 >= MaxLevels) continue;
            foreach (var child in children[id].OrderByDescending(c => c, StringComparer.Ordinal))
                if (seen.Add(child)) stack.Push((child, depth + 1));
        }
        return order;
    }
}
