using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Health;

/// <summary>
/// A CSM's override of an account's health: a score and/or a band, why, by whom, until when. The computed score stays
/// beside it; from <see cref="ExpiresAt"/> on it no longer applies, whether or not anything has cleaned it up.
/// </summary>
/// <param name="Score">The score the CSM gives (0–100), or null for a band only.</param>
/// <param name="Band">The band the CSM gives; when only a score is given, the scorecard's band of that score.</param>
public sealed record HealthOverride(
    double? Score, HealthBand Band, string Reason, string SetBy, DateTimeOffset SetAt, DateTimeOffset ExpiresAt)
{
    public const int MaxReasonLength = 1000;
    public const int MaxActorLength = PersonNames.MaxLength;
    public const int MaxDays = 366;

    /// <summary>Whether the override applies at <paramref name="now"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now) => now < ExpiresAt;

    /// <summary>
    /// A new override set at <paramref name="now"/>. Throws <see cref="ValidationException"/> with every broken rule: a
    /// score (0–100) or a band (critical, at risk, healthy) or both; a reason; who; an expiry after now, within a year.
    /// </summary>
    public static HealthOverride Create(
        double? score, HealthBand? band, string? reason, string? setBy, DateTimeOffset? expiresAt, DateTimeOffset now,
        Scorecard scorecard)
    {
        var v = new Violations();
        if (score is null && band is null) v.Add("score", "give a score, a band or both");
        if (score is { } s && !(double.IsFinite(s) && s is >= 0 and <= 100)) v.Add("score", "must be from 0 to 100");
        if (band is not (null or HealthBand.Critical or HealthBand.AtRisk or HealthBand.Healthy)) v.Add(
            "band", "must be critical, at risk or healthy");
        v.Text("reason", reason, MaxReasonLength, required: true, multiline: true);
        v.Text("set_by", setBy, MaxActorLength, required: true);
        if (expiresAt is not { } until) v.Add("expire_time", "is required");
        else if (until <= now) v.Add("expire_time", "must be in the future");
        else if (until > now.AddDays(MaxDays)) v.Add("expire_time", $"must be at most {MaxDays} days ahead");
        v.ThrowIfAny();
        var rounded = score is { } given ? Math.Round(given, 1, MidpointRounding.AwayFromZero) : (double?)null;
        return new HealthOverride(
            rounded, band ?? scorecard.BandOf(rounded), reason!.Trim(), setBy!.Trim(), now, expiresAt!.Value);
    }
}
