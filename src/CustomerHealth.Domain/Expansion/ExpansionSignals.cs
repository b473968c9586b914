using System.Globalization;
using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Health;

namespace CustomerHealth.Domain.Expansion;

/// <summary>
/// An account's expansion signals and whether it is a <b>product-qualified lead</b> (PQL). Figures are null when
/// their denominator is empty (never 0).
/// </summary>
/// <param name="SeatSaturation">Active users / seats (may exceed 1 when users share seats); null without seats.</param>
/// <param name="ActiveUserGrowth">(active users − previous) / previous; null without previous active users.</param>
/// <param name="KeyFeatureGrowth">(key-feature events − previous) / previous; null without previous events.</param>
/// <param name="UsagePerSeat">Events in the last 30 days / seats; null without seats.</param>
/// <param name="PeerUsagePerSeat">The median usage per seat of the account's peer group (its tier and segment, the
/// accounts with seats, itself included); null when the group is smaller than the minimum.</param>
/// <param name="PeerSeats">The median seats of that group; null likewise.</param>
/// <param name="Reasons">The signals that fired, in the order of <see cref="ExpansionSignalKind"/>.</param>
/// <param name="ProductQualified">
/// True when a signal fired and the account can take an expansion: it has seats (a running contract), is not churned
/// and is not in the critical band (a critical account is a save, not an upsell).
/// </param>
/// <param name="NotQualifiedBecause">Why signals fired without a PQL; null otherwise.</param>
public sealed record ExpansionAssessment(
    ExpansionFacts Facts,
    double? SeatSaturation,
    double? ActiveUserGrowth,
    double? KeyFeatureGrowth,
    double? UsagePerSeat,
    double? PeerUsagePerSeat,
    double? PeerSeats,
    IReadOnlyList<ExpansionReason> Reasons,
    bool ProductQualified,
    string? NotQualifiedBecause);

/// <summary>
/// Computes expansion signals: a pure function of (the population's facts, thresholds). Peers are the accounts of the
/// population with the same tier and segment, so the population must hold every account of each group assessed.
/// </summary>
public static class ExpansionSignals
{
    public static IReadOnlyList<ExpansionAssessment> Assess(
        IReadOnlyList<ExpansionFacts> population, ExpansionThresholds? thresholds = null)
    {
        var t = thresholds ?? ExpansionThresholds.Default;
        var peers = population.Where(f => f.Seats > 0)
            .GroupBy(f => (f.Tier, f.Segment ?? ""))
            .Where(g => g.Count() >= t.MinimumPeers)
            .ToDictionary(
                g => g.Key,
                g => (Usage: Median(g.Select(f => (double)f.Events / f.Seats)),
                    Seats: Median(g.Select(f => (double)f.Seats))));
        return population
            .Select(f => Assess(f, peers.TryGetValue((f.Tier, f.Segment ?? ""), out var p) ? p : null, t))
            .ToArray();
    }

    private static ExpansionAssessment Assess(
        ExpansionFacts f, (double Usage, double Seats)? peer, ExpansionThresholds t)
    {
        double? saturation = f.Seats > 0 ? (double)f.ActiveUsers / f.Seats : null;
        double? userGrowth = f.PreviousActiveUsers > 0
            ? (double)(f.ActiveUsers - f.PreviousActiveUsers) / f.PreviousActiveUsers : null;
        double? featureGrowth = f.PreviousKeyFeatureEvents > 0
            ? (double)(f.KeyFeatureEvents - f.PreviousKeyFeatureEvents) / f.PreviousKeyFeatureEvents : null;
        double? usagePerSeat = f.Seats > 0 ? (double)f.Events / f.Seats : null;
        var reasons = new List<ExpansionReason>();
        if (saturation >= t.SeatSaturation)
        {
            reasons.Add(new(ExpansionSignalKind.SeatSaturation, saturation.Value, t.SeatSaturation,
                Text($"{f.ActiveUsers} active users on {f.Seats} seats ({saturation:P0}, from {t.SeatSaturation:P0})")
            ));
        }
        if (userGrowth >= t.ActiveUserGrowth && f.ActiveUsers >= t.MinimumActiveUsers)
        {
            reasons.Add(new(ExpansionSignalKind.ActiveUserGrowth, userGrowth.Value, t.ActiveUserGrowth,
                Text($"active users grew from {f.PreviousActiveUsers} to {f.ActiveUsers}")
                + Text($" over the previous 30 days ({userGrowth:+0%;-0%})")));
        }
        if (featureGrowth >= t.KeyFeatureGrowth && f.KeyFeatureEvents >= t.MinimumKeyFeatureEvents)
        {
            reasons.Add(new(ExpansionSignalKind.KeyFeatureGrowth, featureGrowth.Value, t.KeyFeatureGrowth,
                Text($"key-feature use grew from {f.PreviousKeyFeatureEvents} to {f.KeyFeatureEvents} events")
                + Text($" over the previous 30 days ({featureGrowth:+0%;-0%})")));
        }
        if (peer is { Usage: > 0 } p && usagePerSeat is { } usage && f.Seats <= p.Seats
            && usage >= t.PeerMultiple * p.Usage)
        {
            reasons.Add(new(ExpansionSignalKind.HeavyForItsPlan, usage / p.Usage, t.PeerMultiple,
                Text($"{usage:0.#} events per seat, {usage / p.Usage:0.#}x its peers' median of {p.Usage:0.#},")
                + Text($" on {f.Seats} seats (peers' median {p.Seats:0.#})")));
        }
        var blocker = reasons.Count == 0 ? null
            : f.Seats == 0 ? "no running contract with seats"
            : f.Stage == LifecycleStage.Churned ? "the account churned"
            : f.Band == HealthBand.Critical ? "the health band is critical: a save comes before an upsell"
            : null;
        return new ExpansionAssessment(f, saturation, userGrowth, featureGrowth, usagePerSeat, peer?.Usage,
            peer?.Seats, reasons, reasons.Count > 0 && blocker is null, blocker);
    }

    /// <summary>The middle value; the mean of the two middle values for an even count.</summary>
    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
