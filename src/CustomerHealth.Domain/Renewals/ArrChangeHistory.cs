using CustomerHealth.Domain.Accounts;

namespace CustomerHealth.Domain.Renewals;

/// <summary>One recorded renewal: the tier of its account, the ARR before and the new ARR.</summary>
public readonly record struct RecordedRenewal(CsTier Tier, decimal Arr, decimal NewArr);

/// <summary>
/// The expansion and contraction renewals showed in history: the mean of new ARR / old ARR over recorded renewals, per
/// tier when the tier has at least <see cref="MinimumPerTier"/> of them, else over all tiers, else 1 (flat). Expected
/// renewal ARR = probability of renewal × ARR × that ratio.
/// </summary>
public sealed class ArrChangeHistory
{
    public const int MinimumPerTier = 20;
    private readonly Dictionary<CsTier, double> _byTier;
    private readonly double _overall;

    private ArrChangeHistory(Dictionary<CsTier, double> byTier, double overall) =>
        (_byTier, _overall) = (byTier, overall);

    public static ArrChangeHistory Flat { get; } = new([], 1.0);

    public static ArrChangeHistory From(IEnumerable<RecordedRenewal> renewals)
    {
        var valid = renewals.Where(r => r.Arr > 0 && r.NewArr >= 0)
            .Select(r => (Tier: Normalise(r.Tier), Ratio: (double)(r.NewArr / r.Arr))).ToArray();
        if (valid.Length == 0) return Flat;
        var byTier = valid.GroupBy(r => r.Tier).Where(g => g.Count() >= MinimumPerTier)
            .ToDictionary(g => g.Key, g => g.Average(r => r.Ratio));
        return new ArrChangeHistory(byTier, valid.Average(r => r.Ratio));
    }

    public double RatioFor(CsTier tier) => _byTier.TryGetValue(Normalise(tier), out var ratio) ? ratio : _overall;

    public decimal ExpectedRenewalArr(double probability, decimal arr, CsTier tier) =>
        decimal.Round(arr * (decimal)(Math.Clamp(probability, 0, 1) * RatioFor(tier)), 2, MidpointRounding.ToEven);

    private static CsTier Normalise(CsTier tier) => tier == CsTier.Unspecified ? CsTier.TechTouch : tier;
}
