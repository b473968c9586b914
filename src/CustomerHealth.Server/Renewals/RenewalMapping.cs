using CustomerHealth.Infrastructure.Renewals;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Grpc;
using CustomerHealth.V1;
using Model = CustomerHealth.Domain.Renewals;

namespace CustomerHealth.Server.Renewals;

/// <summary>Maps renewal predictions, feed entries and models to their proto messages.</summary>
public static class RenewalMapping
{
    public static V1.RenewalPrediction ToProto(this RenewalPredictionView view, DateOnly today)
    {
        var row = view.Row;
        var prediction = new V1.RenewalPrediction
        {
            ContractId = row.ContractId,
            AccountId = row.AccountId,
            RenewalDate = ProtoConvert.ToDate(row.RenewalDate),
            DaysToRenewal = Math.Max(0, row.RenewalDate.DayNumber - today.DayNumber),
            Arr = ProtoConvert.ToMoney(row.ArrMicros / 1_000_000m, row.Currency),
            RenewalProbability = row.Probability,
            ExpectedRenewalArr = ProtoConvert.ToMoney(row.ExpectedArrMicros / 1_000_000m, row.Currency),
            ArrChangeRatio = row.ArrChangeRatio,
            Risk = (V1.RenewalRisk)row.Risk,
            ModelKind = (V1.RenewalModelKind)row.ModelKind,
            ModelVersion = row.ModelVersion,
            CsTier = AccountMapping.ToProto(
                view.Tier == Domain.Accounts.CsTier.Unspecified ? Domain.Accounts.CsTier.TechTouch : view.Tier),
            Owner = view.Owner ?? "",
            AsOf = ProtoConvert.ToTimestamp(row.AsOf),
            ComputeTime = ProtoConvert.ToTimestamp(row.ComputedAt),
        };
        if (row.HealthScore is { } score) prediction.HealthScore = score;
        prediction.Drivers.AddRange(RenewalPredictor.DriversOf(row).Select(d => new V1.RenewalDriver
        {
            Feature = d.Feature,
            Value = d.Value,
            Contribution = d.Contribution,
            Direction = (V1.DriverDirection)d.Direction,
        }));
        return prediction;
    }

    public static V1.PredictionChange ToProto(this RenewalPredictionChangeRow row)
    {
        var change = new V1.PredictionChange
        {
            Sequence = row.Sequence,
            ContractId = row.ContractId,
            AccountId = row.AccountId,
            Reason = (V1.PredictionChangeReason)row.Reason,
            PreviousRisk = (V1.RenewalRisk)row.PreviousRisk,
            Risk = (V1.RenewalRisk)row.Risk,
            ModelVersion = row.ModelVersion,
            RenewalDate = ProtoConvert.ToDate(row.RenewalDate),
            ComputeTime = ProtoConvert.ToTimestamp(row.ComputedAt),
        };
        if (row.PreviousProbability is { } before) change.PreviousProbability = before;
        if (row.Probability is { } now) change.RenewalProbability = now;
        return change;
    }

    public static V1.RenewalModel ToProto(this RenewalModelInfo info)
    {
        var d = info.Detail;
        var model = new V1.RenewalModel
        {
            Version = info.Version,
            Kind = (V1.RenewalModelKind)info.Kind,
            Serving = info.Serving,
            TrainTime = ProtoConvert.ToTimestamp(info.TrainedAt),
            Trigger = info.Trigger,
            LeadDays = info.LeadDays,
            TrainingCount = d.FitCount + d.CalibrationCount,
            CalibrationCount = d.CalibrationCount,
            HoldoutCount = d.HoldoutCount,
            RenewalCount = d.Renewals,
            ChurnCount = d.Churns,
            TrainingStartDate = ProtoConvert.ToDate(d.TrainingStart),
            TrainingEndDate = ProtoConvert.ToDate(d.TrainingEnd),
            Holdout = d.Holdout.ToProto(),
            PriorHoldout = d.PriorHoldout.ToProto(),
            FitSeconds = d.FitSeconds,
            FeatureSeconds = d.FeatureSeconds,
            CalibrationMethod = d.CalibrationMethod,
            Setting = d.Setting ?? "",
            PassedGate = d.PassedGate ?? true,
            GateReason = d.GateReason ?? "",
            ComparedWithVersion = d.ComparedWithVersion ?? 0,
            FeatureBuilderVersion = d.BuilderVersion ?? 0,
            Servable = d.ServableByThisBuild,
            HoldoutShare = d.HoldoutShare ?? 0,
            CalibrationShare = d.CalibrationShare ?? 0,
        };
        if (d.ServingHoldout is { } servingHoldout) model.ServingHoldout = servingHoldout.ToProto();
        if (d.HoldoutStart is { } start) model.HoldoutStartDate = ProtoConvert.ToDate(start);
        if (d.HoldoutEnd is { } end) model.HoldoutEndDate = ProtoConvert.ToDate(end);
        model.Candidates.AddRange(d.Candidates);
        return model;
    }

    public static V1.RenewalMetrics ToProto(this Model.RenewalMetrics metrics)
    {
        var proto = new V1.RenewalMetrics { LogLoss = metrics.LogLoss, Brier = metrics.Brier };
        if (metrics.Auc is { } auc) proto.Auc = auc;
        if (metrics.MaxCalibrationGap is { } gap) proto.MaxCalibrationGap = gap;
        if (metrics.AucInterval is { } interval)
        {
            proto.AucLower = interval.Lower;
            proto.AucUpper = interval.Upper;
        }
        proto.Calibration.AddRange(metrics.Calibration.Select(b => new V1.CalibrationBin
        {
            Lower = b.Lower,
            Upper = b.Upper,
            Count = b.Count,
            MeanPredicted = b.MeanPredicted,
            ObservedRate = b.ObservedRate,
        }));
        return proto;
    }

    public static V1.RenewalHoldoutRow ToProto(this HoldoutListing row) => new()
    {
        ContractId = row.ContractId,
        RenewalDate = ProtoConvert.ToDate(row.RenewalDate),
        Renewed = row.Renewed,
        RenewalProbability = row.Probability,
        PriorProbability = row.Prior,
    };

    /// <summary>The heuristic as a model: version 0, no figures.</summary>
    public static V1.RenewalModel Heuristic(int leadDays) => new()
    {
        Version = 0,
        Kind = V1.RenewalModelKind.Heuristic,
        Serving = true,
        LeadDays = leadDays,
        PassedGate = true,
        Servable = true,
        Holdout = new V1.RenewalMetrics(),
        PriorHoldout = new V1.RenewalMetrics(),
    };
}
