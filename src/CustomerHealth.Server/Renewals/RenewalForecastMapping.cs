using CustomerHealth.Domain.Renewals;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Grpc;

namespace CustomerHealth.Server.Renewals;

/// <summary>Maps a renewal forecast to its proto message; amounts are rounded to the nano only here.</summary>
public static class RenewalForecastMapping
{
    public static V1.RenewalForecast ToProto(this RenewalForecast forecast, DateOnly start, DateOnly end)
    {
        var message = new V1.RenewalForecast
        {
            StartDate = ProtoConvert.ToDate(start),
            EndDate = ProtoConvert.ToDate(end),
            CurrencyCode = forecast.Currency,
            CommitProbability = forecast.CommitProbability,
            Total = forecast.Total.ToProto(forecast.Currency),
            OtherOwnerCount = forecast.OtherOwnerCount,
        };
        message.ByQuarter.AddRange(forecast.ByQuarter.Select(q => new V1.RenewalForecastQuarter
        {
            Year = q.Quarter.Year,
            Quarter = q.Quarter.Quarter,
            StartDate = ProtoConvert.ToDate(q.Quarter.FirstDay),
            Figures = q.Figures.ToProto(forecast.Currency),
        }));
        message.ByOwner.AddRange(forecast.ByOwner.Select(o => new V1.RenewalForecastOwner
        {
            Owner = o.Owner ?? "",
            Figures = o.Figures.ToProto(forecast.Currency),
        }));
        message.ByTier.AddRange(forecast.ByTier.Select(t => new V1.RenewalForecastTier
        {
            CsTier = AccountMapping.ToProto(t.Tier),
            Figures = t.Figures.ToProto(forecast.Currency),
        }));
        if (forecast.OtherOwnerCount > 0) message.OtherOwners = forecast.OtherOwners.ToProto(forecast.Currency);
        return message;
    }

    private static V1.RenewalForecastFigures ToProto(this ForecastFigures figures, string currency) => new()
    {
        Contracts = figures.Contracts,
        CommittedContracts = figures.CommittedContracts,
        Arr = ProtoConvert.ToMoney(Rounded(figures.Arr), currency),
        ExpectedArr = ProtoConvert.ToMoney(Rounded(figures.Expected), currency),
        BestCaseArr = ProtoConvert.ToMoney(Rounded(figures.BestCase), currency),
        CommittedArr = ProtoConvert.ToMoney(Rounded(figures.Committed), currency),
        WorstCaseArr = ProtoConvert.ToMoney(Rounded(figures.WorstCase), currency),
    };

    /// <summary>To the nano, the finest a <c>google.type.Money</c> carries.</summary>
    private static decimal Rounded(decimal amount) => Math.Round(amount, 9, MidpointRounding.ToEven);
}
