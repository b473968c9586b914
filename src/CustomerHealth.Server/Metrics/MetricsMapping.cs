using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Metrics;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Grpc;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Metrics;

/// <summary>A portfolio-metrics request read into domain input.</summary>
public sealed record PortfolioQuery(ReportingPeriod Period, PortfolioFilter Filter, CurrencyConversion? Conversion);

/// <summary>Metrics requests read into domain input (all field rules at once), and the domain's report mapped to v1.</summary>
public static class MetricsMapping
{
    /// <exception cref="ValidationException">Any field rule is broken; every broken rule is listed.</exception>
    public static PortfolioQuery Read(V1.GetPortfolioMetricsRequest request, DateOnly today)
    {
        var v = new Violations();
        var period = request.Period;
        DateOnly? start = null, end = null;
        var kind = PeriodKind.Unspecified;
        if (period is null) v.Add("period", "is required");
        else
        {
            if (period.Kind == V1.PeriodKind.Unspecified) v.Add("period.kind", "is required: MONTH, QUARTER, YEAR or RANGE");
            else if (ProtoConvert.IsDefined(v, "period.kind", period.Kind)) kind = (PeriodKind)period.Kind;
            end = ProtoConvert.ReadDate(v, "period.end_date", period.EndDate, required: false);
            if (kind == PeriodKind.Range) start = ProtoConvert.ReadDate(v, "period.start_date", period.StartDate, required: true);
            else if (period.StartDate is not null && kind != PeriodKind.Unspecified) v.Add("period.start_date", "is only given with RANGE (a month, quarter or year starts on its first day)");
        }
        ProtoConvert.IsDefined(v, "cs_tier", request.CsTier);
        v.Text("segment", request.Segment, AccountDetails.MaxSegmentLength);
        v.Text("owner", request.Owner, AccountDetails.MaxOwnerLength);
        var conversion = ReadConversion(v, request);
        v.ThrowIfAny();

        var asOf = end ?? today;
        var reportingPeriod = kind == PeriodKind.Range ? ReportingPeriod.Between(start!.Value, asOf) : ReportingPeriod.ToDate(kind, asOf);
        var filter = new PortfolioFilter(
            request.CsTier == V1.CsTier.Unspecified ? null : AccountMapping.ToDomain(request.CsTier),
            string.IsNullOrWhiteSpace(request.Segment) ? null : request.Segment.Trim(),
            string.IsNullOrWhiteSpace(request.Owner) ? null : request.Owner.Trim());
        return new PortfolioQuery(reportingPeriod, filter, conversion);
    }

    private static CurrencyConversion? ReadConversion(Violations v, V1.GetPortfolioMetricsRequest request)
    {
        var currency = request.CurrencyCode;
        if (string.IsNullOrEmpty(currency))
        {
            if (request.ConversionRates.Count > 0) v.Add("currency_code", "is required with conversion_rates: the currency the rates convert to");
            return null;
        }
        var valid = true;
        if (!Currencies.IsKnown(currency))
        {
            v.Add("currency_code", $"must be an active ISO 4217 code in upper case, such as USD or EUR (got '{currency}')");
            valid = false;
        }
        var rates = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (code, rate) in request.ConversionRates)
        {
            var field = $"conversion_rates[{code}]";
            if (!Currencies.IsKnown(code)) { v.Add(field, $"'{code}' is not an active ISO 4217 code in upper case"); valid = false; }
            else if (!double.IsFinite(rate) || rate <= 0 || rate > 1e12) { v.Add(field, "must be a finite rate above zero (at most 10^12)"); valid = false; }
            else if (code == currency && rate != 1) { v.Add(field, "must be 1 for the reporting currency itself (or be left out)"); valid = false; }
            else rates[code] = (decimal)rate;
        }
        return valid ? new CurrencyConversion(currency, rates) : null;
    }

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
            Revenue = new V1.RevenueRetention
            {
                StartingContracts = report.Revenue.StartingContracts,
                StartingArr = Money(report.Revenue.StartingArr, currency),
                ExpansionArr = Money(report.Revenue.ExpansionArr, currency),
                ContractionArr = Money(report.Revenue.ContractionArr, currency),
                ChurnedArr = Money(report.Revenue.ChurnedArr, currency),
            },
            Logos = new V1.LogoRetention { StartingAccounts = report.Logos.StartingAccounts, ChurnedAccounts = report.Logos.ChurnedAccounts },
            ActiveUsers = report.MonthlyActiveUsers,
            Arpu = report.Arpu is { } arpu ? Money(arpu, currency) : null,
            Activation = new V1.Activation
            {
                CohortAccounts = report.Activation.Cohort,
                ActivatedAccounts = report.Activation.Activated,
                ValueReachedAccounts = report.Activation.ValueReached,
            },
            Onboarding = new V1.OnboardingOnTime { DueMilestones = report.Onboarding.Due, OnTimeMilestones = report.Onboarding.OnTime },
            Nps = new V1.NetPromoterScore { Promoters = report.Nps.Promoters, Passives = report.Nps.Passives, Detractors = report.Nps.Detractors },
        };
        if (report.Revenue.Grr is { } grr) message.Revenue.Grr = grr;
        if (report.Revenue.Nrr is { } nrr) message.Revenue.Nrr = nrr;
        if (report.Logos.ChurnRate is { } churnRate) message.Logos.ChurnRate = churnRate;
        if (report.Activation.Rate is { } activation) message.Activation.Rate = activation;
        if (report.Activation.MedianTimeToValueDays is { } median) message.Activation.MedianTimeToValueDays = median;
        if (report.Onboarding.Rate is { } onTime) message.Onboarding.Rate = onTime;
        if (report.Nps.Score is { } nps) message.Nps.Score = nps;
        message.AccountsByBand.AddRange(Enum.GetValues<HealthBand>().Where(b => b != HealthBand.Unspecified)
            .Select(b => new V1.BandCount { Band = (V1.HealthBand)b, Accounts = report.AccountsByBand.GetValueOrDefault(b) }));
        message.AccountsByStage.AddRange(Enum.GetValues<LifecycleStage>().Where(s => s != LifecycleStage.Unspecified)
            .Select(s => new V1.StageCount { Stage = (V1.LifecycleStage)s, Accounts = report.AccountsByStage.GetValueOrDefault(s) }));
        message.Cohorts.AddRange(report.Cohorts.Select(c => c.ToProto(currency)));
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
            var point = new V1.RetentionPoint { MonthsAfterStart = p.MonthsAfterStart, Date = ProtoConvert.ToDate(p.On), ActiveAccounts = p.ActiveAccounts, Arr = Money(p.Arr, currency) };
            if (p.AccountShare is { } accounts) point.AccountShare = accounts;
            if (p.ArrShare is { } arr) point.ArrShare = arr;
            return point;
        }));
        return message;
    }

    /// <summary>An amount rounded to nanos (converted amounts and ARPU can have more decimals); absent without a currency.</summary>
    private static Google.Type.Money? Money(decimal amount, string? currency) =>
        currency is null ? null : ProtoConvert.ToMoney(Math.Round(amount, 9, MidpointRounding.ToEven), currency);
}
