namespace CustomerHealth.Server.Security;

/// <summary>
/// The scope each RPC needs: the one place a reviewer reads to know who may call what. Keys are gRPC method paths
/// (<c>package.Service/Method</c>). A mapped method missing here stops the server at start-up
/// (<see cref="RpcAuthorization.RequireDeclaredScopes"/>), so a new RPC can never be served open by omission.
/// </summary>
public static class RpcScopes
{
    /// <summary>Marks the methods anyone may call without a credential: the health probes only.</summary>
    public const string Public = "";

    private const string Accounts = "customerhealth.v1.AccountService/";
    private const string Engagement = "customerhealth.v1.EngagementService/";
    private const string Onboarding = "customerhealth.v1.OnboardingService/";
    private const string Health = "customerhealth.v1.HealthService/";
    private const string Renewals = "customerhealth.v1.RenewalService/";
    private const string Metrics = "customerhealth.v1.MetricsService/";
    private const string Audit = "customerhealth.v1.AuditService/";
    private const string Currency = "customerhealth.v1.CurrencyService/";
    private const string Webhooks = "customerhealth.v1.WebhookService/";
    private const string Plays = "customerhealth.v1.PlayService/";
    private const string ServiceInfo = "customerhealth.v1.ServiceInfoService/";

    public static readonly IReadOnlyDictionary<string, string> ByMethod = new Dictionary<string, string>(
        StringComparer.Ordinal)
    {
        [Accounts + "UpsertAccount"] = Scopes.CrmWrite,
        [Accounts + "GetAccount"] = Scopes.Read,
        [Accounts + "GetAccountOverview"] = Scopes.Read,
        [Accounts + "ListAccounts"] = Scopes.Read,
        [Accounts + "DeleteAccount"] = Scopes.Admin,
        [Accounts + "UpsertContract"] = Scopes.CrmWrite,
        [Accounts + "GetContract"] = Scopes.Read,
        [Accounts + "ListContracts"] = Scopes.Read,
        [Accounts + "RecordRenewalOutcome"] = Scopes.CrmWrite,
        [Accounts + "BatchUpsertAccounts"] = Scopes.CrmWrite,
        [Accounts + "BatchUpsertContracts"] = Scopes.CrmWrite,
        [Accounts + "BatchRecordRenewalOutcomes"] = Scopes.CrmWrite,
        [Accounts + "GetAccountHierarchy"] = Scopes.Read,
        [Accounts + "UpsertContact"] = Scopes.CrmWrite,
        [Accounts + "ListContacts"] = Scopes.Read,
        [Accounts + "DeleteContact"] = Scopes.CrmWrite,

        [Engagement + "StreamEvents"] = Scopes.EngagementWrite,
        [Engagement + "IngestEvents"] = Scopes.EngagementWrite,
        [Engagement + "GetDailyUsage"] = Scopes.Read,
        [Engagement + "GetEventCatalogue"] = Scopes.Read,
        [Engagement + "UpdateEventCatalogue"] = Scopes.Admin,
        [Engagement + "RebuildRollups"] = Scopes.Admin,
        [Engagement + "DeletePersonData"] = Scopes.Admin,
        [Engagement + "RecordNpsResponse"] = Scopes.CrmWrite,
        [Engagement + "ListNpsResponses"] = Scopes.Read,
        [Engagement + "UpsertSupportTicket"] = Scopes.CrmWrite,
        [Engagement + "ListSupportTickets"] = Scopes.Read,
        [Engagement + "RecordTouchpoint"] = Scopes.CrmWrite,
        [Engagement + "ListTouchpoints"] = Scopes.Read,

        [Onboarding + "GetOnboardingPlan"] = Scopes.Read,
        [Onboarding + "CreateOnboardingPlan"] = Scopes.CrmWrite,
        [Onboarding + "CompleteMilestone"] = Scopes.CsmWrite,
        [Onboarding + "ListOverdueMilestones"] = Scopes.Read,
        [Onboarding + "GetPlanTemplate"] = Scopes.Read,
        [Onboarding + "ReplacePlanTemplate"] = Scopes.Admin,

        [Health + "GetHealthScore"] = Scopes.Read,
        [Health + "BatchGetHealthScores"] = Scopes.Read,
        [Health + "ListHealthScores"] = Scopes.Read,
        [Health + "GetHealthHistory"] = Scopes.Read,
        [Health + "GetScorecard"] = Scopes.Read,
        [Health + "ReplaceScorecard"] = Scopes.Admin,
        [Health + "ListHealthChanges"] = Scopes.Read,
        [Health + "WatchHealthChanges"] = Scopes.Read,
        [Health + "SetHealthOverride"] = Scopes.CsmWrite,
        [Health + "ClearHealthOverride"] = Scopes.CsmWrite,
        [Health + "ListHealthAudit"] = Scopes.Admin,
        [Health + "RecomputeHealthScores"] = Scopes.Admin,
        [Health + "BacktestHealthScores"] = Scopes.Admin,
        [Health + "ProposeScorecard"] = Scopes.Admin,

        [Renewals + "GetRenewalPrediction"] = Scopes.Read,
        [Renewals + "ListUpcomingRenewals"] = Scopes.Read,
        [Renewals + "ListPredictionChanges"] = Scopes.Read,
        [Renewals + "TrainRenewalModel"] = Scopes.Admin,
        [Renewals + "GetRenewalModel"] = Scopes.Read,
        [Renewals + "ListRenewalModels"] = Scopes.Read,
        [Renewals + "ServeRenewalModel"] = Scopes.Admin,
        // An operator's check of a model: a backtest builds features for every row, like a training.
        [Renewals + "ListRenewalHoldout"] = Scopes.Admin,
        [Renewals + "GetRenewalForecast"] = Scopes.Read,

        [Metrics + "GetPortfolioMetrics"] = Scopes.Read,
        [Metrics + "GetExpansionSignals"] = Scopes.Read,
        [Metrics + "ListExpansionSignals"] = Scopes.Read,

        [Audit + "ListAuditEvents"] = Scopes.Admin,

        [Currency + "SetExchangeRates"] = Scopes.Admin,
        [Currency + "GetExchangeRates"] = Scopes.Read,

        // Subscriptions name where the service sends data, and dead letters hold event bodies: admins only.
        [Webhooks + "CreateWebhookSubscription"] = Scopes.Admin,
        [Webhooks + "GetWebhookSubscription"] = Scopes.Admin,
        [Webhooks + "ListWebhookSubscriptions"] = Scopes.Admin,
        [Webhooks + "UpdateWebhookSubscription"] = Scopes.Admin,
        [Webhooks + "DeleteWebhookSubscription"] = Scopes.Admin,
        [Webhooks + "ListWebhookDeadLetters"] = Scopes.Admin,
        [Webhooks + "RedeliverWebhookDeliveries"] = Scopes.Admin,
        [Plays + "ListPlays"] = Scopes.Read,
        [Plays + "GetPlay"] = Scopes.Read,
        // A CSM's own actions on the plays of their accounts, like overrides and manual milestones.
        [Plays + "AcknowledgePlay"] = Scopes.CsmWrite,
        [Plays + "CompletePlay"] = Scopes.CsmWrite,
        [Plays + "SnoozePlay"] = Scopes.CsmWrite,
        [Plays + "GetPlayRules"] = Scopes.Read,
        [Plays + "UpdatePlayRules"] = Scopes.Admin,
        [Plays + "ListPlayChanges"] = Scopes.Read,
        [Plays + "WatchPlays"] = Scopes.Read,
        [ServiceInfo + "GetServiceInfo"] = Scopes.Read,

        // Kubernetes' gRPC probes present no credential.
        ["grpc.health.v1.Health/Check"] = Public,
        ["grpc.health.v1.Health/Watch"] = Public,
        ["grpc.health.v1.Health/List"] = Public,
        // Reflection describes the whole API: readers only.
        ["grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"] = Scopes.Read,
        ["grpc.reflection.v1.ServerReflection/ServerReflectionInfo"] = Scopes.Read,
    };

    /// <summary>The declared scope of a method path such as
    /// <c>/customerhealth.v1.AccountService/GetAccount</c>.</summary>
    public static bool TryGet(string methodPath, out string scope) =>
        ByMethod.TryGetValue(methodPath.TrimStart('/'), out scope!);
}
