using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Metrics;
using CustomerHealth.Server.Grpc;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Metrics;

/// <summary>The domain's portfolio report mapped to v1 (requests: <see cref="MetricsRequests"/>).</summary>
public static class MetricsMapping
{
    public static V1.PortfolioReport ToProto(this PortfolioReport report)
    {
        var currency = report.Currency;
        var message = new V1.PortfolioReport
        {
            Period = new V1.ReportingPeriod
            {
                Kind = (V1.PeriodKind)report.Period.Kind,
                StartDate = ProtoConvert.ToDate(report.Period.Start),
                EndDate = ProtoConvert.ToDate(report.Period.End),
            },
            CurrencyCode = currency ?? "",
            Accounts = report.Accounts,
            EffectiveAccounts = report.EffectiveAccounts,
            ActiveAccounts = report.ActiveAccounts,
            Arr = Money(report.Arr, currency),
            Revenue = report.Revenue.ToProto(currency),
            Logos = new V1.LogoRetention
            {
                StartingAccounts = report.Logos.StartingAccounts,
                ChurnedAccounts = report.Logos.ChurnedAccounts
            },
            ActiveUsers = report.MonthlyActiveUsers,
            Arpu = report.Arpu is { } arpu ? Money(arpu, currency) : null,
            Activation = new V1.Activation
            {
                CohortAccounts = report.Activation.Cohort,
                ActivatedAccounts = report.Activation.Activated,
                ValueReachedAccounts = report.Activation.ValueReached,
            },
            Onboarding = new V1.OnboardingOnTime
            {
                DueMilestones = report.Onboarding.Due,
                OnTimeMilestones = report.Onboarding.OnTime
            },
            Nps = new V1.NetPromoterScore
            {
                Promoters = report.Nps.Promoters, Passives = report.Nps.Passives,
                Detractors = report.Nps.Detractors
            },
        };
        if (report.Arpa is { } arpa) message.Arpa = Money(arpa, currency);
        if (report.CustomerLifetimeValue is { } clv) message.CustomerLifetimeValue = Money(clv, currency);
        if (report.Logos.ChurnRate is { } churnRate) message.Logos.ChurnRate = churnRate;
        if (report.Activation.Rate is { } activation) message.Activation.Rate = activation;
        if (report.Activation.MedianTimeToValueDays is { } median) message.Activation.MedianTimeToValueDays = median;
        if (report.Onboarding.Rate is { } onTime) message.Onboarding.Rate = onTime;
        if (report.Nps.Score is { } nps) message.Nps.Score = nps;
        message.AccountsByBand.AddRange(Enum.GetValues<HealthBand>().Where(b => b != HealthBand.Unspecified)
            .Select(b => new V1.BandCount
            {
                Band = (V1.HealthBand)b, Accounts = report.AccountsByBand.GetValueOrDefault(b),
            }));
        message.AccountsByStage.AddRange(Enum.GetValues<LifecycleStage>().Where(s => s != LifecycleStage.Unspecified)
            .Select(s => new V1.StageCount
            {
                Stage = (V1.LifecycleStage)s, Accounts = report.AccountsByStage.GetValueOrDefault(s),
            }));
        message.Cohorts.AddRange(report.Cohorts.Select(c => c.ToProto(currency)));
        return message;
    }

    private static V1.RevenueRetention ToProto(this RevenueRetention revenue, string? currency)
    {
        var message = new V1.RevenueRetention
        {
            StartingContracts = revenue.StartingContracts,
            StartingArr = Money(revenue.StartingArr, currency),
            ExpansionArr = Money(revenue.ExpansionArr, currency),
            ContractionArr = Money(revenue.ContractionArr, currency),
            ChurnedArr = Money(revenue.ChurnedArr, currency),
            ExpansionMrr = Money(revenue.ExpansionMrr, currency),
        };
        if (revenue.Grr is { } grr) message.Grr = grr;
        if (revenue.Nrr is { } nrr) message.Nrr = nrr;
        if (revenue.NetRevenueChurn is { } netChurn) message.NetRevenueChurn = netChurn;
        return message;
    }

    private static V1.StartCohort ToProto(this StartCohort cohort, string? currency)
    {
        var message = new V1.StartCohort
        {
            Month = ProtoConvert.ToDate(cohort.Month),
            Accounts = cohort.Accounts,
            WindowClosedAccounts = cohort.WindowClosed,
            LiveWithin30DaysAccounts = cohort.LiveWithin30Days,
            StartingArr = Money(cohort.StartingArr, currency),
        };
        if (cohort.SurvivalRate is { } survival) message.SurvivalRate = survival;
        message.Retention.AddRange(cohort.Retention.Select(p =>
        {
            var point = new V1.RetentionPoint
            {
                MonthsAfterStart = p.MonthsAfterStart,
                Date = ProtoConvert.ToDate(p.On), ActiveAccounts = p.ActiveAccounts, Arr = Money(p.Arr, currency)
            };
            if (p.AccountShare is { } accounts) point.AccountShare = accounts;
            if (p.ArrShare is { } arr) point.ArrShare = arr;
            return point;
        }));
        return message;
    }

    /// <summary>
    /// An amount rounded to nanos (converted amounts and ARPU can have more decimals); absent without a currency.
    /// </summary>
    private static Google.Type.Money? Money(decimal amount, string? currency) =>
        currency is null ? null : ProtoConvert.ToMoney(Math.Round(amount, 9, MidpointRounding.ToEven), currency);
}
