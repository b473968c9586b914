namespace CustomerHealth.Infrastructure.Audit;

/// <summary>
/// The step of the <c>AddAuditTrail</c> migrations that carries the health service's own audit (<c>health_audit</c>,
/// overrides and scorecard changes) into the one trail. The old table stays one release for the version still serving
/// during a rolling upgrade (docs/adr/0035-server-databases-migrated-by-command-and-hook.md), then goes.
/// </summary>
public static class LegacyHealthAudit
{
    /// <summary>
    /// The copy, in the dialect whose quoted identifiers are written <paramref name="open"/>name<paramref
    /// name="close"/>.
    /// Legacy actors were names the requests gave, so they are marked unverified.
    /// </summary>
    public static string CopySql(string open, string close) =>
        $"""
            INSERT INTO audit_events
                (at, action, rpc, caller, caller_kind, target_type, target_id, before_json, after_json)
            SELECT at,
                CASE action WHEN 1 THEN {(int)AuditAction.HealthOverrideSet} WHEN 2 THEN {(int)
                AuditAction.HealthOverrideCleared}
                    ELSE {(int)AuditAction.ScorecardReplaced} END,
                CASE action WHEN 1 THEN '{HealthService}SetHealthOverride'
                    WHEN 2 THEN '{HealthService}ClearHealthOverride'
                    ELSE '{HealthService}ReplaceScorecard' END,
                actor, {(int)CallerKind.Unverified},
                CASE WHEN account_id IS NULL THEN '{AuditTargets.Scorecard}' ELSE '{AuditTargets.Account}' END,
                account_id, {open}before{close}, {open}after{close}
            FROM health_audit
            ORDER BY id
            """;

    private const string HealthService = "customerhealth.v1.HealthService/";
}
