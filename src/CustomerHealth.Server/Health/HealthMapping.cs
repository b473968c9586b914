using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Health;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Grpc;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Health;

/// <summary>Stored scores, changes, audit entries, scorecards and backtests mapped to v1.</summary>
public static class HealthMapping
{
    public static V1.HealthScore ToProto(this HealthScoreRow row)
    {
        var message = new V1.HealthScore
        {
            AccountId = row.AccountId,
            Band = (V1.HealthBand)row.Band,
            Completeness = new V1.DataCompleteness { Share = row.CompletenessShare },
            LifecycleStage = (V1.LifecycleStage)row.Stage,
            EffectiveAccount = row.EffectiveAccount,
            Trend = new V1.HealthTrend(),
            CsTier = AccountMapping.ToProto(row.Tier),
            ScorecardVersion = row.ScorecardVersion,
            AsOf = ProtoConvert.ToTimestamp(row.AsOf),
            ComputeTime = ProtoConvert.ToTimestamp(row.ComputedAt),
        };
        if (row.Score is { } score) message.Score = score;
        if (row.Override is { } o)
        {
            message.Override = new V1.HealthOverride
            {
                Band = (V1.HealthBand)o.Band,
                Reason = o.Reason,
                SetBy = o.SetBy,
                SetTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(o.SetAt),
                ExpireTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(o.ExpiresAt),
            };
            if (o.Score is { } overridden) message.Override.Score = overridden;
        }
        if (row.Change7Days is { } c7) message.Trend.Change7D = c7;
        if (row.Change30Days is { } c30) message.Trend.Change30D = c30;
        var (components, missing) = (new List<V1.HealthComponent>(8), new List<V1.MissingComponent>(4));
        if (HealthDetailReader.TryRead(row.DetailJson, components, missing))
        {
            message.Components.AddRange(components);
            message.Completeness.Missing.AddRange(missing);
            return message;
        }
        var detail = HealthJson.ReadDetail(row.DetailJson);
        message.Components.AddRange(detail.Components.Select(ToProto));
        message.Completeness.Missing.AddRange(detail.Missing.Select(m =>
            new V1.MissingComponent
            {
                Kind = (V1.HealthComponentKind)m.Kind, Reason = m.Reason, Metric = m.Metric ?? "",
            }));
        return message;
    }

    public static V1.HealthSnapshot ToProto(this HealthSnapshotRow row)
    {
        var message = new V1.HealthSnapshot
        {
            Day = ProtoConvert.ToDate(row.Day),
            Band = (V1.HealthBand)row.Band,
            LifecycleStage = (V1.LifecycleStage)row.Stage,
            ScorecardVersion = row.ScorecardVersion,
        };
        if (row.Score is { } score) message.Score = score;
        message.Components.AddRange(HealthJson.ReadDetail(row.DetailJson).Components.Select(ToProto));
        return message;
    }

    public static V1.HealthChange ToProto(this HealthChangeRow row)
    {
        var message = new V1.HealthChange
        {
            Sequence = row.Sequence,
            AccountId = row.AccountId,
            PreviousBand = (V1.HealthBand)row.PreviousBand,
            Band = (V1.HealthBand)row.Band,
            Reason = (V1.HealthChangeReason)row.Reason,
            CsTier = AccountMapping.ToProto(row.Tier),
            AsOf = ProtoConvert.ToTimestamp(row.AsOf),
            ComputeTime = ProtoConvert.ToTimestamp(row.ComputedAt),
        };
        if (row.PreviousScore is { } previous) message.PreviousScore = previous;
        if (row.Score is { } score) message.Score = score;
        return message;
    }

    /// <summary>The actions <c>ListHealthAudit</c> shows: its view of the one audit trail.</summary>
    public static readonly IReadOnlyCollection<AuditAction> AuditActions =
        [AuditAction.HealthOverrideSet, AuditAction.HealthOverrideCleared, AuditAction.ScorecardReplaced];

    public static V1.HealthAuditEntry ToHealthAuditEntry(this AuditEventRow row) => new()
    {
        Id = row.Id,
        AccountId = row.TargetType == AuditTargets.Account ? row.TargetId ?? "" : "",
        Action = row.Action switch
        {
            AuditAction.HealthOverrideSet => V1.HealthAuditAction.OverrideSet,
            AuditAction.HealthOverrideCleared => V1.HealthAuditAction.OverrideCleared,
            AuditAction.ScorecardReplaced => V1.HealthAuditAction.ScorecardReplaced,
            _ => V1.HealthAuditAction.Unspecified,
        },
        Actor = row.Caller,
        Time = ProtoConvert.ToTimestamp(row.At),
        BeforeJson = row.BeforeJson ?? "",
        AfterJson = row.AfterJson ?? "",
    };

    private static V1.HealthComponent ToProto(ComponentScore c)
    {
        var message = new V1.HealthComponent
        {
            Kind = (V1.HealthComponentKind)c.Kind, Score = c.Score, Weight = c.Weight, Explanation = c.Explanation,
            Metric = c.Metric ?? "",
        };
        if (c.MetricValue is { } value) message.MetricValue = value;
        return message;
    }

    public static V1.Scorecard ToProto(this ScorecardVersion version)
    {
        var s = version.Scorecard;
        var message = new V1.Scorecard
        {
            Version = s.Version,
            TechTouch = ToProto(s.TechTouch),
            LowTouch = ToProto(s.LowTouch),
            HighTouch = ToProto(s.HighTouch),
            HealthyFrom = s.HealthyFrom,
            AtRiskFrom = s.AtRiskFrom,
            ChangeThresholdPoints = s.ChangeThresholdPoints,
            EffectiveAccountWindowDays = s.EffectiveAccountWindowDays,
            MinimumCompleteness = s.MinimumCompleteness,
            UpdatedBy = version.UpdatedBy,
            UpdateTime = version.UpdatedAt is { } at ? ProtoConvert.ToTimestamp(at) : null,
        };
        message.UsageMetrics.AddRange(s.MetricComponents.Select(m => new V1.UsageMetricComponent
        {
            Metric = m.Metric,
            TechTouchWeight = m.TechTouchWeight,
            LowTouchWeight = m.LowTouchWeight,
            HighTouchWeight = m.HighTouchWeight,
            Breakpoints = { m.Breakpoints },
            LowerIsBetter = m.LowerIsBetter,
        }));
        return message;
    }

    public static V1.ProposeScorecardResponse ToProto(this ScorecardProposalReport report)
    {
        var p = report.Proposal;
        var response = new V1.ProposeScorecardResponse
        {
            Scorecard = new ScorecardVersion(p.Scorecard with { Version = 0 }, "", null).ToProto(),
            CurrentScorecardVersion = report.Current.Scorecard.Version,
            LeadDays = report.LeadDays,
            FitCount = p.FitCount,
            HoldoutCount = p.HoldoutCount,
            HoldoutStartDate = p.HoldoutStart is { } start ? ProtoConvert.ToDate(start) : null,
            SkippedCount = report.Skipped,
        };
        if (p.CurrentHoldoutAuc is { } ch) response.CurrentHoldoutAuc = ch;
        if (p.ProposedHoldoutAuc is { } ph) response.ProposedHoldoutAuc = ph;
        if (p.CurrentFitAuc is { } cf) response.CurrentFitAuc = cf;
        if (p.ProposedFitAuc is { } pf) response.ProposedFitAuc = pf;
        response.Components.AddRange(p.Components.Select(c =>
        {
            var component = new V1.ProposedScorecardComponent
            {
                Kind = (V1.HealthComponentKind)c.Kind, Metric = c.Metric ?? "", Weight = c.Weight,
            };
            if (c.FitAuc is { } auc) component.FitAuc = auc;
            return component;
        }));
        return response;
    }

    private static V1.TierScorecard ToProto(TierScorecard tier)
    {
        var w = tier.Weights;
        var message = new V1.TierScorecard
        {
            Weights = new V1.ComponentWeights
            {
                Engagement = w.Engagement, Adoption = w.Adoption, Momentum = w.Momentum, Onboarding = w.Onboarding,
                Sentiment = w.Sentiment, Support = w.Support, Relationship = w.Relationship,
            },
        };
        if (tier.TouchpointCadenceDays is { } cadence) message.TouchpointCadenceDays = cadence;
        return message;
    }

    public static V1.BacktestHealthScoresResponse ToProto(this BacktestReport report)
    {
        var response = new V1.BacktestHealthScoresResponse
        {
            LeadDays = report.LeadDays,
            RenewalCount = report.Result.Renewals,
            ChurnCount = report.Result.Churns,
            SkippedCount = report.Skipped,
            SnapshotScoreCount = report.FromSnapshots,
            ComputedScoreCount = report.Computed,
            NoDataCount = report.NoData,
        };
        if (report.Result.Auc is { } auc) response.Auc = auc;
        foreach (var band in report.Result.Bands)
        {
            var rate = new V1.BandRenewalRate
            {
                Band = (V1.HealthBand)band.Band, RenewalCount = band.Renewals,
                ChurnCount = band.Churns
            };
            if (band.RenewalRate is { } r) rate.RenewalRate = r;
            response.Bands.Add(rate);
        }
        return response;
    }
}
