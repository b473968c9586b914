using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Accounts;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Server.Currency;
using CustomerHealth.Server.Grpc;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Accounts;

/// <summary>Account summaries (list rows) to their v1 message.</summary>
public static class AccountSummaryMapping
{
    /// <param name="arr">The current contract's ARR, or null without one.</param>
    /// <param name="rates">The exchange rates in force, for the ARR in the reporting currency.</param>
    public static V1.AccountSummary ToProto(this AccountSummaryRow account, Money? arr, ExchangeRates rates)
    {
        var message = new V1.AccountSummary
        {
            AccountId = account.AccountId,
            DisplayName = account.DisplayName,
            Owner = account.Owner ?? "",
            Segment = account.Segment ?? "",
            EffectiveCsTier = AccountMapping.ToProto(account.Tier),
        };
        if (arr is { } amount)
        {
            message.Arr = ProtoConvert.ToMoney(amount.Amount, amount.Currency);
            message.ReportingArr = rates.ToReportingMoney(amount);
        }
        return message;
    }

    /// <summary>The current contract's ARR as the score row stored it (micro-units), or null without a
    /// contract.</summary>
    public static Money? Arr(this HealthScoreRow row) =>
        row.ArrMicros is { } micros && row.Currency is { } currency ? new Money(micros / 1_000_000m, currency) : null;
}
