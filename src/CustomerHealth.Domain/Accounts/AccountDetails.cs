namespace CustomerHealth.Domain.Accounts;

/// <summary>The caller-owned fields of an account, as a CRM pushes them.</summary>
public sealed record AccountDetails(string AccountId, string DisplayName, string? Segment, CsTier Tier, string? Owner)
{
    public const int MaxDisplayNameLength = 200;
    public const int MaxSegmentLength = 64;
    public const int MaxOwnerLength = Common.PersonNames.MaxLength;
}
