using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Domain.Onboarding;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Coordination;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Onboarding;
using CustomerHealth.Infrastructure.Renewals;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Persistence;

/// <summary>The one DbContext of the service. Mapping lives in <c>Configurations/</c>, one class per entity.</summary>
public sealed class CustomerHealthDbContext(DbContextOptions<CustomerHealthDbContext> options) : DbContext(options)
{
    /// <summary>
    /// True while a writer that writes every recompute mark of its save itself (the batch CRM writes, docs/adr/0054)
    /// saves: <see cref="HealthDirtyMarker"/> then leaves that <c>SaveChanges</c> alone.
    /// </summary>
    internal bool RecomputeMarksWrittenByCaller { get; set; }

    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Contract> Contracts => Set<Contract>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<UsageEventRow> UsageEvents => Set<UsageEventRow>();
    public DbSet<UserDailyActivity> UserDailyActivity => Set<UserDailyActivity>();
    public DbSet<UserActiveDays> UserActiveDays => Set<UserActiveDays>();
    public DbSet<AccountDailyUsage> AccountDailyUsage => Set<AccountDailyUsage>();
    public DbSet<AccountFeatureDailyUsage> AccountFeatureDailyUsage => Set<AccountFeatureDailyUsage>();
    public DbSet<EventCatalogueRow> EventCatalogue => Set<EventCatalogueRow>();
    public DbSet<NpsResponse> NpsResponses => Set<NpsResponse>();
    public DbSet<SupportTicket> SupportTickets => Set<SupportTicket>();
    public DbSet<Touchpoint> Touchpoints => Set<Touchpoint>();
    public DbSet<OnboardingPlan> OnboardingPlans => Set<OnboardingPlan>();
    public DbSet<Milestone> OnboardingMilestones => Set<Milestone>();
    public DbSet<PlanTemplateRow> PlanTemplates => Set<PlanTemplateRow>();
    public DbSet<OnboardingEvaluationRow> OnboardingEvaluationQueue => Set<OnboardingEvaluationRow>();
    public DbSet<HealthScoreRow> HealthScores => Set<HealthScoreRow>();
    public DbSet<HealthSnapshotRow> HealthSnapshots => Set<HealthSnapshotRow>();
    public DbSet<ScorecardRow> Scorecards => Set<ScorecardRow>();
    public DbSet<HealthRecomputeRow> HealthRecomputeQueue => Set<HealthRecomputeRow>();
    public DbSet<HealthChangeRow> HealthChanges => Set<HealthChangeRow>();
    public DbSet<HealthOverrideRow> HealthOverrides => Set<HealthOverrideRow>();
    public DbSet<AuditEventRow> AuditEvents => Set<AuditEventRow>();
    public DbSet<Currency.ExchangeRateSetRow> ExchangeRateSets => Set<Currency.ExchangeRateSetRow>();
    public DbSet<WorkLease> WorkLeases => Set<WorkLease>();
    public DbSet<Webhooks.WebhookSubscriptionRow> WebhookSubscriptions => Set<Webhooks.WebhookSubscriptionRow>();
    public DbSet<Webhooks.WebhookEventRow> WebhookEvents => Set<Webhooks.WebhookEventRow>();
    public DbSet<Webhooks.WebhookDeliveryRow> WebhookDeliveries => Set<Webhooks.WebhookDeliveryRow>();
    public DbSet<RenewalModelRow> RenewalModels => Set<RenewalModelRow>();
    public DbSet<RenewalPredictionRow> RenewalPredictions => Set<RenewalPredictionRow>();
    public DbSet<RenewalPredictionChangeRow> RenewalPredictionChanges => Set<RenewalPredictionChangeRow>();
    public DbSet<RenewalHoldoutRow> RenewalHoldout => Set<RenewalHoldoutRow>();
    public DbSet<Domain.Plays.Play> Plays => Set<Domain.Plays.Play>();
    public DbSet<Plays.PlayRuleSetRow> PlayRuleSets => Set<Plays.PlayRuleSetRow>();
    public DbSet<Plays.PlayChangeRow> PlayChanges => Set<Plays.PlayChangeRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CustomerHealthDbContext).Assembly);
        if (Database.IsNpgsql())
        {
            // PostgreSQL checks a foreign key with a query per inserted row: a quarter of the time of inserting an
            // event,
            // and nearly every event inserts a user-day row too
            // (docs/adr/0020-postgresql-events-without-account-foreign-keys.md). These two tables are written only by
            // ingestion, which locks the accounts it writes for (FOR KEY SHARE), by the rebuild, which does too, and by
            // the bulk loader, for accounts it creates in the same transaction; the account's deletion removes their
            // rows (AccountStore.DeleteAccountAsync).
            foreach (var type in new[] { typeof(UsageEventRow), typeof(UserDailyActivity) })
            {
                var entity = modelBuilder.Entity(type).Metadata;
                foreach (var key in entity.GetForeignKeys().ToArray()) entity.RemoveForeignKey(key);
            }
            // Rollup rows are updated in place by every group of events that touches them; room left on each page lets
            // PostgreSQL write the new version beside the old one without a new index entry (a HOT update).
            modelBuilder.Entity<AccountDailyUsage>().HasStorageParameter("fillfactor", 80);
            modelBuilder.Entity<AccountFeatureDailyUsage>().HasStorageParameter("fillfactor", 80);
            modelBuilder.Entity<UserDailyActivity>().HasStorageParameter("fillfactor", 90);
        }
        if (Database.IsSqlServer())
        {
            // SQL Server compares strings case-insensitively by default; CRM ids are case-sensitive everywhere else.
            foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(t => t.GetProperties()))
            {
                if (property.ClrType == typeof(string)
                    && (property.IsKey() || property.IsForeignKey() || property.IsIndex()))
                    property.SetCollation(SqlServerIdCollation);
            }
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every instant is UTC: stored without offset, read back with DateTimeKind.Utc.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    /// <summary>A binary (case- and accent-sensitive) collation for ids on SQL Server.</summary>
    public const string SqlServerIdCollation = "Latin1_General_100_BIN2_UTF8";
}
