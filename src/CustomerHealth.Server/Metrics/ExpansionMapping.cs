using CustomerHealth.Domain.Expansion;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Grpc;

namespace CustomerHealth.Server.Metrics;

/// <summary>Maps an account's expansion assessment to its proto message.</summary>
public static class ExpansionMapping
{
    public static V1.ExpansionSignals ToProto(this ExpansionAssessment a, DateOnly asOf)
    {
        var f = a.Facts;
        var message = new V1.ExpansionSignals
        {
            AccountId = f.AccountId,
            CsTier = AccountMapping.ToProto(f.Tier),
            Segment = f.Segment ?? "",
            Owner = f.Owner ?? "",
            Band = f.Band is { } band ? (V1.HealthBand)band : V1.HealthBand.Unspecified,
            Seats = f.Seats,
            ActiveUsers = f.ActiveUsers,
            PreviousActiveUsers = f.PreviousActiveUsers,
            KeyFeatureEvents = f.KeyFeatureEvents,
            PreviousKeyFeatureEvents = f.PreviousKeyFeatureEvents,
            ProductQualified = a.ProductQualified,
            NotQualifiedReason = a.NotQualifiedBecause ?? "",
            AsOfDate = ProtoConvert.ToDate(asOf),
        };
        if (a.SeatSaturation is { } saturation) message.SeatSaturation = saturation;
        if (a.ActiveUserGrowth is { } users) message.ActiveUserGrowth = users;
        if (a.KeyFeatureGrowth is { } features) message.KeyFeatureGrowth = features;
        if (a.UsagePerSeat is { } usage) message.UsagePerSeat = usage;
        if (a.PeerUsagePerSeat is { } peerUsage) message.PeerUsagePerSeat = peerUsage;
        if (a.PeerSeats is { } peerSeats) message.PeerSeats = peerSeats;
        message.Reasons.AddRange(a.Reasons.Select(r => new V1.ExpansionReason
        {
            Kind = (V1.ExpansionSignalKind)r.Kind,
            Value = r.Value,
            Threshold = r.Threshold,
            Explanation = r.Explanation,
        }));
        return message;
    }
}
