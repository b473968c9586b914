using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Accounts;

/// <summary>One account of a tree as the roll-up sees it: its current contract's ARR (null without a contract) and its
/// current health score (null when not scored yet).</summary>
public sealed record TreeMember(string AccountId, string? ParentId, int Depth, Money? Arr, double? Score);

/// <summary>
/// The figures of a tree of accounts: the total ARR in the reporting currency and the ARR-weighted health score.
/// </summary>
/// <param name="Accounts">The accounts in the tree, its root included.</param>
/// <param name="TotalReportingArr">The sum of the converted ARR of the accounts with a contract and a rate.</param>
/// <param name="AccountsWithoutRate">Accounts whose contract's currency has no rate: left out of both figures.</param>
/// <param name="ArrWeightedScore">Σ score × ARR / Σ ARR over the accounts with a score and a converted ARR above
/// zero; null when there is none.</param>
/// <param name="UnscoredAccounts">Accounts without a current score: left out of the weighted score.</param>
public sealed record TreeRollup(
    int Accounts, decimal TotalReportingArr, int AccountsWithoutRate, double? ArrWeightedScore, int UnscoredAccounts)
{
    /// <summary>Rolls up <paramref name="members"/>, converting each ARR with <paramref name="rates"/> (the stored
    /// exchange-rate table, as the portfolio metrics and the derived tiers do).</summary>
    public static TreeRollup Of(IReadOnlyCollection<TreeMember> members, ExchangeRates rates)
    {
        decimal total = 0m, weight = 0m, weighted = 0m;
        var withoutRate = 0;
        foreach (var member in members)
        {
            if (member.Arr is not { } arr) continue;
            if (rates.Convert(arr) is not { } converted)
            {
                withoutRate++;
                continue;
            }
            total += converted;
            if (member.Score is { } score && converted > 0)
            {
                weight += converted;
                weighted += converted * (decimal)score;
            }
        }
        double? average = weight > 0 ? (double)Math.Round(weighted / weight, 2, MidpointRounding.AwayFromZero) : null;
        return new TreeRollup(members.Count, total, withoutRate, average, members.Count(m => m.Score is null));
    }
}
