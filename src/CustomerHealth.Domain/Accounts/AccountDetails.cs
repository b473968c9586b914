namespace CustomerHealth.Domain.Accounts;

/// <summary>
/// The caller-owned fields of an account, as a CRM pushes them; <paramref name="ParentAccountId"/> is the account it
/// belongs to in a hierarchy, or null (docs/adr/0073-account-hierarchy-as-a-checked-parent-link.md).
/// </summary>
public sealed record AccountDetails(
    string AccountId, string DisplayName, string? Segment, CsTier Tier, string? Owner, string? ParentAccountId = null)
{
    public const int MaxDisplayNameLength = 200;
    public const int MaxSegmentLength = 64;
    public const int MaxOwnerLength = Common.PersonNames.MaxLength;
}
