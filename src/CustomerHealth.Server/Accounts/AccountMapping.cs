using CustomerHealth.Server.Grpc;
using Model = CustomerHealth.Domain.Accounts;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Accounts;

/// <summary>Domain accounts and contracts to their v1 messages.</summary>
public static class AccountMapping
{
    public static V1.Account ToProto(this Model.Account account) => new()
    {
        AccountId = account.Id,
        DisplayName = account.DisplayName,
        Segment = account.Segment ?? "",
        CsTier = ToProto(account.AssignedTier),
        EffectiveCsTier = ToProto(account.EffectiveTier),
        CsTierDerived = account.TierDerived,
        CsTierUnconverted = account.TierUnconverted,
        Owner = account.Owner ?? "",
        ParentAccountId = account.ParentId ?? "",
        CreateTime = ProtoConvert.ToTimestamp(account.CreatedAt),
        UpdateTime = ProtoConvert.ToTimestamp(account.UpdatedAt),
    };

    public static V1.Contract ToProto(this Model.Contract contract, DateOnly today)
    {
        var message = new V1.Contract
        {
            ContractId = contract.Id,
            AccountId = contract.AccountId,
            Arr = ProtoConvert.ToMoney(contract.ArrAmount, contract.Currency),
            Seats = contract.Seats,
            StartDate = ProtoConvert.ToDate(contract.StartDate),
            EndDate = ProtoConvert.ToDate(contract.EndDate),
            Status = (V1.ContractStatus)contract.StatusOn(today),
            CreateTime = ProtoConvert.ToTimestamp(contract.CreatedAt),
            UpdateTime = ProtoConvert.ToTimestamp(contract.UpdatedAt),
        };
        if (contract.Outcome is { } outcome)
        {
            message.RenewalOutcome = new V1.RenewalOutcome
            {
                Kind = (V1.RenewalOutcomeKind)outcome.Kind,
                NewArr = ProtoConvert.ToMoney(outcome.NewArr, contract.Currency),
                ArrChange = (V1.ArrChange)outcome.ChangeFrom(contract.ArrAmount),
                DecisionDate = ProtoConvert.ToDate(outcome.DecisionDate),
                RenewalContractId = outcome.RenewalContractId ?? "",
                Note = outcome.Note ?? "",
                RecordTime = ProtoConvert.ToTimestamp(outcome.RecordedAt),
            };
        }
        return message;
    }

    public static V1.CsTier ToProto(Model.CsTier tier) => tier switch
    {
        Model.CsTier.TechTouch => V1.CsTier.TechTouch,
        Model.CsTier.LowTouch => V1.CsTier.LowTouch,
        Model.CsTier.HighTouch => V1.CsTier.HighTouch,
        _ => V1.CsTier.Unspecified,
    };

    public static Model.CsTier ToDomain(V1.CsTier tier) => tier switch
    {
        V1.CsTier.TechTouch => Model.CsTier.TechTouch,
        V1.CsTier.LowTouch => Model.CsTier.LowTouch,
        V1.CsTier.HighTouch => Model.CsTier.HighTouch,
        _ => Model.CsTier.Unspecified,
    };
}
