using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Accounts;
using CustomerHealth.Server.Currency;
using CustomerHealth.Server.Grpc;
using Model = CustomerHealth.Domain.Accounts;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Accounts;

/// <summary>Contacts, champion alerts and account trees to their v1 messages.</summary>
public static class StakeholderMapping
{
    public static V1.Contact ToProto(this Model.Contact contact) => new()
    {
        ContactId = contact.Id,
        AccountId = contact.AccountId,
        DisplayName = contact.DisplayName,
        Email = contact.Email ?? "",
        Title = contact.Title ?? "",
        Role = (V1.ContactRole)contact.Role,
        UsageUserId = contact.UsageUserId ?? "",
        Left = contact.Left,
        LeftDate = contact.LeftOn is { } day ? ProtoConvert.ToDate(day) : null,
        CreateTime = ProtoConvert.ToTimestamp(contact.CreatedAt),
        UpdateTime = ProtoConvert.ToTimestamp(contact.UpdatedAt),
    };

    public static V1.ChampionAlert ToProto(this Model.ChampionAlert alert) => new()
    {
        ContactId = alert.ContactId,
        Kind = (V1.ChampionAlertKind)alert.Kind,
        LeftDate = alert.LeftOn is { } day ? ProtoConvert.ToDate(day) : null,
        QuietDays = alert.Kind == Model.ChampionAlertKind.Quiet ? alert.QuietDays : 0,
    };

    public static V1.GetAccountHierarchyResponse ToProto(this AccountTree tree)
    {
        var response = new V1.GetAccountHierarchyResponse
        {
            Rollup = new V1.AccountTreeRollup
            {
                Accounts = tree.Rollup.Accounts,
                TotalReportingArr = ProtoConvert.ToMoney(
                    Math.Round(tree.Rollup.TotalReportingArr, 9, MidpointRounding.ToEven),
                    tree.Rates.ReportingCurrency),
                AccountsWithoutRate = tree.Rollup.AccountsWithoutRate,
                UnscoredAccounts = tree.Rollup.UnscoredAccounts,
            },
            ExchangeRatesVersion = tree.Rates.Version,
        };
        if (tree.Rollup.ArrWeightedScore is { } score) response.Rollup.ArrWeightedScore = score;
        response.AncestorAccountIds.AddRange(tree.Ancestors);
        response.Nodes.AddRange(tree.Members.Select(m => Node(m, tree.Names[m.AccountId], tree.Rates)));
        return response;
    }

    private static V1.AccountTreeNode Node(Model.TreeMember member, string name, ExchangeRates rates)
    {
        var node = new V1.AccountTreeNode
        {
            AccountId = member.AccountId,
            DisplayName = name,
            ParentAccountId = member.ParentId ?? "",
            Depth = member.Depth,
            Arr = member.Arr is { } arr ? ProtoConvert.ToMoney(arr.Amount, arr.Currency) : null,
            ReportingArr = rates.ToReportingMoney(member.Arr),
        };
        if (member.Score is { } score) node.Score = score;
        return node;
    }
}
