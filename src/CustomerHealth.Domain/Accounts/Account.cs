using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Accounts;

/// <summary>A customer company, keyed by the CRM's id.</summary>
public sealed class Account
{
    private Account(
        string id, string displayName, string? segment, CsTier assignedTier, string? owner, string? parentId,
        DateTime createdAt)
    {
        ParentId = parentId;
        Id = id;
        DisplayName = displayName;
        Segment = segment;
        AssignedTier = assignedTier;
        EffectiveTier = assignedTier;
        Owner = owner;
        CreatedAt = createdAt;
        UpdatedAt = createdAt;
    }

    public string Id { get; private set; }
    public string DisplayName { get; private set; }
    public string? Segment { get; private set; }

    /// <summary>The tier the CRM gave, or <see cref="CsTier.Unspecified"/>.</summary>
    public CsTier AssignedTier { get; private set; }

    /// <summary>The tier in force: the assigned one, else derived from the current contract's ARR.</summary>
    public CsTier EffectiveTier { get; private set; }

    public bool TierDerived => AssignedTier == CsTier.Unspecified && EffectiveTier != CsTier.Unspecified;

    /// <summary>
    /// True when the derived tier compared the current contract's ARR in its own currency, for want of an exchange rate
    /// to the reporting currency (docs/adr/0056-exchange-rate-table-and-reporting-currency.md).
    /// </summary>
    public bool TierUnconverted { get; private set; }

    public string? Owner { get; private set; }

    /// <summary>The account above this one in a hierarchy, or null for a root (or an account on its own).</summary>
    public string? ParentId { get; private set; }

    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public static Account Create(AccountDetails details, DateTime now)
    {
        var account = new Account(
            details.AccountId, details.DisplayName.Trim(), Normalize(details.Segment), details.Tier,
            Normalize(details.Owner), Normalize(details.ParentAccountId), now);
        return account;
    }

    /// <summary>
    /// Replaces the caller-owned fields; returns false (and changes nothing) when they are already equal.
    /// </summary>
    public bool Update(AccountDetails details, DateTime now)
    {
        if (details.AccountId != Id) throw new InvalidOperationException("An account's id cannot change.");
        var name = details.DisplayName.Trim();
        var segment = Normalize(details.Segment);
        var owner = Normalize(details.Owner);
        var parent = Normalize(details.ParentAccountId);
        if (name == DisplayName && segment == Segment && owner == Owner && details.Tier == AssignedTier
            && parent == ParentId) return false;
        DisplayName = name;
        ParentId = parent;
        Segment = segment;
        Owner = owner;
        AssignedTier = details.Tier;
        UpdatedAt = now;
        return true;
    }

    /// <summary>
    /// Sets the effective tier from the assigned one or, when none is assigned, from the ARR of
    /// <paramref name="currentContract"/> in the reporting currency of <paramref name="rates"/>. A contract in a
    /// currency without a rate is classified by its own amount, and <see cref="TierUnconverted"/> says so. Returns true
    /// when the tier or that flag changed.
    /// </summary>
    public bool RefreshEffectiveTier(
        Contract? currentContract, TierThresholds thresholds, ExchangeRates rates, DateTime now)
    {
        var (tier, unconverted) = AssignedTier != CsTier.Unspecified ? (AssignedTier, false)
            : currentContract is null ? (CsTier.Unspecified, false)
            : rates.Convert(currentContract.Arr) is { } arr ? (thresholds.Classify(arr), false)
            : (thresholds.Classify(currentContract.ArrAmount), true);
        if (tier == EffectiveTier && unconverted == TierUnconverted) return false;
        EffectiveTier = tier;
        TierUnconverted = unconverted;
        UpdatedAt = now;
        return true;
    }

    /// <summary>
    /// True when deriving the tier from <paramref name="currentContract"/> needs an exchange rate: no tier is assigned
    /// and the contract is not in <paramref name="reportingCurrency"/>.
    /// </summary>
    public bool TierNeedsRateFor(Contract? currentContract, string reportingCurrency) =>
        AssignedTier == CsTier.Unspecified && currentContract is not null
        && currentContract.Currency != reportingCurrency;

    private static string? Normalize(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
