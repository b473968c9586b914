namespace CustomerHealth.Server.Security;

/// <summary>
/// The OAuth scopes a caller's credential carries. A token lists them in its <c>scope</c> (space-separated) or
/// <c>scp</c> claim; a client certificate gets them from <c>Authentication:Certificate:Callers</c>. No scope implies
/// another: a caller that reads and writes holds both.
/// </summary>
public static class Scopes
{
    /// <summary>
    /// Every read: accounts, engagement, scores, history, change feeds, predictions, metrics, reflection.
    /// </summary>
    public const string Read = "customerhealth.read";

    /// <summary>
    /// What a CRM sync pushes: accounts, contracts, renewal outcomes, NPS, tickets, touchpoints, plans.
    /// </summary>
    public const string CrmWrite = "customerhealth.crm.write";

    /// <summary>Product-usage events (the analytics pipeline).</summary>
    public const string EngagementWrite = "customerhealth.engagement.write";

    /// <summary>A customer-success manager's own actions: score overrides and manual onboarding milestones.</summary>
    public const string CsmWrite = "customerhealth.csm.write";

    /// <summary>
    /// Deletions, person erasure, scorecard / template / catalogue changes, recomputes, model training, audit.
    /// </summary>
    public const string Admin = "customerhealth.admin";

    public static readonly IReadOnlyList<string> All = [Read, CrmWrite, EngagementWrite, CsmWrite, Admin];
}
