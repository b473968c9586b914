namespace CustomerHealth.Domain.Accounts;

/// <summary>A customer company, keyed by the CRM's id.</summary>
public sealed class Account
{
    private Account(string id, string displayName, string? segment, CsTier assignedTier, string? owner, DateTime createdAt)
    {
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
    public string? Owner { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public static Account Create(AccountDetails details, DateTime now)
    {
        var account = new Account(details.AccountId, details.DisplayName.Trim(), Normalize(details.Segment), details.Tier, Normalize(details.Owner), now);
        return account;
    }

    /// <summary>Replaces the caller-owned fields; returns false (and changes nothing) when they are already equal.</summary>
    public bool Update(AccountDetails details, DateTime now)
    {
        if (details.AccountId != Id) throw new InvalidOperationException("An account's id cannot change.");
        var name = details.DisplayName.Trim();
        var segment = Normalize(details.Segment);
        var owner = Normalize(details.Owner);
        if (name == DisplayName && segment == Segment && owner == Owner && details.Tier == AssignedTier) return false;
        DisplayName = name;
        Segment = segment;
        Owner = owner;
        AssignedTier = details.Tier;
        UpdatedAt = now;
        return true;
    }

    /// <summary>
    /// Sets the effective tier from the assigned one or, when none is assigned, from the ARR of
    /// <paramref name="currentContract"/>. Returns true when it changed.
    /// </summary>
    public bool RefreshEffectiveTier(Contract? currentContract, TierThresholds thresholds, DateTime now)
    {
        var tier = AssignedTier != CsTier.Unspecified ? AssignedTier
            : currentContract is null ? CsTier.Unspecified
            : thresholds.Classify(currentContract.Arr.Amount);
        if (tier == EffectiveTier) return false;
        EffectiveTier = tier;
        UpdatedAt = now;
        return true;
    }

    private static string? Normalize(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
