using System.Globalization;
using CustomerHealth.Domain.Onboarding;

namespace CustomerHealth.Infrastructure.Persistence;

/// <summary>
/// The table and column names, and the stored enum values, that hand-written SQL uses: the one place they are spelled.
/// The EF Core configurations name their tables and columns from here too, and <c>SqlSchemaTests</c> checks, for every
/// engine's model, that each constant is the column of the entity property of the same name (a complex property's
/// columns are named by the complex property and its own property, e.g. <c>RuleKind</c> for <c>Rule.Kind</c>).
/// </summary>
internal static class SqlSchema
{
    public static class Accounts
    {
        public const string Table = "accounts";
        public const string Id = "account_id";
        public const string DisplayName = "display_name";
        public const string Segment = "segment";
        public const string Owner = "owner";
        public const string AssignedTier = "assigned_tier";
        public const string EffectiveTier = "effective_tier";
        public const string TierUnconverted = "tier_unconverted";
        public const string ParentId = "parent_account_id";
        public const string CreatedAt = "created_at";
        public const string UpdatedAt = "updated_at";

        /// <summary>The columns the batch writers insert, in the order they bind them.</summary>
        public const string Columns = $"{Id}, {DisplayName}, {Segment}, {Owner}, {AssignedTier}, {EffectiveTier}, " +
            $"{TierUnconverted}, {ParentId}, {CreatedAt}, {UpdatedAt}";
    }

    /// <summary>Contracts (a new contract has no renewal outcome: <see cref="Columns"/> leaves it out).</summary>
    public static class Contracts
    {
        public const string Table = "contracts";
        public const string Id = "contract_id";
        public const string AccountId = "account_id";
        public const string ArrAmount = "arr_micros";
        public const string Currency = "currency";
        public const string Seats = "seats";
        public const string StartDate = "start_date";
        public const string EndDate = "end_date";
        public const string CreatedAt = "created_at";
        public const string UpdatedAt = "updated_at";

        /// <summary>The renewal outcome's columns (an owned type stored in the contract's row), which the batch writers
        /// update.</summary>
        public const string OutcomeKind = "outcome_kind";
        public const string OutcomeNewArr = "outcome_new_arr_micros";
        public const string OutcomeDecisionDate = "outcome_decision_date";
        public const string OutcomeRenewalContractId = "outcome_renewal_contract_id";
        public const string OutcomeNote = "outcome_note";
        public const string OutcomeRecordedAt = "outcome_recorded_at";

        /// <summary>The columns the batch writers insert, in the order they bind them.</summary>
        public const string Columns = $"{Id}, {AccountId}, {ArrAmount}, {Currency}, {Seats}, {StartDate}, {EndDate}, " +
            $"{CreatedAt}, {UpdatedAt}";
    }

    public static class OnboardingPlans
    {
        public const string Table = "onboarding_plans";
        public const string AccountId = "account_id";
        public const string StartDate = "start_date";
        public const string Tier = "tier";
        public const string TemplateVersion = "template_version";
        public const string CreatedAt = "created_at";
        public const string UpdatedAt = "updated_at";

        /// <summary>The columns the batch writers insert, in the order they bind them.</summary>
        public const string Columns = $"{AccountId}, {StartDate}, {Tier}, {TemplateVersion}, {CreatedAt}, {UpdatedAt}";
    }

    public static class UsageEvents
    {
        public const string Table = "usage_events";
        public const string PrimaryKey = "PK_usage_events";
        public const string Source = "source";
        public const string EventId = "event_id";
        public const string AccountId = "account_id";
        public const string UserId = "user_id";
        public const string EventName = "event_name";
        public const string OccurredAt = "occurred_at";
        public const string Day = "day";
        public const string Quantity = "quantity";
        public const string PropertiesJson = "properties";
        public const string ReceivedAt = "received_at";

        /// <summary>Every column, in the order the writers bind them.</summary>
        public const string Columns = $"{Source}, {EventId}, {AccountId}, {UserId}, {EventName}, {OccurredAt}, " +
            $"{Day}, " +
            $"{Quantity}, {PropertiesJson}, {ReceivedAt}";
    }

    public static class UserDailyActivity
    {
        public const string Table = "user_daily_activity";
        public const string AccountId = "account_id";
        public const string Day = "day";
        public const string UserId = "user_id";
        public const string Events = "events";
        public const string ActiveEvents = "active_events";
        public const string Key = $"{AccountId}, {Day}, {UserId}";
        public const string Columns = $"{Key}, {Events}, {ActiveEvents}";
    }

    public static class UserActiveDays
    {
        public const string Table = "user_active_days";
        public const string AccountId = "account_id";
        public const string Block = "block";
        public const string UserId = "user_id";
        public const string Days = "days";
        public const string Key = $"{AccountId}, {Block}, {UserId}";
        public const string Columns = $"{Key}, {Days}";
    }

    public static class AccountDailyUsage
    {
        public const string Table = "account_daily_usage";
        public const string AccountId = "account_id";
        public const string Day = "day";
        public const string Events = "events";
        public const string Users = "users";
        public const string ActiveUsers = "active_users";
        public const string Key = $"{AccountId}, {Day}";
        public const string Columns = $"{Key}, {Events}, {Users}, {ActiveUsers}";
    }

    public static class AccountFeatureDailyUsage
    {
        public const string Table = "account_feature_daily_usage";
        public const string AccountId = "account_id";
        public const string Day = "day";
        public const string Feature = "feature";
        public const string Events = "events";
        public const string Key = $"{AccountId}, {Day}, {Feature}";
        public const string Columns = $"{Key}, {Events}";
    }

    public static class EventCatalogue
    {
        public const string Table = "event_catalogue";
        public const string Id = "id";
        public const string Version = "version";
        public const string EntriesJson = "entries";
    }

    public static class Milestones
    {
        public const string Table = "onboarding_milestones";
        public const string AccountId = "account_id";
        /// <summary>The primary key: the account and the milestone's own key.</summary>
        public const string Key = $"{AccountId}, milestone_key";
        public const string Title = "title";
        public const string DueDay = "due_day";
        public const string DueDate = "due_date";
        public const string Position = "position";
        public const string CompletedAt = "completed_at";
        public const string CompletedHow = "completed_how";
        public const string CompletedBy = "completed_by";
        public const string Note = "note";
        public const string RuleKind = "rule_kind";
        public const string RuleEventName = "rule_event_name";
        public const string RuleCount = "rule_count";
        public const string RuleShare = "rule_share";

        /// <summary>The columns the batch writers insert, in the order they bind them.</summary>
        public const string Columns = $"{Key}, {Title}, {DueDay}, {DueDate}, {Position}, {CompletedAt}, " +
            $"{CompletedHow}, {CompletedBy}, {Note}, {RuleKind}, {RuleEventName}, {RuleCount}, {RuleShare}";
    }

    public static class OnboardingEvaluationQueue
    {
        public const string Table = "onboarding_evaluation_queue";
        public const string AccountId = "account_id";
        public const string MarkedAt = "marked_at";
    }

    public static class HealthRecomputeQueue
    {
        public const string Table = "health_recompute_queue";
        public const string AccountId = "account_id";
        public const string DueAt = "due_at";
    }

    public static class HealthChanges
    {
        public const string Table = "health_changes";
    }

    /// <summary>Current scores, as the hot single-account read selects them (<c>HealthScoreReader</c>).</summary>
    public static class HealthScores
    {
        public const string Table = "health_scores";
        public const string AccountId = "account_id";
        public const string Score = "score";
        public const string Band = "band";
        public const string Tier = "tier";
        public const string Stage = "lifecycle_stage";
        public const string EffectiveAccount = "effective_account";
        public const string CompletenessShare = "completeness";
        public const string DetailJson = "detail";
        public const string Change7Days = "change_7d";
        public const string Change30Days = "change_30d";
        public const string ScorecardVersion = "scorecard_version";
        public const string AsOf = "as_of";
        public const string ComputedAt = "computed_at";
        public const string RenewalDate = "renewal_date";
        public const string ArrMicros = "arr_micros";
        public const string Currency = "currency";
        public const string FirstActiveDay = "first_active_day";
        public const string FirstValueDay = "first_value_day";
        public const string MonthlyActiveUsers = "monthly_active_users";
    }

    /// <summary>Overrides, as the hot single-account read joins the one in force.</summary>
    public static class HealthOverrides
    {
        public const string Table = "health_overrides";
        public const string AccountId = "account_id";
        public const string Score = "score";
        public const string Band = "band";
        public const string Reason = "reason";
        public const string SetBy = "set_by";
        public const string SetAt = "set_at";
        public const string ExpiresAt = "expires_at";
    }

    public static class PlayChanges
    {
        public const string Table = "play_changes";
    }

    public static class RenewalPredictionChanges
    {
        public const string Table = "renewal_prediction_changes";
    }

    /// <summary>Stored enum values as SQL literals, formatted once from the domain enums (never a bare number in
    /// SQL).</summary>
    public static class Values
    {
        public static readonly string ManualRule = Of(MilestoneRuleKind.Manual);
        public static readonly string CompletedByRule = Of(CompletionMethod.Rule);

        /// <summary>The integer an enum value is stored as (EF Core's default mapping), as a SQL literal.</summary>
        public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum =>
            Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
    }
}
