namespace CustomerHealth.Infrastructure.Audit;

/// <summary>What an audit event records (values match the contract's <c>AuditAction</c>; never renumber).</summary>
public enum AuditAction
{
    Unspecified = 0,
    AccountDeleted = 1,
    PersonDataErased = 2,
    EventCatalogueReplaced = 3,
    RollupsRebuilt = 4,
    PlanTemplateReplaced = 5,
    OnboardingPlanReplaced = 6,
    MilestoneCompleted = 7,
    ScorecardReplaced = 8,
    HealthOverrideSet = 9,
    HealthOverrideCleared = 10,
    HealthScoresRecomputed = 11,
    RenewalModelServed = 12,
    RenewalModelChosen = 13,
    RenewalModelHeldBack = 14,
    ExchangeRatesSet = 15,
    PlayRulesUpdated = 16,
    PlayCompleted = 17,
    PlaySnoozed = 18,
    WebhookSubscriptionChanged = 19,
    WebhookDeliveriesRequeued = 20,
    ContactDeleted = 21,
}

/// <summary>The kinds of thing an audit event names as its target.</summary>
public static class AuditTargets
{
    public const string Account = "account";
    public const string Person = "person";
    public const string EventCatalogue = "event_catalogue";
    public const string Rollups = "rollups";
    public const string PlanTemplate = "plan_template";
    public const string OnboardingPlan = "onboarding_plan";
    public const string Scorecard = "scorecard";
    public const string HealthScores = "health_scores";
    public const string RenewalModel = "renewal_model";
    public const string ExchangeRates = "exchange_rates";
    public const string PlayRules = "play_rules";
    public const string Play = "play";
    public const string WebhookSubscription = "webhook_subscription";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Account,
        Person,
        EventCatalogue,
        Rollups,
        PlanTemplate,
        OnboardingPlan,
        Scorecard,
        HealthScores,
        RenewalModel,
        ExchangeRates,
        PlayRules,
        Play,
        WebhookSubscription,
    };
}
