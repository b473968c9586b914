using CustomerHealth.Domain.Accounts;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Accounts;

/// <summary>The account fields a dashboard row shows beside a score.</summary>
public sealed record AccountSummaryRow(
    string AccountId, string DisplayName, string? Owner, string? Segment, CsTier Tier);

/// <summary>Reads the summaries of a page of accounts in one query, for list rows.</summary>
public sealed class AccountSummaries(CustomerHealthDbContext db)
{
    /// <summary>The summaries of the accounts that exist among <paramref name="accountIds"/>, by id.</summary>
    public async Task<IReadOnlyDictionary<string, AccountSummaryRow>> ReadAsync(
        IReadOnlyCollection<string> accountIds, CancellationToken ct)
    {
        if (accountIds.Count == 0) return new Dictionary<string, AccountSummaryRow>(StringComparer.Ordinal);
        var ids = accountIds.Distinct(StringComparer.Ordinal).ToArray();
        return await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id))
            .Select(a => new AccountSummaryRow(a.Id, a.DisplayName, a.Owner, a.Segment, a.EffectiveTier))
            .ToDictionaryAsync(a => a.AccountId, StringComparer.Ordinal, ct);
    }
}
